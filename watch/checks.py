"""One source re-checked by the watch, and the sources due queued.

A source is fetched with the intake's fetcher (its address checks, size and time limits),
conditionally (the last answer's ETag and Last-Modified), with the watch's user agent, and at
most one request at a time per host (a PostgreSQL advisory lock, so it holds across workers).
The page's article text, as trafilatura reduces it (the intake's reading of a page: menus,
ads, related links and page furniture left out), is compared with the source's archived text;
only a change in it makes a capture (``replace_source_text``, how="watch", the answer's
bytes and headers kept as its WARC record). A capture that no longer prints a verified cited
quote (the citation keeps its verification against the earlier capture, "changed since")
alerts the desk. A failure changes nothing but the
watch's own row: the check is tried again after a growing wait.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from claims.models import VERIFIED_STATES, Citation
from claims.verification import replace_source_text
from sources.intake import IntakeError
from sources.intake.fetch import fetch_page
from sources.models import CaptureHow, Source
from watch import schedule
from watch.alerts import cases_of_source, raise_alert
from watch.models import AlertKind, Outcome, SilentRevision, WatchedSource

logger = logging.getLogger("watch")

HOST_LOCK_SPACE = 7_250_421  # the advisory locks' first key: the watch's hosts
HOST_WAIT_SECONDS = 2.0  # how long a check waits for its host before trying later
BUSY_RETRY = timedelta(seconds=10)
STALE_QUEUE = timedelta(minutes=30)  # a queued check not done by then is queued again
_SPACE = re.compile(r"\s+")


def same_text(a: str, b: str) -> bool:
    """Two article texts are the same when they differ only in white space."""
    return _SPACE.sub(" ", a or "").strip() == _SPACE.sub(" ", b or "").strip()


def next_check(source: Source, *, now) -> timedelta:
    age = schedule.story_age(
        published_on=source.published_on, created_at=source.created_at, now=now
    )
    return schedule.interval(age, settings.WATCH_SCHEDULE)


def sync_watch_list(*, now=None) -> int:
    """A watch row for each source with an address that has none (due at once); a source
    whose address was removed is no longer watched."""
    now = now or timezone.now()
    missing = list(
        Source.objects.exclude(url="")
        .filter(watch_state__isnull=True)
        .values_list("pk", flat=True)[:10_000]
    )
    WatchedSource.objects.bulk_create(
        [WatchedSource(source_id=pk, next_check_at=now) for pk in missing],
        ignore_conflicts=True,
    )
    WatchedSource.objects.filter(source__url="").delete()
    return len(missing)


def queue_due(*, now=None, limit: int | None = None) -> list[int]:
    """Queue a re-check for each source due (at most ``limit``), each once: rows are taken
    with SKIP LOCKED and marked queued in the transaction that queues their tasks. A check
    queued long ago and never finished (a worker killed) is queued again."""
    from watch.tasks import check_source

    now = now or timezone.now()
    limit = limit or settings.WATCH_BATCH
    with transaction.atomic():
        due = list(
            WatchedSource.objects.filter(
                Q(queued_at__isnull=True) | Q(queued_at__lt=now - STALE_QUEUE),
                paused=False,
                next_check_at__lte=now,
            )
            .order_by("next_check_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        WatchedSource.objects.filter(pk__in=due).update(queued_at=now)
        for pk in due:
            check_source.enqueue(pk)
    return due


@contextlib.contextmanager
def host_turn(host: str, *, wait: float = HOST_WAIT_SECONDS):
    """True while this process holds the host's turn (one request at a time per host, across
    every worker), False when another kept it past ``wait`` seconds."""
    key = [HOST_LOCK_SPACE, host.lower()]
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", key)
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(0.05)
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", key)


def check_source(watch_id: int, *, now=None) -> str:
    """Re-check one watched source; returns the outcome's value. Idempotent: a second run
    finds the text it stored and changes nothing."""
    now = now or timezone.now()
    state = WatchedSource.objects.select_related("source").filter(pk=watch_id).first()
    if state is None or not state.source.url:
        return "gone"
    source = state.source
    every = next_check(source, now=now)
    host = urlsplit(source.url).hostname or ""
    with host_turn(host) as turn:
        if not turn:
            WatchedSource.objects.filter(pk=state.pk).update(
                queued_at=None, next_check_at=now + BUSY_RETRY
            )
            return "busy"
        try:
            fetched = fetch_page(
                source.url,
                timeout=settings.SOURCE_FETCH_TIMEOUT,
                max_bytes=settings.SOURCE_MAX_BYTES,
                max_redirects=settings.SOURCE_FETCH_MAX_REDIRECTS,
                allow_private=settings.SOURCE_FETCH_ALLOW_PRIVATE,
                etag=state.etag,
                last_modified=state.last_modified,
                user_agent=settings.WATCH_USER_AGENT,
            )
        except IntakeError as error:
            failures = state.failures + 1
            WatchedSource.objects.filter(pk=state.pk).update(
                queued_at=None,
                last_checked_at=now,
                last_outcome=Outcome.FAILED,
                last_error=str(error)[:500],
                failures=failures,
                checks=state.checks + 1,
                next_check_at=now
                + schedule.backoff(failures, base=settings.TASK_RETRY_SECONDS, ceiling=every),
            )
            return Outcome.FAILED.value
    validators = {}
    if fetched.status == 200:
        validators = {
            "etag": (fetched.headers.get("ETag") or "")[:300],
            "last_modified": (fetched.headers.get("Last-Modified") or "")[:100],
        }
    outcome = Outcome.NOT_MODIFIED
    if fetched.document is not None:
        outcome = record_text(source, fetched.document.text, now=now, fetched=fetched)
    changes = state.changes + (outcome in (Outcome.CHANGED, Outcome.CITED_CHANGED))
    WatchedSource.objects.filter(pk=state.pk).update(
        queued_at=None,
        last_checked_at=now,
        last_outcome=outcome,
        last_error="",
        failures=0,
        checks=state.checks + 1,
        changes=changes,
        next_check_at=now + every,
        **validators,
    )
    return outcome.value


@transaction.atomic
def record_text(source: Source, text: str, *, now, fetched=None) -> Outcome:
    """Compare a fetched article text with the source's archived one; a new capture when it
    changed, an alert when a cited quote is no longer verified in it."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    if not text.strip() or same_text(text, source.text):
        return Outcome.UNCHANGED
    old_text, old_sha = source.text, source.sha256
    # the citations verified, and not already changed since, before this capture
    verified = set(
        Citation.objects.filter(
            source=source, verification_state__in=VERIFIED_STATES, drifted=False
        ).values_list("pk", flat=True)
    )
    drifted = replace_source_text(
        source=source,
        text=text,
        captured_at=now,
        how=CaptureHow.WATCH,
        raw_bytes=fetched.body if fetched is not None else None,
        headers=list(fetched.headers.items()) if fetched is not None else None,
        url=source.url,
        status=fetched.status if fetched is not None else None,
    )
    source.refresh_from_db()
    # no longer printed as verified: kept against the earlier capture, "changed since"
    touched = [citation for citation in drifted if citation.pk in verified]
    revision, _ = SilentRevision.objects.get_or_create(
        source=source,
        new_sha256=source.sha256,
        defaults={
            "found_at": now,
            "old_sha256": old_sha,
            "touched_citations": len(touched),
            "summary": _summary(old_text, source.text, touched),
        },
    )
    if touched:
        _alert_cited_change(source, revision, touched)
    from watch.tasks import check_capture_repeats

    transaction.on_commit(lambda: check_capture_repeats.enqueue(source.pk, old_sha))
    return Outcome.CITED_CHANGED if touched else Outcome.CHANGED


def _summary(old: str, new: str, touched: list[Citation]) -> str:
    words = f"The article's text changed ({len(old):,} → {len(new):,} characters)."
    if touched:
        quotes = "; ".join(f"“{c.quote[:80]}”" for c in touched)
        words += f" {len(touched)} cited passage(s) no longer found as quoted: {quotes}."
    return words


def _alert_cited_change(source: Source, revision: SilentRevision, touched) -> None:
    lines = [
        f"The watch re-fetched {source.url} on {revision.found_at:%d %b %Y %H:%M} UTC and its "
        "article text changed where it is cited:",
    ]
    for citation in touched:
        lines.append(
            f"- claim {citation.claim.slug}: “{citation.quote[:200]}” is now "
            f"{citation.get_verification_state_display().lower()}"
        )
    lines.append("A new capture was kept; the earlier one stays in the source's history.")
    raise_alert(
        kind=AlertKind.CITED_CHANGE,
        key=f"cited:{source.pk}:{revision.new_sha256}",
        title=f"A cited passage changed: {source.title}"[:300],
        body="\n".join(lines),
        cases=cases_of_source(source),
        source=source,
        revision=revision,
        links=[
            ["The source", reverse("admin:sources_source_change", args=[source.pk])],
            *[
                [
                    f"Claim {c.claim.slug}",
                    reverse("admin:claims_claim_change", args=[c.claim_id]),
                ]
                for c in touched
            ],
        ],
    )
