"""The tasks the workers run (Django's tasks API; the queue in PostgreSQL). Each is
idempotent: run twice, it does what it did once. Periodic ones are queued by
``engine.enqueue_due_jobs`` (``manage.py tasks_worker``)."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from watch import checks, repeats
from watch.engine import recorded, retried
from watch.models import PeriodicJob


@task()
@recorded
def enqueue_due_checks() -> str:
    """The watch's tick: every source with an address has a watch row; those due are
    queued (at most WATCH_BATCH a tick)."""
    now = timezone.now()
    added = checks.sync_watch_list(now=now)
    queued = checks.queue_due(now=now, limit=settings.WATCH_BATCH)
    return f"{len(queued)} re-check(s) queued, {added} source(s) newly watched"


@task()
@retried
def check_source(watch_id: int) -> str:
    """One source re-checked (watch/checks.py); a fetch's failure is the watch's own retry
    (its row's backoff), an unexpected error the engine's."""
    return checks.check_source(watch_id)


@task()
@retried
def check_claim_repeats(claim_id: int) -> int:
    return repeats.check_claim(claim_id)


@task()
@retried
def check_capture_repeats(source_id: int, old_sha256: str = "") -> int:
    return repeats.check_capture(source_id, old_sha256)


SCAN_BATCH = 2000


@task()
@recorded
def scan_new_claims() -> str:
    """Claims added since the last scan (by any path, the import's bulk writes included)
    checked for repeats, in order of their ids: the job's cursor is the last id checked."""
    from claims.models import Claim

    job = PeriodicJob.objects.get(name=f"{__name__}.scan_new_claims")
    ids = list(
        Claim.objects.filter(pk__gt=job.cursor)
        .order_by("pk")
        .values_list("pk", flat=True)[:SCAN_BATCH]
    )
    raised = sum(repeats.check_claim(pk) for pk in ids)
    if ids:
        PeriodicJob.objects.filter(pk=job.pk).update(cursor=ids[-1])
    return f"{len(ids)} claim(s) checked, {raised} repeat(s) alerted"
