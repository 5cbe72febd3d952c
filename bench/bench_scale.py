"""Scale benchmark (``make bench``): N synthetic claims, imported, served by ``make serve`` and
measured with wrk; writes BENCHMARKS.md.

Steps, each timed and reported:

1. ``generate_synthetic --claims N`` into ``var/bench/`` (kept: the same N and seed give the
   same bytes, so a second run reuses the file);
2. the import: ``import_jsonl`` into a database of its own, run under ``/usr/bin/time -v`` for
   the rate (claims/s) and the peak RSS, then the same file again (unchanged: nothing written).
   When N is above ``--import-max`` (default 1M), the import runs on the first
   ``--import-sample`` claims' worth of file and the benchmark database is built with
   ``bench/bulk_load.py`` (bench-only);
3. ``make serve`` against the benchmark database (a PostgreSQL server: ``--server-url``);
4. per page: one request right after the server starts ("cold": Python workers fresh,
   PostgreSQL's cache not dropped), then wrk for ``--duration`` seconds after a short warm-up
   ("warm"): req/s, p50, p95, and the ratio of each page's figures to one static file served
   by the same server;
5. the SQL of each page, counted in-process, with EXPLAIN (ANALYZE, BUFFERS) of its slowest
   query (``var/bench/explain-<N>.txt``);
6. BENCHMARKS.md: the machine, the date, N and the tables.

A database that already holds N claims is reused (``--rebuild`` to start again), and so are
the figures of the import that built it (``var/bench/<database>.import.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PY = str(ROOT / ".venv" / "bin" / "python")
MANAGE = [PY, str(ROOT / "manage.py")]
LUA = ROOT / "bench" / "wrk_summary.lua"
LONG_TAIL_LUA = ROOT / "bench" / "wrk_long_tail.lua"
LONG_TAIL = 20_000  # different paths per long-tail page (more than a run can ask)
# Each size's figures, kept in the repository so a re-run of one size keeps the others' sections.
REPORTS = ROOT / "bench" / "reports"
FINDINGS = "## Findings"  # BENCHMARKS.md's hand-written part, from this heading to the end


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {message}", flush=True)


# --- databases ------------------------------------------------------------------------------


def db_url(server_url: str, name: str) -> str:
    return re.sub(r"/[^/]*$", f"/{name}", server_url)


def claim_count(url: str) -> int | None:
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM claims_claim").fetchone()[0]
    except psycopg.Error:
        return None


def recreate(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = db_url(server_url, name)
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v0"], env=app_env(url), check=True)
    return url


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a command run against ``database_url``; ``extra`` wins."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or "bench-only-not-a-secret",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS=env.get("DJANGO_ALLOWED_HOSTS") or "localhost,127.0.0.1",
        DJANGO_SITE_URL=env.get("DJANGO_SITE_URL") or "http://127.0.0.1:8000",
        DJANGO_BEHIND_TLS_PROXY="true",  # plain HTTP on this machine: no HTTPS redirect
    )
    env.update(extra)
    return env


# Public pages are cached (rust_tracker/caching.py); a cache entry that lives 0 seconds is
# never read again, so a server with this setting renders every request: the uncached pass.
UNCACHED = {"PUBLIC_CACHE_SECONDS": "0"}


# --- data -----------------------------------------------------------------------------------


def generate(claims: int, seed: int, order: str = "grouped") -> tuple[Path, float]:
    """The synthetic file of ``claims`` claims, grouped by type (as an export) or written case
    by case (``order="cases"``)."""
    suffix = "" if order == "grouped" else f"-{order}"
    path = VAR / f"synthetic-{claims}-seed{seed}{suffix}.jsonl"
    if path.exists() and path.stat().st_size:
        return path, 0.0
    started = time.monotonic()
    tmp = path.with_suffix(".tmp")
    subprocess.run(
        [
            *MANAGE,
            "generate_synthetic",
            "--claims",
            str(claims),
            "--seed",
            str(seed),
            "--order",
            order,
            "-o",
            tmp,
        ],
        env=app_env(os.environ.get("BENCH_SERVER_URL", "postgresql://localhost/postgres")),
        check=True,
    )
    tmp.rename(path)
    return path, time.monotonic() - started


def timed(command: list[str], env: dict[str, str], logfile: Path) -> dict:
    """Run under /usr/bin/time -v: wall seconds and peak RSS."""
    with open(logfile, "w") as out:
        started = time.monotonic()
        done = subprocess.run(
            ["/usr/bin/time", "-v", *command], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        seconds = time.monotonic() - started
    text = logfile.read_text()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    cpu = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text)
    return {
        "ok": done.returncode == 0,
        "seconds": round(seconds, 1),
        # the command's own CPU (user + system; not the database server's): on a loaded
        # machine the figure the other jobs disturb least
        "cpu_seconds": round(sum(float(x) for x in cpu), 1) if cpu else None,
        "peak_rss_mib": round(int(rss.group(1)) / 1024) if rss else None,
        "log": str(logfile.relative_to(ROOT)),
    }


def import_figures(server_url: str, path: Path, claims: int, name: str) -> list[dict]:
    url = recreate(server_url, name)
    log(f"import_jsonl {path.name} ({claims} claims) into {name}")
    result = timed([*MANAGE, "import_jsonl", str(path)], app_env(url), VAR / f"{name}.import.log")
    result.update(claims=claims, file=path.name, database=name, how="import_jsonl")
    result["claims_per_second"] = round(claims / result["seconds"], 1) if result["ok"] else None
    results = [result]
    if result["ok"]:
        log(f"import_jsonl {path.name} again (unchanged) into {name}")
        again = timed(
            [*MANAGE, "import_jsonl", str(path)], app_env(url), VAR / f"{name}.reimport.log"
        )
        again.update(claims=claims, file=path.name, database=name, how="import_jsonl again")
        again["claims_per_second"] = round(claims / again["seconds"], 1) if again["ok"] else None
        results.append(again)
    (VAR / f"{name}.import.json").write_text(json.dumps(results, indent=1))
    return results


def import_cases_figure(server_url: str, claims: int, seed: int, name: str) -> dict:
    """The same records written case by case (each source followed by the claims that cite
    it, each pair after its claims), imported into a database of their own, then dropped:
    issue 22's goal is this within 1.2 times the grouped file's time."""
    path = generate(claims, seed, "cases")[0]
    cases = f"{name}_cases"
    url = recreate(server_url, cases)
    log(f"import_jsonl {path.name} ({claims} claims, case by case) into {cases}")
    result = timed([*MANAGE, "import_jsonl", str(path)], app_env(url), VAR / f"{cases}.import.log")
    result.update(claims=claims, file=path.name, database=cases, how="import_jsonl, case by case")
    result["claims_per_second"] = round(claims / result["seconds"], 1) if result["ok"] else None
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cases}"')
    return result


# --- serving and measuring ------------------------------------------------------------------


def serve(url: str, host: str, port: int, **extra: str) -> subprocess.Popen:
    logfile = open(VAR / "serve.log", "a")  # noqa: SIM115 (kept open for the server's life)
    env = app_env(url, HOST=host, PORT=str(port), **extra)
    env.pop("DJANGO_DEBUG")  # make serve sets it
    env.pop("DJANGO_SITE_URL")  # and the site URL, from HOST and PORT
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"HOST={host}", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return server


def stop(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)  # the group make serve started (gunicorn)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def wait_until_up(base: str, path: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + path, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer on {base}{path}; see var/bench/serve.log")


def fetch_once(base: str, page: dict) -> dict:
    request = urllib.request.Request(base + page["path"], headers=page["headers"])
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return {
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "status": status,
        "bytes": len(body),
    }


def server_rss(server: subprocess.Popen) -> dict:
    """RSS of gunicorn's processes (the master and its workers), from /proc."""
    pids = subprocess.run(
        ["pgrep", "-g", str(server.pid), "-f", "gunicorn"], capture_output=True, text=True
    ).stdout.split()
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        if found:
            sizes.append(int(found.group(1)) / 1024)
    return {
        "processes": len(sizes),
        "total_mib": round(sum(sizes)),
        "largest_mib": round(max(sizes, default=0)),
    }


def settle(base: str, static_path: str, timeout: float = 120) -> float:
    """Wait until the server is idle again: wrk stops at its deadline, but gunicorn still
    answers the requests it had queued, which would be counted against the next page. Idle:
    the static file answers in under 20 ms three times in a row. Returns the seconds waited."""
    started = time.monotonic()
    quick = 0
    while quick < 3 and time.monotonic() - started < timeout:
        took = fetch_once(base, {"path": static_path, "headers": {}})["ms"]
        quick = quick + 1 if took < 20 else 0
        time.sleep(0.2)
    return round(time.monotonic() - started, 1)


def run_wrk(base: str, page: dict, args) -> dict:
    """wrk on the page after a warm-up; a long-tail page (``tail``: a file of paths) asks a
    different path each request, and has no warm-up (it would use up the list's first pages)."""
    headers = [x for k, v in page["headers"].items() for x in ("-H", f"{k}: {v}")]
    common = ["wrk", "-t", str(args.wrk_threads), "-c", str(args.connections), *headers]
    script = ["-s", str(LUA), base + page["path"]]
    if page.get("tail"):
        script = ["-s", str(LONG_TAIL_LUA), base + page["path"], "--", page["tail"]]
    else:
        subprocess.run(
            [*common, "-d", f"{args.warmup}s", base + page["path"]],
            capture_output=True,
            check=False,
        )
    out = subprocess.run(
        [*common, "-d", f"{args.duration}s", "--timeout", "30s", *script],
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"WRK_JSON (\{.*\})", out)
    if not found:
        return {"error": out[-500:]}
    figures = json.loads(found.group(1))
    seconds = figures["duration_us"] / 1e6
    figures["rps"] = round(figures["requests"] / seconds, 1) if seconds else 0
    return figures


# --- the pages ------------------------------------------------------------------------------


def pick_pages(url: str) -> list[dict]:
    """Real ids from the benchmark database: the busiest topic, speaker and a contradiction
    with its claims (the pages a reader would most often open)."""
    with psycopg.connect(url) as conn:
        topic_slug, topic_name = conn.execute(
            """SELECT t.slug, t.name FROM claims_claim_topics ct
               JOIN claims_topic t ON t.id = ct.topic_id
               JOIN claims_claim c ON c.id = ct.claim_id AND c.status = 'published'
               GROUP BY t.slug, t.name ORDER BY count(*) DESC, t.slug LIMIT 1"""
        ).fetchone()
        speaker = conn.execute(
            """SELECT s.slug FROM claims_claim c JOIN claims_speaker s ON s.id = c.speaker_id
               WHERE c.status = 'published'
               GROUP BY s.slug ORDER BY count(*) DESC, s.slug LIMIT 1"""
        ).fetchone()[0]
        contradiction, claim, counter = conn.execute(
            """SELECT x.slug, a.slug, b.slug FROM claims_contradiction x
               JOIN claims_claim a ON a.id = x.claim_id JOIN claims_claim b ON b.id = x.counter_id
               WHERE x.status = 'published' AND a.status = 'published' AND b.status = 'published'
               ORDER BY (SELECT count(*) FROM claims_citation WHERE claim_id = a.id) DESC, x.slug
               LIMIT 1"""
        ).fetchone()
    word = topic_name.split()[0].lower()
    tails = long_tail_files(url, claims=int(claim_count(url) or 0))
    pages = [
        ("home", "home", "/", {}),
        ("search", f"search “{word}”, by relevance", f"/claims/?q={word}", {}),
        ("newest", f"search “{word}”, newest first", f"/claims/?q={word}&sort=newest", {}),
        ("list", "list, newest first (no words)", "/claims/", {}),
        ("search_topic", f"search “{word}” + topic", f"/claims/?q={word}&topic={topic_slug}", {}),
        ("claim", "claim", f"/claims/{claim}/", {}),
        ("contradiction", "contradiction", f"/contradictions/{contradiction}/", {}),
        ("speaker", "speaker (the busiest)", f"/speakers/{speaker}/", {}),
        ("compare", "compare", f"/compare/?a={claim}&b={counter}", {}),
        (
            "fragment",
            "htmx fragment (search, page 2)",
            f"/claims/?q={word}&page=2",
            {"HX-Request": "true"},
        ),
        (
            "csv",
            "CSV export (search + topic)",
            f"/claims/?q={word}&topic={topic_slug}&format=csv",
            {},
        ),
    ]
    found = [{"key": k, "name": n, "path": p, "headers": h} for k, n, p, h in pages]
    for key, name, path in (
        ("search_tail", "long tail: a different search each request", tails["search"]),
        ("claim_tail", "long tail: a different claim each request", tails["claim"]),
        (
            "contradiction_tail",
            "long tail: a different contradiction each request",
            tails["contradiction"],
        ),
    ):
        first = path.read_text().split("\n", 1)[0]
        found.append({"key": key, "name": name, "path": first, "headers": {}, "tail": str(path)})
    return found


def long_tail_files(url: str, claims: int) -> dict[str, Path]:
    """Files of paths for the long-tail pages (``LONG_TAIL`` each, in a fixed shuffled
    order): searches of two words of the claims' texts, claims, contradictions."""
    import random

    rng = random.Random(claims)
    with psycopg.connect(url) as conn:
        texts = conn.execute(
            "SELECT text FROM claims_claim WHERE status = 'published' ORDER BY id LIMIT 5000"
        ).fetchall()
        claims_ = conn.execute(
            "SELECT slug FROM claims_claim WHERE status = 'published' ORDER BY md5(slug) LIMIT %s",
            [LONG_TAIL],
        ).fetchall()
        pairs = conn.execute(
            """SELECT x.slug FROM claims_contradiction x
               JOIN claims_claim a ON a.id = x.claim_id JOIN claims_claim b ON b.id = x.counter_id
               WHERE x.status = 'published' AND a.status = 'published' AND b.status = 'published'
               ORDER BY md5(x.slug) LIMIT %s""",
            [LONG_TAIL],
        ).fetchall()
    words = sorted({w for (text,) in texts for w in re.findall(r"[a-z]{5,}", text.lower())})
    searches = set()
    while len(searches) < min(LONG_TAIL, len(words) ** 2 // 2):
        a, b = rng.sample(words, 2)
        searches.add(f"/claims/?q={a}+{b}")
    lists = {
        "search": sorted(searches, key=lambda _: rng.random()),
        "claim": [f"/claims/{slug}/" for (slug,) in claims_],
        "contradiction": [f"/contradictions/{slug}/" for (slug,) in pairs],
    }
    files = {}
    for name, paths in lists.items():
        files[name] = VAR / f"long-tail-{claims}-{name}.txt"
        files[name].write_text("\n".join(paths) + "\n")
    return files


def static_page(base: str) -> dict:
    with urllib.request.urlopen(base + "/claims/", timeout=60) as response:
        html = response.read().decode()
    found = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', html)
    if not found:
        raise SystemExit("no hashed stylesheet on /claims/: is the manifest storage on?")
    return {
        "key": "static",
        "name": "static file (hashed site.css)",
        "path": found.group(1),
        "headers": {},
    }


def explain_step(pages: list[dict], url: str, claims: int) -> Path:
    """Each page's SQL, counted in-process, and the EXPLAIN of its slowest query."""
    log("SQL per page (in-process) and EXPLAIN of the slowest query")
    explained = subprocess.run(
        [PY, str(ROOT / "bench" / "explain_pages.py")],
        input=json.dumps(pages[:-1]),
        env=app_env(url, DJANGO_ALLOWED_HOSTS="localhost", **UNCACHED),
        capture_output=True,
        text=True,
    )
    explain_file = VAR / f"explain-{claims}.txt"
    if explained.returncode == 0:
        for page, sql in zip(pages, json.loads(explained.stdout), strict=False):
            page["sql"] = sql
        explain_file.write_text(
            "\n\n".join(
                f"== {p['name']} {p['path']}: {p['sql']['queries']} queries, "
                f"{p['sql']['sql_ms']} ms SQL, slowest {p['sql']['slowest_ms']} ms\n"
                f"{p['sql']['slowest_sql']}\n\n{p['sql']['plan']}"
                for p in pages
                if "sql" in p
            )
        )
    else:
        explain_file.write_text(explained.stderr)
    return explain_file


# --- the report -----------------------------------------------------------------------------


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load": os.getloadavg(),
        "wrk": wrk_version.strip(),
    }


def ms(us: float | None) -> str:
    return "—" if us is None else f"{us / 1000:.1f}"


def write_all(path: Path) -> None:
    reports = [json.loads(f.read_text()) for f in REPORTS.glob("report-*.json")]
    write_report(path, sorted(reports, key=lambda r: r["claims"]))


def write_report(path: Path, reports: list[dict]) -> None:
    """One section per size measured (``bench/reports/report-<N>.json``)."""
    m = reports[-1]["machine"]
    lines = [
        "# Benchmarks: scale",
        "",
        "Written by `make bench` (`bench/bench_scale.py`), one section per size measured. "
        "Re-run: `make bench CLAIMS=N`; the goal size is `make bench CLAIMS=1000000`.",
        "",
        "## Machine",
        "",
        f"- {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}, "
        f"Python {m['python']}, PostgreSQL {reports[-1]['postgres']}, {m['wrk']}",
        "- the machine is shared with other jobs (load average below, per run): read the "
        "figures as an order of magnitude, and compare pages with each other and with the "
        "static file (same server, same moment) rather than with other runs.",
        "- server: `make serve` (gunicorn with threads, whitenoise, debug off) on the same "
        "machine as PostgreSQL and wrk.",
        "",
    ]
    for r in reports:
        lines += section(r, reports)
    kept = ""  # a hand-written section at the end survives a re-run
    if path.exists() and FINDINGS in path.read_text():
        kept = "\n" + FINDINGS + path.read_text().split(FINDINGS, 1)[1]
    path.write_text("\n".join(lines).rstrip() + "\n" + kept)


def _wrk_cells(w: dict, static: dict, duration: int) -> list[str]:
    """req/s, p50, p95 and the share of the static file's req/s, for one wrk run."""
    if not w or "error" in w:
        return ["wrk failed" if w else "not run", "", "", ""]
    if not w["requests"]:
        return [f"0: none finished in {duration} s", f"> {duration * 1000:,}", "", ""]
    bad = f" ({w['non2xx']} non-2xx, {w['errors']} errors)" if w["non2xx"] or w["errors"] else ""
    share = 100 * w["rps"] / static["rps"] if static.get("rps") else 0
    return [f"{w['rps']:.1f}{bad}", ms(w["p50_us"]), ms(w["p95_us"]), f"{share:.0f} %"]


def _clip(line: str, width: int = 200) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _page(r: dict, key: str) -> dict:
    return next((p for p in r["pages"] if p.get("key") == key), {})


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def goal_lines(r: dict, reports: list[dict]) -> list[str]:
    """The issue's goals (stated for 1M claims on 2 cores) against this size's figures."""
    size = f"at {r['claims']:,} claims"
    lines = []

    def p50(page: dict, run: str = "wrk_uncached") -> float | None:
        us = page.get(run, {}).get("p50_us")
        return None if us is None else us / 1000

    for key in ("search", "search_topic"):
        page = _page(r, key)
        w = page.get("wrk_uncached", {})
        if not w.get("requests"):
            continue
        p95 = w["p95_us"] / 1000
        ok = p50(page) <= 50 and p95 <= 150 and w["rps"] >= 100
        lines.append(
            f"- {page['name']}, uncached: p50 ≤ 50 ms, p95 ≤ 150 ms, ≥ 100 req/s: "
            f"p50 {p50(page):.1f} ms, p95 {p95:.1f} ms, {w['rps']:.1f} req/s {size} "
            f"({_verdict(ok)})."
        )
    for key, limit in (("contradiction", 15), ("claim", 30), ("speaker", 30)):
        page = _page(r, key)
        if p50(page) is not None:
            lines.append(
                f"- {page['name']} p50 ≤ {limit} ms, uncached: {p50(page):.1f} ms {size} "
                f"({_verdict(p50(page) <= limit)})."
            )
    tail = _page(r, "search_tail").get("wrk_uncached", {})
    if tail.get("requests"):
        ok = tail["rps"] >= 100 and tail["p50_us"] <= 100_000
        lines.append(
            f"- long-tail search (a different query each request) ≥ 100 req/s with p50 ≤ 100 ms: "
            f"{tail['rps']:.1f} req/s, p50 {tail['p50_us'] / 1000:.1f} ms {size} ({_verdict(ok)})."
        )
    for key in ("search_tail", "claim_tail", "contradiction_tail"):
        page = _page(r, key)
        off, on = page.get("wrk_uncached", {}), page.get("wrk", {})
        if off.get("rps") and on.get("rps"):
            ratio = on["rps"] / off["rps"]
            lines.append(
                f"- {page['name']}: the cache on costs no more than off (every request a miss): "
                f"{on['rps']:.1f} req/s on, {off['rps']:.1f} off, {ratio:.2f} × "
                f"({_verdict(ratio >= 0.95)}, within the noise of 5 %)."
            )
    static = _page(r, "static")
    shares = {
        p["name"]: 100 * p["wrk"]["rps"] / static["wrk"]["rps"]
        for p in r["pages"]
        if p.get("key") not in ("static", "csv")
        and not p.get("tail")
        and p.get("wrk", {}).get("rps")
        and static.get("wrk", {}).get("rps")
    }
    if shares:
        low = min(shares, key=shares.get)
        lines.append(
            f"- cached public pages ≥ 70 % of the static file's req/s: the lowest is "
            f"{low} at {shares[low]:.0f} % {size} ({_verdict(shares[low] >= 70)})."
        )
    page = _page(r, "contradiction")
    if page.get("wrk_uncached", {}).get("rps") and static.get("wrk_uncached", {}).get("rps"):
        share = 100 * page["wrk_uncached"]["rps"] / static["wrk_uncached"]["rps"]
        lines.append(
            f"- uncached contradiction page ≥ 25 % of the static file's req/s: {share:.0f} % "
            f"{size} ({_verdict(share >= 25)})."
        )
    small = next((o for o in reports if o["claims"] == 10_000), None)
    if small is not None and small is not r:
        worse = []
        for page in r["pages"][:-1]:  # not the static file
            before = p50(_page(small, page.get("key", "")))
            if p50(page) is not None and before:
                worse.append((p50(page) / before, page["name"]))
        if worse:
            ratio, name = max(worse)
            lines.append(
                f"- every page's uncached p50 ≤ 1.5 × its p50 at 10,000 claims: the largest "
                f"ratio is {name}, {ratio:.2f} × ({_verdict(ratio <= 1.5)})."
            )
    grouped = next((i for i in r["imports"] if i["how"] == "import_jsonl" and i["ok"]), None)
    cases = next((i for i in r["imports"] if i["how"] == "import_jsonl, case by case"), None)
    if grouped and cases and cases["ok"] and grouped["claims"] == cases["claims"]:
        ratio = cases["seconds"] / grouped["seconds"]
        lines.append(
            f"- the same records written case by case import within 1.2 × the time of the "
            f"grouped file: {cases['seconds']:.0f} s against {grouped['seconds']:.0f} s, "
            f"{ratio:.2f} × on {cases['claims']:,} claims ({_verdict(ratio <= 1.2)})."
        )
    for item in r["imports"]:
        if item["how"] == "import_jsonl" and item.get("claims_per_second") is not None:
            rate_ok = item["claims_per_second"] >= 3000
            rss_ok = (item["peak_rss_mib"] or 0) <= 1024
            lines.append(
                f"- import ≥ 3,000 claims/s with RSS ≤ 1 GiB: {item['claims_per_second']} "
                f"claims/s ({_verdict(rate_ok)}), {item['peak_rss_mib']} MiB "
                f"({_verdict(rss_ok)}) on {item['claims']:,} claims."
            )
    return lines


def section(r: dict, reports: list[dict]) -> list[str]:
    m = r["machine"]
    lines = [
        f"## {r['claims']:,} claims ({r['date']})",
        "",
        f"`generate_synthetic --claims {r['claims']} --seed {r['seed']}`: "
        + ", ".join(f"{v:,} {k}s" for k, v in r["counts"].items())
        + f"; {r['file_mib']} MiB of JSON Lines"
        + (f", written in {r['generate_seconds']:.0f} s." if r["generate_seconds"] else "."),
        f"Load average while measuring: {m['load'][0]:.1f} / {m['load'][1]:.1f} / "
        f"{m['load'][2]:.1f}. gunicorn {r['workers']} workers × {r['threads']} threads; "
        f"wrk {r['wrk_threads']} threads, {r['connections']} connections, "
        f"{r['warmup']} s warm-up then {r['duration']} s per page.",
        "",
        "### Import",
        "",
        "| how | claims | time | claims/s | peak RSS | goal |",
        "|---|---|---|---|---|---|",
    ]
    for item in r["imports"]:
        rate = item.get("claims_per_second")
        lines.append(
            f"| {item['how']} | {item['claims']:,} | {item['seconds']:.0f} s | "
            f"{rate if rate is not None else 'failed'} | {item['peak_rss_mib']} MiB | "
            f"{item.get('goal', '')} |"
        )
    lines += ["", *r["import_notes"], ""]
    lines += [
        "### Pages",
        "",
        "Uncached: a server with the public page cache off (`PUBLIC_CACHE_SECONDS=0`), every "
        "request rendered; cold is its first request to the page after it started (fresh "
        "workers; PostgreSQL's cache not dropped). Cached: the same pages as served (the "
        "cache on, filled by wrk's warm-up). % of static: the page's req/s as a share of the "
        "static file's, same server, same pass. Before each page the server is left to finish "
        "what it had queued (the static file answering in under 20 ms). In-process: one "
        "request rendered by Django's test client with the cache off, after a warm-up "
        "request, alone (no concurrency), its SQL queries counted and timed.",
        "",
        "| page | cold ms | uncached req/s | p50 ms | p95 ms | % of static "
        "| cached req/s | p50 ms | p95 ms | % of static "
        "| in-process ms | SQL queries | SQL ms | slowest query ms | bytes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    static = r["pages"][-1]
    for page in r["pages"]:
        cold, sql = page["cold"], page.get("sql", {})
        cells = [f"{page['name']} `{page['path']}`", f"{cold['ms']:.0f}"]
        for run in ("wrk_uncached", "wrk"):
            cells += _wrk_cells(page.get(run, {}), static.get(run, {}), r["duration"])
        cells += [
            str(sql.get(name, "")) for name in ("render_ms", "queries", "sql_ms", "slowest_ms")
        ]
        cells.append(f"{cold['bytes']:,}")
        lines.append("| " + " | ".join(cells) + " |")
    rss = r["server_rss"]
    lines += [
        "",
        f"Server RSS after the runs: {rss['total_mib']} MiB in {rss['processes']} gunicorn "
        f"processes (largest {rss['largest_mib']} MiB).",
        "",
        "### Goals",
        "",
        *goal_lines(r, reports),
        "",
        "### The slowest queries",
        "",
        f"EXPLAIN (ANALYZE, BUFFERS) of each page's slowest query: `{r['explain_file']}` "
        "(not committed; re-run to get it). The three slowest:",
        "",
    ]
    for page in sorted(r["pages"], key=lambda p: -p.get("sql", {}).get("slowest_ms", 0))[:3]:
        sql = page.get("sql")
        if not sql or not sql.get("plan"):
            continue
        lines += [
            f"**{page['name']}** ({sql['slowest_ms']} ms of {sql['sql_ms']} ms in "
            f"{sql['queries']} queries):",
            "",
            "```",
            *(_clip(line) for line in sql["plan"].splitlines()[:25]),
            "```",
            "",
        ]
    return lines


# --- main -----------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--server-url",
        default=os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="A PostgreSQL server where the benchmark may create databases.",
    )
    parser.add_argument("--database", help="Database name (default rt_bench_<claims>).")
    parser.add_argument("--rebuild", action="store_true", help="Rebuild even when it exists.")
    parser.add_argument(
        "--import-max",
        type=int,
        default=1_000_000,
        help="Up to this N the benchmark database is built by import_jsonl itself.",
    )
    parser.add_argument(
        "--import-sample",
        type=int,
        default=2_000,
        help="Above --import-max: import_jsonl is measured on this many claims (0: not at all).",
    )
    parser.add_argument("--import-note", help="A note on the import, when it is not measured.")
    parser.add_argument(
        "--no-cases-import",
        dest="cases_import",
        action="store_false",
        help="Skip the import of the same records written case by case (generate_synthetic "
        "--order cases), measured beside the grouped file's.",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="Build (or migrate) the database of N claims and stop before serving it.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument(
        "--report-only", action="store_true", help="Rewrite the report from bench/reports/ only."
    )
    parser.add_argument(
        "--explain-again",
        action="store_true",
        help="Run the SQL step again on the database of the last run of this N, and rewrite.",
    )
    args = parser.parse_args(argv)
    if args.report_only or args.explain_again:
        if args.explain_again:
            saved = REPORTS / f"report-{args.claims}.json"
            report = json.loads(saved.read_text())
            name = args.database or f"rt_bench_{args.claims}"
            explain_step(report["pages"], db_url(args.server_url, name), args.claims)
            saved.write_text(json.dumps(report, indent=1, default=str))
        write_all(Path(args.output))
        return 0
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: make wrk (apt-get install wrk)")
    VAR.mkdir(parents=True, exist_ok=True)
    name = args.database or f"rt_bench_{args.claims}"
    url = db_url(args.server_url, name)

    path, generate_seconds = generate(args.claims, args.seed)
    log(f"data: {path} ({path.stat().st_size / 2**20:.0f} MiB)")
    imports, notes = [], []
    import_json = VAR / f"{name}.import.json"
    if claim_count(url) != args.claims or args.rebuild:
        if args.claims <= args.import_max:
            imports.extend(import_figures(args.server_url, path, args.claims, name))
            if imports[0]["ok"] and args.cases_import:
                imports.append(import_cases_figure(args.server_url, args.claims, args.seed, name))
        else:
            sample = min(args.import_sample, args.claims)
            if sample:
                sample_path = generate(sample, args.seed)[0]
                sample_name = f"rt_bench_import_{sample}"
                imports.extend(import_figures(args.server_url, sample_path, sample, sample_name))
                if args.cases_import:
                    imports.append(
                        import_cases_figure(args.server_url, sample, args.seed, sample_name)
                    )
            recreate(args.server_url, name)
            log(f"bulk_load {path.name} into {name}")
            loaded = timed(
                [PY, str(ROOT / "bench" / "bulk_load.py"), str(path)],
                app_env(url),
                VAR / f"{name}.bulk_load.log",
            )
            loaded.update(claims=args.claims, how="bench/bulk_load.py (bench only)")
            loaded["claims_per_second"] = round(args.claims / loaded["seconds"], 1)
            imports.append(loaded)
        import_json.write_text(json.dumps(imports, indent=1))
        if not imports[0]["ok"]:
            raise SystemExit(f"the import failed: see {imports[0]['log']}")
    else:
        # A database kept from an earlier run gets this code's migrations.
        log(f"{name} holds {args.claims} claims: reused, migrated")
        subprocess.run([*MANAGE, "migrate", "--noinput", "-v0"], env=app_env(url), check=True)
        if import_json.exists():
            saved = json.loads(import_json.read_text())
            imports = saved if isinstance(saved, list) else [saved]
            notes.append(
                f"(The database was built by an earlier run; its figures: `{import_json.name}`.)"
            )
    if args.build_only:
        log(f"{name} is ready (--build-only)")
        return 0
    if args.import_note:
        notes.append(args.import_note)
    for item in imports:
        if item["how"] == "import_jsonl, case by case":
            item["goal"] = "≤ 1.2 × the grouped file's time"
        elif item["how"].startswith("import_jsonl"):
            item["goal"] = "≥ 3,000 claims/s, ≤ 1 GiB"
    if args.claims > args.import_max:
        notes.append(
            f"Above --import-max ({args.import_max:,}) the import (`import_jsonl`) was measured on "
            "a smaller generated file (above, or in the section of a smaller size) and the "
            "benchmark database was built by "
            "`bench/bulk_load.py`: the same records and citation anchors "
            "(locate_quote), written with bulk_create, without the publishing review or history "
            "rows. Its rate is not the import's."
        )

    with psycopg.connect(url) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
        counts = {
            "outlet": conn.execute("SELECT count(*) FROM sources_outlet").fetchone()[0],
            "source": conn.execute("SELECT count(*) FROM sources_source").fetchone()[0],
            "speaker": conn.execute("SELECT count(*) FROM claims_speaker").fetchone()[0],
            "topic": conn.execute("SELECT count(*) FROM claims_topic").fetchone()[0],
            "claim": conn.execute("SELECT count(*) FROM claims_claim").fetchone()[0],
            "citation": conn.execute("SELECT count(*) FROM claims_citation").fetchone()[0],
            "contradiction": conn.execute("SELECT count(*) FROM claims_contradiction").fetchone()[
                0
            ],
        }
        conn.execute("ANALYZE")

    pages = pick_pages(url)
    base = f"http://{args.host}:{args.port}"
    log(f"make serve on {base}")
    (VAR / "serve.log").unlink(missing_ok=True)
    # First pass: the public cache off, every request rendered (cold, then wrk).
    server = serve(url, args.host, args.port, **UNCACHED)
    try:
        wait_until_up(base, "/static/css/site.css")  # whitenoise only: nothing warmed
        pages.append(static_page(base))
        for page in pages:
            settle(base, pages[-1]["path"])
            page["cold"] = fetch_once(base, page)
            log(f"cold {page['name']}: {page['cold']}")
        for page in pages:
            page["settled_s"] = settle(base, pages[-1]["path"])
            page["wrk_uncached"] = run_wrk(base, page, args)
            log(f"wrk uncached {page['name']}: {page['wrk_uncached'].get('rps')} req/s")
        rss = server_rss(server)
        load = os.getloadavg()
    finally:
        stop(server)
    # Second pass: as served, the public cache on (wrk's warm-up fills it).
    server = serve(url, args.host, args.port)
    try:
        wait_until_up(base, "/static/css/site.css")
        for page in pages:
            settle(base, pages[-1]["path"])
            page["wrk"] = run_wrk(base, page, args)
            log(f"wrk cached {page['name']}: {page['wrk'].get('rps')} req/s")
        load = [max(a, b) for a, b in zip(load, os.getloadavg(), strict=True)]
    finally:
        stop(server)

    explain_file = explain_step(pages, url, args.claims)

    machine_info = machine()
    machine_info["load"] = load
    report = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "claims": args.claims,
        "seed": args.seed,
        "counts": counts,
        "file_mib": round(path.stat().st_size / 2**20),
        "generate_seconds": generate_seconds,
        "imports": imports,
        "import_notes": notes,
        "pages": pages,
        "server_rss": rss,
        "machine": machine_info,
        "postgres": postgres,
        "workers": os.environ.get("WORKERS") or os.cpu_count() * 2 + 1,
        "threads": os.environ.get("THREADS", "2"),
        "connections": args.connections,
        "wrk_threads": args.wrk_threads,
        "duration": args.duration,
        "warmup": args.warmup,
        "explain_file": str(explain_file.relative_to(ROOT)),
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"report-{args.claims}.json").write_text(
        json.dumps(report, indent=1, default=str) + "\n"
    )
    write_all(Path(args.output))
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
