"""How many sources one worker re-checks an hour (issue 21's goal: at least 10,000).

N sources (default 2,000) point at a local HTTP server (article pages of a few kilobytes with
an ETag, one in ten changing its article text between passes, one in ten its ads and timestamp
only); their re-checks are queued as the watch's tick queues them, and ONE worker process
(``manage.py tasks_worker --batch --no-scheduler``: django-tasks-db's worker) runs them, twice:

* pass 1: every page fetched in full (no validators yet), reduced by trafilatura, compared;
* pass 2: the unchanged pages answer 304 to the conditional request; the changed ones are
  fetched, reduced, and a capture is made.

The figure is checks done / wall time of the worker process, per hour. In production the
network bounds it (each fetch waits on a remote server): add workers (README).

Runs in a database of its own (``bench_watch`` on the embedded server, or DATABASE_URL's server
with BENCH_DATABASE_URL). Usage: .venv/bin/python bench/bench_watch.py [--sources N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARAGRAPHS = [
    "The council met on Tuesday evening to discuss the budget for the coming year.",
    "Residents raised concerns about the state of the roads in the northern district.",
    "The mayor said the city would review its contracts with the maintenance companies.",
    "Several speakers asked for more frequent buses on the routes to the hospital.",
    "A vote on the proposal is expected at the next meeting, officials said.",
]


def article(number: int, version: int, chrome: int) -> bytes:
    body = "".join(f"<p>{p} (Item {number}.)</p>" for p in PARAGRAPHS)
    if version:
        body += (
            f"<p>Update {version}: the council corrected the figures it gave for item {number}.</p>"
        )
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Story {number}</title></head>"
        f"<body><nav><a href='/'>Home</a> Updated {chrome}:00</nav>"
        f"<aside class='advert'>Advert {chrome}: buy now!</aside>"
        f"<article><h1>Council story number {number}</h1>{body}</article>"
        f"<aside><h2>Related</h2><a href='/r{chrome}'>More {chrome}</a></aside>"
        f"<footer>Built {chrome}</footer></body></html>"
    )
    return html.encode()


class Pages:
    def __init__(self):
        self.version: dict[int, int] = {}
        self.chrome: dict[int, int] = {}
        self.lock = threading.Lock()
        self.answers = {200: 0, 304: 0}


def serve(pages: Pages) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            number = int(self.path.strip("/").split("/")[-1])
            version, chrome = pages.version.get(number, 0), pages.chrome.get(number, 0)
            etag = f'"{number}-{version}-{chrome}"'
            if self.headers.get("If-None-Match") == etag:
                with pages.lock:
                    pages.answers[304] += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = article(number, version, chrome)
            with pages.lock:
                pages.answers[200] += 1
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=2000)
    args = parser.parse_args()

    env = os.environ
    env.setdefault("DJANGO_SETTINGS_MODULE", "rust_tracker.settings")
    env["DJANGO_DEBUG"] = "true"
    env["SOURCE_FETCH_ALLOW_PRIVATE"] = "true"
    env["WATCH_ENABLED"] = "false"  # no tick of its own: the bench queues the checks
    if env.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = env["BENCH_DATABASE_URL"]
    else:
        env.pop("DATABASE_URL", None)
        env["DJANGO_EMBEDDED_DB_NAME"] = "bench_watch"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from django_tasks_db.models import DBTaskResult

    from claims.models import Citation, Claim
    from sources.models import Source
    from watch import checks
    from watch.models import Outcome, SilentRevision, WatchedSource

    pages = Pages()
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_port}"
    n = args.sources

    print(f"Setting up {n} sources on {base} ...", flush=True)
    Citation.objects.filter(source__slug__startswith="bench-watch-").delete()
    Claim.objects.filter(slug__startswith="bench-watch-").delete()
    WatchedSource.objects.all().delete()
    SilentRevision.objects.all().delete()
    Source.objects.filter(slug__startswith="bench-watch-").delete()
    DBTaskResult.objects.all().delete()
    from claims.verification import replace_source_text
    from sources.intake import read_bytes

    for number in range(n):
        source = Source.objects.create(
            slug=f"bench-watch-{number}", title=f"Story {number}", url=f"{base}/story/{number}"
        )
        archived = read_bytes(
            article(number, 0, 0),
            content_type="text/html",
            charset="utf-8",
            url=f"{base}/story/{number}",
        )
        replace_source_text(source=source, text=archived.text)
    checks.sync_watch_list()

    def one_pass(label: str) -> float:
        WatchedSource.objects.update(next_check_at=timezone.now(), queued_at=None)
        queued = checks.queue_due(limit=n)
        connection.close()
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "manage.py", "tasks_worker", "--batch", "--no-scheduler", "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        took = time.perf_counter() - start
        if run.returncode:
            print(run.stderr[-3000:])
            raise SystemExit(1)
        outcomes = dict(WatchedSource.objects.values_list("last_outcome").annotate(n=Count("pk")))
        rate = len(queued) / took * 3600
        print(
            f"{label}: {len(queued)} re-checks in {took:.1f} s by one worker: "
            f"{rate:,.0f} an hour; outcomes {outcomes}",
            flush=True,
        )
        return rate

    first = one_pass("pass 1 (full fetch, no validators)")
    for number in range(0, n, 10):
        pages.version[number] = 1  # the article's text changes: a capture
    for number in range(5, n, 10):
        pages.chrome[number] = 1  # ads and timestamp only: no capture
    second = one_pass("pass 2 (conditional: 304s, 10% changed text, 10% boilerplate)")
    revisions = SilentRevision.objects.count()
    changed = WatchedSource.objects.filter(last_outcome=Outcome.CHANGED).count()
    print(
        f"captures made in pass 2: {revisions} (expected {len(range(0, n, 10))}); "
        f"answers: {pages.answers}"
    )
    print(f"one worker: {min(first, second):,.0f} re-checks an hour at worst (goal 10,000)")
    server.shutdown()
    return 0 if changed == revisions else 1


if __name__ == "__main__":
    sys.exit(main())
