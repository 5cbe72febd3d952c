"""For each page given (JSON on stdin: [{"name", "path", "headers"}]), render it in-process
against DATABASE_URL, count its SQL queries and EXPLAIN (ANALYZE, BUFFERS) the slowest one.
Prints a JSON list. Called by bench_scale.py; read-only."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rust_tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> int:
    pages = json.load(sys.stdin)
    client = Client(HTTP_HOST="localhost")
    results = []
    for page in pages:
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in page["headers"].items()}
        client.get(page["path"], **headers)  # once to warm caches, as the wrk runs are
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(page["path"], **headers)
            if response.streaming:
                b"".join(response.streaming_content)
            elapsed = time.perf_counter() - started
        queries = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
        slowest = max(queries, default=(0.0, ""))
        plan = ""
        # a streamed export reads through a server-side cursor: explain the query inside it
        select = re.sub(
            r"^\s*DECLARE .*? CURSOR (WITH(OUT)? HOLD )?FOR ", "", slowest[1], flags=re.S
        )
        if select.lstrip().upper().startswith("SELECT"):
            try:
                plan = explain(select)
            except Exception as exc:  # a query Django could not print back as SQL
                plan = f"(EXPLAIN failed: {exc})"
        results.append(
            {
                "name": page["name"],
                "status": response.status_code,
                "queries": len(queries),
                "render_ms": round(elapsed * 1000, 1),
                "sql_ms": round(sum(t for t, _ in queries) * 1000, 1),
                "slowest_ms": round(slowest[0] * 1000, 1),
                "slowest_sql": slowest[1],
                "plan": plan,
            }
        )
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
