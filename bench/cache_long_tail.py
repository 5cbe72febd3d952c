"""The long tail against the public page cache, in-process: pages each asked once (a
different search or claim every request, as readers arriving from anywhere), rendered by
Django's test client with the cache off, with the cache keeping every page at its first
request (as before issue 22), and keeping a page at its second request
(``PUBLIC_CACHE_STORE_AFTER=2``, the
default now). The three take turns on fresh words, round after round, so that each sees the
same load; prints the mean and median milliseconds per request of each, the milliseconds of
each request spent in the cache's calls (timed apart: the figure the load disturbs least), and
how many pages each wrote to the cache.

    DATABASE_URL=... REDIS_URL=redis://127.0.0.1:6379/12 python bench/cache_long_tail.py

Uses the database as it is (any size; ``make bench`` builds them) and the cache the settings
name (Redis when ``REDIS_URL`` is set: the production setting, where a write is a round trip).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rust_tracker.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_BEHIND_TLS_PROXY", "true")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from rust_tracker import caching  # noqa: E402

MODES = {
    "cache off": {"PUBLIC_CACHE_SECONDS": 0},
    "kept at the first request (before)": {"PUBLIC_CACHE_STORE_AFTER": 1},
    "kept at the second request (now)": {"PUBLIC_CACHE_STORE_AFTER": 2},
}


def long_tail(count: int) -> list[str]:
    """``count`` different pages a reader may arrive at: a search of two words of the claims'
    texts, then a claim's page, in turn (none asked twice)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slug, text FROM claims_claim WHERE status = 'published' ORDER BY id LIMIT %s",
            [count],
        )
        rows = cursor.fetchall()
    vocabulary = sorted({w for _slug, text in rows for w in re.findall(r"[a-z]{5,}", text.lower())})
    pairs = (f"{a}+{b}" for i, a in enumerate(vocabulary) for b in vocabulary[i + 1 :])
    paths = []
    for (slug, _text), pair in zip(rows, pairs, strict=False):
        paths += [f"/claims/?q={pair}", f"/claims/{slug}/"]
    return paths[:count]


class TimedCache:
    """The cache, its calls timed."""

    def __init__(self, cache):
        self.cache = cache
        self.ms = 0.0
        self.calls = 0

    def __getattr__(self, name):
        method = getattr(self.cache, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.ms += (time.perf_counter() - started) * 1000
                self.calls += 1

        return timed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40, help="per mode and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    client = Client(HTTP_HOST="localhost", secure=True)
    client.get("/claims/?q=warm")  # imports, templates, connections
    needed = args.requests * args.rounds * len(MODES)
    paths = long_tail(needed)
    if len(paths) < needed:
        raise SystemExit(f"only {len(paths)} different pages; fewer --requests")
    timed_cache = TimedCache(caching._cache())
    caching._cache = lambda: timed_cache
    in_cache: dict[str, float] = dict.fromkeys(MODES, 0.0)
    timings: dict[str, list[float]] = {mode: [] for mode in MODES}
    stored: dict[str, int] = dict.fromkeys(MODES, 0)
    batch = iter(range(0, needed, args.requests))
    for round_number in range(args.rounds):
        order = list(MODES)[round_number % len(MODES) :] + list(MODES)[: round_number % len(MODES)]
        for mode in order:
            start = next(batch)
            with override_settings(**MODES[mode]):
                caching.bump_public_version()
                before = caching.stats()["stored"]
                timed_cache.ms = 0.0
                for path in paths[start : start + args.requests]:
                    started = time.perf_counter()
                    response = client.get(path)
                    timings[mode].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.status_code
                in_cache[mode] += timed_cache.ms
                stored[mode] += caching.stats()["stored"] - before
    backend = type(timed_cache.cache).__name__
    print(
        f"{args.requests * args.rounds} requests per mode, searches and claim pages, each "
        "page asked once "
        f"({backend}; load {os.getloadavg()[0]:.1f}):"
    )
    off = statistics.mean(timings["cache off"])
    for mode, ms in timings.items():
        mean = statistics.mean(ms)
        print(
            f"  {mode:38} mean {mean:6.1f} ms, median {statistics.median(ms):6.1f} ms "
            f"({mean / off:.2f} × off), in the cache {in_cache[mode] / len(ms):.2f} ms, "
            f"pages written {stored[mode]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
