"""Time budgets that hold on a busy machine."""

import time


def slowdown() -> float:
    """How much slower than an idle laptop this machine runs right now (at least 1).

    Time budgets are multiplied by it, so a busy CI machine does not fail them; a quadratic
    blow-up on megabytes of text is still hundreds of times over any budget.
    """
    t0 = time.perf_counter()
    n = 0
    for i in range(300_000):
        n += i % 7
    reference = 0.02  # seconds this loop takes on an idle laptop
    return max(1.0, (time.perf_counter() - t0) / reference)


def budget(seconds: float) -> float:
    """``seconds`` on an idle laptop, scaled to how busy this machine is now."""
    return seconds * slowdown()
