"""The engine around Django's tasks: retries with backoff, and the periodic jobs.

django-tasks-db keeps the queue in PostgreSQL and its worker (``db_worker``) runs what is
queued; it neither retries a failed task nor enqueues periodic work. Here:

* ``retried``: a task that raises is queued again, ``TASK_RETRY_SECONDS`` later, then twice
  that, up to ``TASK_RETRIES`` times (each failed run stays in the admin's task results, with
  its traceback). Tasks are written to be idempotent: running one twice does what once does.
* ``PERIODIC`` and ``enqueue_due_jobs``: each job is queued once per interval however many
  schedulers run (one per worker: ``manage.py tasks_worker``), by an UPDATE that only one of
  them can win; ``recorded`` keeps each job's last run and last failure for staff.
"""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from watch.models import PeriodicJob

logger = logging.getLogger("watch")


def periodic_jobs() -> dict[str, float]:
    """Each periodic task's dotted path, and its interval in seconds."""
    jobs = {"watch.tasks.scan_new_claims": 60.0}
    if settings.WATCH_ENABLED:
        jobs["watch.tasks.enqueue_due_checks"] = settings.WATCH_TICK_SECONDS
    return jobs


def retried(func):
    """Wraps a task's function: on an exception the same task is queued again with the same
    arguments after a growing wait, then the exception is raised (the run is recorded as
    failed). ``attempt`` counts the tries, passed along by the retries."""

    @functools.wraps(func)
    def run(*args, attempt: int = 0, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception:
            if attempt < settings.TASK_RETRIES:
                wait = timedelta(seconds=settings.TASK_RETRY_SECONDS * 2**attempt)
                task = getattr(sys.modules[func.__module__], func.__name__)
                task.using(run_after=timezone.now() + wait).enqueue(
                    *args, attempt=attempt + 1, **kwargs
                )
                logger.warning("%s failed (try %d): retried in %s", func.__name__, attempt, wait)
            raise

    return run


def recorded(func):
    """Wraps a periodic task's function: its start, end, result and failure kept on its
    ``PeriodicJob`` row (the admin's "Periodic jobs")."""
    name = f"{func.__module__}.{func.__name__}"

    @functools.wraps(func)
    def run(*args, **kwargs):
        now = timezone.now()
        PeriodicJob.objects.filter(name=name).update(last_started_at=now)
        try:
            result = func(*args, **kwargs)
        except Exception:
            PeriodicJob.objects.filter(name=name).update(
                last_finished_at=timezone.now(),
                last_failed_at=timezone.now(),
                last_error=traceback.format_exc()[-5000:],
                failures=F("failures") + 1,
                runs=F("runs") + 1,
            )
            raise
        PeriodicJob.objects.filter(name=name).update(
            last_finished_at=timezone.now(),
            last_result=str(result)[:500],
            runs=F("runs") + 1,
        )
        return result

    return run


def enqueue_due_jobs(now=None) -> list[str]:
    """Queue each periodic job that is due, once whatever the number of schedulers: the row's
    due time moves on in the same transaction as the task's insertion, by an UPDATE whose
    condition a concurrent scheduler re-reads (and so loses)."""
    now = now or timezone.now()
    queued = []
    for name, every in periodic_jobs().items():
        PeriodicJob.objects.get_or_create(name=name, defaults={"next_due_at": now})
        with transaction.atomic():
            won = PeriodicJob.objects.filter(name=name, next_due_at__lte=now).update(
                next_due_at=now + timedelta(seconds=every), last_enqueued_at=now
            )
            if won:
                import_string(name).enqueue()
                queued.append(name)
    return queued
