"""The import in both orders (``make bench-import``): the same N synthetic claims written grouped
by type (as an export) and case by case (each source followed by the claims that cite it, each
pair after its claims: ``generate_synthetic --order cases``), each imported with
``import_jsonl`` into a new empty database, the two orders taking turns ``--rounds`` times so
that both see the same load. Prints each run, then per order the median time, claims/s and
peak RSS, and the ratio of the medians (the goal: cases within 1.2 times grouped).

    python bench/import_orders.py --claims 20000 --rounds 3

Needs a PostgreSQL server (``BENCH_SERVER_URL``, default
``postgresql://postgres@127.0.0.1:5432/postgres``) where it creates ``rt_bench_orders_*``
databases (dropped at the end). The files are kept in ``var/bench/``. ``bench_scale.py`` uses
``measure`` for its import section.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from bench_scale import MANAGE, VAR, app_env, db_url, generate, log, recreate, timed

ORDERS = ("grouped", "cases")


def fresh(server_url: str, name: str, template: str) -> str:
    """An empty migrated database ``name``, copied from ``template`` (migrated once)."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return db_url(server_url, name)


def drop(server_url: str, *names: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def measure(server_url: str, claims: int, seed: int = 0, rounds: int = 1) -> dict:
    """Both orders imported ``rounds`` times each, taking turns. Returns per order its runs
    and medians, and ``ratio``: the median of cases over the median of grouped."""
    files = {order: generate(claims, seed, order)[0] for order in ORDERS}
    template, work = f"rt_bench_orders_template_{claims}", f"rt_bench_orders_{claims}"
    recreate(server_url, template)
    runs: dict[str, list[dict]] = {order: [] for order in ORDERS}
    try:
        for round_number in range(rounds):
            for order in ORDERS if round_number % 2 == 0 else reversed(ORDERS):
                url = fresh(server_url, work, template)
                log(f"import_jsonl {files[order].name} (round {round_number + 1}/{rounds})")
                result = timed(
                    [*MANAGE, "import_jsonl", str(files[order])],
                    app_env(url),
                    VAR / f"{work}.{order}.import.log",
                )
                if not result["ok"]:
                    raise SystemExit(f"the import failed: see {result['log']}")
                result["load"] = round(os.getloadavg()[0], 1)
                runs[order].append(result)
                log(f"{order}: {result['seconds']} s, {result['peak_rss_mib']} MiB")
    finally:
        drop(server_url, work, template)
    figures: dict = {"claims": claims, "rounds": rounds, "orders": {}}
    for order in ORDERS:
        seconds = statistics.median(r["seconds"] for r in runs[order])
        figures["orders"][order] = {
            "file": files[order].name,
            "runs": runs[order],
            "seconds": seconds,
            "claims_per_second": round(claims / seconds, 1),
            "peak_rss_mib": max(r["peak_rss_mib"] or 0 for r in runs[order]),
            "cpu_seconds": statistics.median(r["cpu_seconds"] or 0 for r in runs[order]),
        }
    grouped = figures["orders"]["grouped"]["seconds"]
    figures["ratio"] = round(figures["orders"]["cases"]["seconds"] / grouped, 2)
    grouped_cpu = figures["orders"]["grouped"]["cpu_seconds"]
    if grouped_cpu:
        figures["cpu_ratio"] = round(figures["orders"]["cases"]["cpu_seconds"] / grouped_cpu, 2)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--server-url",
        default=os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    args = parser.parse_args(argv)
    VAR.mkdir(parents=True, exist_ok=True)
    figures = measure(args.server_url, args.claims, args.seed, args.rounds)
    for order, f in figures["orders"].items():
        each = ", ".join(
            f"{r['seconds']} s, CPU {r['cpu_seconds']} s (load {r['load']})" for r in f["runs"]
        )
        print(
            f"{order:8} {args.claims:,} claims: median {f['seconds']} s, "
            f"{f['claims_per_second']:,} claims/s, importer's CPU {f['cpu_seconds']} s, "
            f"peak RSS {f['peak_rss_mib']} MiB [{each}]"
        )
    print(
        f"cases / grouped: {figures['ratio']} in time (goal ≤ 1.2), "
        f"{figures.get('cpu_ratio')} in the importer's CPU"
    )
    (VAR / f"import-orders-{args.claims}.json").write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
