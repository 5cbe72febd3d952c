"""How often a source is re-checked: by the story's age (settings.WATCH_SCHEDULE), and how
long a failed check waits before it is tried again. No database here."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def story_age(*, published_on: date | None, created_at: datetime, now: datetime) -> timedelta:
    """A story's age: from its published date when known, else from when it was added."""
    if published_on is not None:
        start = datetime.combine(published_on, datetime.min.time(), tzinfo=now.tzinfo)
    else:
        start = created_at
    return max(now - start, timedelta(0))


def interval(age: timedelta, schedule: list[tuple[float, float]]) -> timedelta:
    """The re-check interval for a story ``age`` old: the first step whose age bound it is
    within (``schedule`` as settings.WATCH_SCHEDULE: (age up to, every) in seconds)."""
    seconds = age.total_seconds()
    for bound, every in schedule:
        if seconds <= bound:
            return timedelta(seconds=every)
    return timedelta(seconds=schedule[-1][1])


def backoff(failures: int, *, base: float, ceiling: timedelta) -> timedelta:
    """After ``failures`` failed tries in a row: base, 2×base, 4×base… never past ``ceiling``
    (the source's own interval: a failing page is never checked less often than a quiet one)."""
    wait = timedelta(seconds=base * 2 ** max(failures - 1, 0))
    return min(wait, ceiling)
