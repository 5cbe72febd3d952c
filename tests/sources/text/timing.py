"""A ceiling that catches a blow-up, not a speed target.

The hostile-input tests feed megabytes of text to algorithms that must stay near-linear. A
quadratic or backtracking slip on such input costs hours, so a ceiling of minutes catches it
and never fails because CI shares its two cores with a second run. The speed itself is a
benchmark's business: ``make bench-text`` times the same workloads and prints the figures
against their goals (an idle laptop's seconds).
"""

import json
import os
import time
from contextlib import contextmanager

CEILING_FACTOR = 30  # a goal of 5 s on an idle laptop may take 2.5 min before this fails
MIN_CEILING = 60.0


def ceiling(goal_seconds: float) -> float:
    return max(MIN_CEILING, goal_seconds * CEILING_FACTOR)


@contextmanager
def finishes(goal_seconds: float):
    """Fail only when the block takes far longer than its goal: a blow-up, not a busy machine."""
    t0 = time.perf_counter()
    yield
    elapsed = time.perf_counter() - t0
    if record := os.environ.get("RT_TIMINGS"):  # bench/bench_text.py collects the figures
        with open(record, "a") as f:
            name = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
            f.write(json.dumps({"test": name, "goal": goal_seconds, "seconds": elapsed}) + "\n")
    assert elapsed < ceiling(goal_seconds), (
        f"{elapsed:.1f} s against a goal of {goal_seconds} s: something grew faster than linear"
    )
