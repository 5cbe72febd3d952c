"""A worker: django-tasks-db's ``db_worker`` running the queued tasks, and beside it (a
thread) the scheduler that queues the periodic jobs when due (watch/engine.py), once however
many workers run. ``--no-scheduler`` for a worker that only runs tasks."""

from __future__ import annotations

import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from watch.engine import enqueue_due_jobs

logger = logging.getLogger("watch")


def schedule_forever(stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            enqueue_due_jobs()
        except Exception:  # the database is away: try again at the next turn
            logger.exception("the scheduler could not queue the periodic jobs")
        stop.wait(every)
    connection.close()


class Command(BaseCommand):
    help = "Run background tasks (and queue the periodic ones when due)."

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true")
        parser.add_argument("--schedule-every", type=float, default=5.0)
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args, **options):
        stop = threading.Event()
        if not options["no_scheduler"]:
            if options["batch"]:
                enqueue_due_jobs()
            else:
                threading.Thread(
                    target=schedule_forever,
                    args=(stop, options["schedule_every"]),
                    daemon=True,
                    name="scheduler",
                ).start()
        worker = ["--interval", str(options["interval"]), "--no-reload", "--queue-name", "*"]
        if options["batch"]:
            worker.append("--batch")
        if options["max_tasks"]:
            worker += ["--max-tasks", str(options["max_tasks"])]
        try:
            call_command("db_worker", *worker, verbosity=options["verbosity"])
        finally:
            stop.set()
