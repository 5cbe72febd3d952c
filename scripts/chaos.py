"""make chaos: faults against the production stack (scripts/stack.py), with figures.

1. PostgreSQL restarted under load. Readers fetch public pages through gunicorn while a
   writer makes acknowledged writes through the ORM (one transaction per write, on its own
   connection; a write is acknowledged when its commit returned). The private PostgreSQL is
   stopped twice, once cleanly (``fast``) and once as a crash (``immediate``), and started
   again. Checked: no error outside an outage, every request succeeds again within 5 s of
   the server being back, and every acknowledged write is in the database afterwards.
2. An import killed half way. A large JSON Lines import (``manage.py import_jsonl``) is sent
   SIGKILL while its transaction is writing; every table's row count is unchanged.

Prints the figures and writes them to var/chaos/result.json; exits non-zero if a check fails.
Never touches the machine's own PostgreSQL: the server is private to this run.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import PYTHON, ROOT, Stack

READERS = 4
WARM_UP = 5.0
DOWN_FOR = 4.0
BETWEEN = 8.0
RECOVERY_LIMIT = 5.0
PAGES = [
    "/",
    "/claims/",
    "/claims/?q=trigger",
    "/claims/?speaker=alec-baldwin&format=json",
    "/contradictions/",
    "/contradictions/trigger-vs-fbi-finding/",
    "/speakers/alec-baldwin/",
    "/compare/?a=abc-never-pulled-trigger&b=rust-shooting",
]
BIG_IMPORT_RECORDS = 30_000


@dataclass
class Outcome:
    kind: str  # "read" or "write"
    began: float
    ended: float
    ok: bool
    detail: str = ""


@dataclass
class Outage:
    mode: str
    stopped_at: float = 0.0
    stopped_in: float = 0.0
    started_at: float = 0.0
    back_at: float = 0.0  # pg_ctl start -w returned: accepting connections


@dataclass
class Load:
    url: str
    database_url: str
    stop: threading.Event = field(default_factory=threading.Event)
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def reader(self, seed: int) -> None:
        rng = random.Random(seed)
        host, port = self.url.removeprefix("http://").split(":")
        while not self.stop.is_set():
            path = rng.choice(PAGES)
            began = time.monotonic()
            try:
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                connection.close()
                ok, detail = response.status == 200, f"{response.status} {path}"
            except OSError as error:
                ok, detail = False, f"{type(error).__name__} {path}"
            self.record(Outcome("read", began, time.monotonic(), ok, detail))

    def writer(self) -> None:
        """Acknowledged writes through the ORM: a topic (and its history row) per commit."""
        from django.db import connection, transaction

        from claims.models import Topic

        number = 0
        while not self.stop.is_set():
            number += 1
            slug = f"chaos-write-{number}"
            began = time.monotonic()
            try:
                with transaction.atomic():
                    Topic.objects.create(slug=slug, name=f"Chaos write {number}")
            except Exception as error:  # the database is down: not acknowledged
                connection.close()
                self.record(Outcome("write", began, time.monotonic(), False, type(error).__name__))
                time.sleep(0.05)
                continue
            with self.lock:
                self.acknowledged.append(slug)
            self.record(Outcome("write", began, time.monotonic(), True, slug))
            time.sleep(0.02)


def restart_under_load(stack: Stack) -> dict:
    load = Load(stack.gunicorn.url, stack.postgres.url)
    os.environ.update(stack.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rust_tracker.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    threads = [threading.Thread(target=load.reader, args=(i,)) for i in range(READERS)]
    threads.append(threading.Thread(target=load.writer))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    outages = []
    time.sleep(WARM_UP)
    for mode in ("fast", "immediate"):
        outage = Outage(mode)
        outage.stopped_at = time.monotonic()
        stack.postgres.stop(mode)
        outage.stopped_in = time.monotonic() - outage.stopped_at
        time.sleep(DOWN_FOR)
        outage.started_at = time.monotonic()
        stack.postgres.start()
        outage.back_at = time.monotonic()
        outages.append(outage)
        time.sleep(BETWEEN)
    load.stop.set()
    for thread in threads:
        thread.join()
    finished = time.monotonic()

    # Every acknowledged write is there.
    with psycopg.connect(stack.postgres.url) as connection:
        present = {
            row[0]
            for row in connection.execute(
                "SELECT slug FROM claims_topic WHERE slug LIKE 'chaos-write-%%'"
            )
        }
    lost = [slug for slug in load.acknowledged if slug not in present]

    figures = {
        "seconds_of_load": round(finished - started, 1),
        "readers": READERS,
        "reads": sum(o.kind == "read" for o in load.outcomes),
        "writes_acknowledged": len(load.acknowledged),
        "writes_refused": sum(o.kind == "write" and not o.ok for o in load.outcomes),
        "acknowledged_writes_lost": len(lost),
        "outages": [],
    }
    bounds = [started, *[o.back_at + BETWEEN for o in outages]]
    errors_outside = 0
    for index, outage in enumerate(outages):
        window = [
            o for o in load.outcomes if bounds[index] < o.ended <= bounds[index + 1] and not o.ok
        ]
        outside = [o for o in window if o.ended < outage.stopped_at]
        errors_outside += len(outside)
        last_error = max((o.ended for o in window), default=outage.back_at)
        first_error = min((o.ended for o in window), default=outage.stopped_at)
        reads = [o for o in window if o.kind == "read"]
        first_success = min(
            (o.ended for o in load.outcomes if o.ok and o.began >= outage.back_at), default=0.0
        )
        figures["outages"].append(
            {
                "mode": outage.mode,
                "postgres_stopped_in_s": round(outage.stopped_in, 2),
                "postgres_down_s": round(outage.back_at - outage.stopped_at, 2),
                "postgres_start_s": round(outage.back_at - outage.started_at, 2),
                "failed_reads": len(reads),
                "failed_writes": len(window) - len(reads),
                "error_window_s": round(max(0.0, last_error - first_error), 2),
                "recovery_after_postgres_back_s": round(max(0.0, last_error - outage.back_at), 2),
                "first_success_after_postgres_back_s": round(first_success - outage.back_at, 2),
                "statuses": sorted({o.detail.split(" ")[0] for o in window}),
            }
        )
    before_first = [o for o in load.outcomes if not o.ok and o.ended < outages[0].stopped_at]
    figures["errors_before_any_outage"] = len(before_first)
    figures["errors_outside_outages"] = errors_outside
    return figures


def table_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }


def killed_import(stack: Stack) -> dict:
    folder = stack.folder
    big = folder / "big.jsonl"
    with big.open("w") as handle:
        for number in range(BIG_IMPORT_RECORDS // 2):
            handle.write(json.dumps({"type": "topic", "id": f"bulk-{number}", "name": "Bulk"}))
            handle.write("\n")
            handle.write(
                json.dumps(
                    {"type": "speaker", "id": f"bulk-{number}", "name": "Bulk", "kind": "person"}
                )
            )
            handle.write("\n")
    before = table_counts(stack.postgres.url)
    sequences = (
        "SELECT (SELECT last_value FROM claims_topic_id_seq)"
        " + (SELECT last_value FROM claims_speaker_id_seq)"
    )
    with psycopg.connect(stack.postgres.url) as connection:
        ids_before = connection.execute(sequences).fetchone()[0]
    began = time.monotonic()
    process = subprocess.Popen(
        [str(PYTHON), "manage.py", "import_jsonl", str(big)],
        cwd=ROOT,
        env=stack.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    writing_since = None
    written_rows = 0
    with psycopg.connect(stack.postgres.url, autocommit=True) as watcher:
        while process.poll() is None:
            row = watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            ).fetchone()
            if row and writing_since is None:
                writing_since = time.monotonic()
            if writing_since and time.monotonic() - writing_since > 3.0:
                # How far it got: ids its open transaction took (sequences do not roll back).
                written_rows = watcher.execute(sequences).fetchone()[0] - ids_before
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
        killed_at = time.monotonic()
        process.wait()
        # The server notices the lost client and rolls its transaction back.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            busy = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            ).fetchone()[0]
            if not busy:
                break
            time.sleep(0.1)
    after = table_counts(stack.postgres.url)
    return {
        "records_in_file": BIG_IMPORT_RECORDS,
        "killed": writing_since is not None and process.returncode == -signal.SIGKILL,
        "killed_after_s": round(killed_at - began, 2),
        "writing_for_s_when_killed": round(killed_at - writing_since, 2) if writing_since else 0,
        "records_written_by_the_open_transaction_when_killed": written_rows,
        "tables": len(before),
        "tables_changed": {
            t: [before[t], after.get(t)] for t in before if before[t] != after.get(t)
        },
        "rows_before": sum(before.values()),
        "rows_after": sum(after.values()),
    }


def main() -> int:
    out = ROOT / "var" / "chaos"
    out.mkdir(parents=True, exist_ok=True)
    with Stack(workers=3, keep=out) as stack:
        print(
            f"chaos: site {stack.gunicorn.url}, private PostgreSQL {stack.postgres.bin} "
            f"on port {stack.postgres.port}",
            flush=True,
        )
        restart = restart_under_load(stack)
        print(json.dumps(restart, indent=2), flush=True)
        kill = killed_import(stack)
        print(json.dumps(kill, indent=2), flush=True)
        statuses = stack.gunicorn.status_counts()
    checks = {
        "no error before or between outages": restart["errors_outside_outages"] == 0,
        f"recovery within {RECOVERY_LIMIT:g} s": all(
            o["recovery_after_postgres_back_s"] <= RECOVERY_LIMIT for o in restart["outages"]
        ),
        "no acknowledged write lost": restart["acknowledged_writes_lost"] == 0,
        "writes were acknowledged": restart["writes_acknowledged"] > 0,
        "the import was killed while writing": kill["killed"],
        "a killed import changes nothing": not kill["tables_changed"],
    }
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}",
        "restart_under_load": restart,
        "killed_import": kill,
        "responses_by_status": statuses,
        "checks": checks,
    }
    (out / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    for name, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    print(f"chaos: figures in {out / 'result.json'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
