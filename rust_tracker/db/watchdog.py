"""Stops the embedded PostgreSQL server when none of its users is alive any more.

Started (detached) by :func:`rust_tracker.db.embedded.ensure_server`, one per data folder:
``python -m rust_tracker.db.watchdog DATA_DIR``. Users that exit normally stop the server
themselves; this catches the ones that cannot (SIGKILL, a crash, a child killed by its parent).
It polls the wheel's handle file, and under the wheel's lock (so no user can be joining at
that moment) stops the server once no registered pid is alive (zombies count as dead). It
exits when the server is gone.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from rust_tracker.db import embedded

POLL_SECONDS = 0.5

logger = logging.getLogger("rust_tracker.db.watchdog")


def _claim(data_dir: Path) -> bool:
    """Become the folder's watchdog unless another live one already is."""
    marker = data_dir / embedded.WATCHDOG_PID
    try:
        other = int(marker.read_text().strip())
    except (OSError, ValueError):
        other = 0
    if other and other != os.getpid() and embedded.pid_alive(other):
        return False
    marker.write_text(str(os.getpid()))
    return True


def watch(data_dir: Path, poll: float = POLL_SECONDS) -> str:
    lock = embedded._lock()
    with lock:
        if not _claim(data_dir):
            return "another watchdog is watching"
    while True:
        time.sleep(poll)
        if embedded.postmaster_pid(data_dir) is None:
            return "the server stopped"
        if embedded.live_users(data_dir):
            continue
        with lock:  # re-check: a user may have joined meanwhile
            if embedded.postmaster_pid(data_dir) is None:
                return "the server stopped"
            if embedded.live_users(data_dir):
                continue
            embedded.stop_server(data_dir)
            (data_dir / embedded.HANDLES).write_text("[]")
            return "stopped the server: no user left"


def main() -> None:
    data_dir = Path(sys.argv[1]).resolve()
    logging.basicConfig(
        filename=data_dir.parent / "embedded-watchdog.log",
        level=logging.INFO,
        format=f"%(asctime)s watchdog {os.getpid()} {data_dir}: %(message)s",
    )
    try:
        logger.info(watch(data_dir))
    except Exception:
        logger.exception("failed")
        raise
    finally:
        marker = data_dir / embedded.WATCHDOG_PID
        try:
            if marker.read_text().strip() == str(os.getpid()):
                marker.unlink()
        except OSError:
            pass


if __name__ == "__main__":
    main()
