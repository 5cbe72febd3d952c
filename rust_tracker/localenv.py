"""A checkout's `.env`: variables for this laptop, read before the settings.

`make install` (and so every make target that installs: `make run`, `make test`, `make serve`,
`make backup`...) writes `.env` at the checkout's root (git-ignored) with what production
settings require on this laptop: a generated ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``
for localhost and ``DJANGO_SITE_URL``. Every ``manage.py`` command then works as the README
writes it, with debug off. `make run` keeps the site URL on the address it serves.

Debug is never read from a file: ``DJANGO_DEBUG`` comes from the environment only (`make run`
exports it), so anything started in a checkout where make ran (a cron job, a systemd unit)
stays in production. Each install also removes the ``DJANGO_DEBUG=true`` line an earlier
version wrote. A variable already set in the environment wins over the file, so a server's
own settings, a Makefile target's or a test's are never replaced. ``DJANGO_ENV_FILE`` names
another file; set it empty to read none (the test settings do).

    python -m rust_tracker.localenv --site-url http://127.0.0.1:8001   # make run
    python -m rust_tracker.localenv --default-site-url http://127.0.0.1:8000   # make install
"""

import argparse
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / ".env"
LOCAL_HOSTS = "localhost,127.0.0.1,[::1]"
# Never taken from a file: only the environment turns debug on.
NOT_FROM_FILE = frozenset({"DJANGO_DEBUG"})


def env_file() -> Path | None:
    name = os.environ.get("DJANGO_ENV_FILE")
    if name is None:
        return DEFAULT_PATH
    return Path(name) if name.strip() else None


def parse(text: str) -> dict[str, str]:
    """``KEY=value`` lines; ``#`` comments, blank lines and a leading ``export`` allowed; a
    value in single or double quotes is taken as written between them."""
    values = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key.isidentifier():
            raise ValueError(f".env line {number} is not KEY=value: {raw!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def load(path: Path | None = None) -> dict[str, str]:
    """Put the file's variables into ``os.environ`` where not already set, except
    ``DJANGO_DEBUG`` (the environment's alone); return those put."""
    path = env_file() if path is None else path
    if path is None or not path.is_file():
        return {}
    added = {}
    for key, value in parse(path.read_text(encoding="utf-8")).items():
        if key not in os.environ and key not in NOT_FROM_FILE:
            os.environ[key] = added[key] = value
    return added


def _key(line: str) -> str:
    line = line.strip()
    if line.startswith("#"):
        return ""
    if line.startswith("export "):
        line = line[len("export ") :]
    return line.partition("=")[0].strip()


def write(path: Path, site_url: str, *, keep_site_url: bool = False) -> str:
    """Create the laptop's `.env` (a new secret, localhost's hosts, no debug) or keep it; set its
    site URL (with ``keep_site_url``, only when it has none). A ``DJANGO_DEBUG`` line (written
    by an earlier version) is removed. Returns what was done, for make to print."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    done = "kept"
    if not lines:
        lines = [
            "# This laptop's settings, written by make (git-ignored; never on a server).",
            "# Debug is never read from here: only from the environment (make run sets it).",
            f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
        ]
        done = "wrote"
    removed = sorted({_key(line) for line in lines if _key(line) in NOT_FROM_FILE})
    lines = [line for line in lines if _key(line) not in NOT_FROM_FILE]
    keys = [_key(line) for line in lines]
    if "DJANGO_ALLOWED_HOSTS" not in keys:
        lines.append(f"DJANGO_ALLOWED_HOSTS={LOCAL_HOSTS}")
        keys.append("DJANGO_ALLOWED_HOSTS")
    site_url = site_url.rstrip("/")
    site = f"DJANGO_SITE_URL={site_url}"
    if "DJANGO_SITE_URL" not in keys:
        lines.append(site)
    elif keep_site_url:
        site_url = parse(lines[keys.index("DJANGO_SITE_URL")])["DJANGO_SITE_URL"]
    else:
        lines[keys.index("DJANGO_SITE_URL")] = site
    old_umask = os.umask(0o077)
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    finally:
        os.umask(old_umask)
    path.chmod(0o600)  # an older file may have been made with looser permissions
    said = f"{done} {path.name} (site URL {site_url})"
    if removed:
        said += f"; removed {', '.join(removed)}: debug is read from the environment only"
    return said


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write this checkout's .env (make).")
    url = parser.add_mutually_exclusive_group(required=True)
    url.add_argument("--site-url", help="set the site URL (make run: the address it serves)")
    url.add_argument(
        "--default-site-url", help="the site URL when the file has none (make install)"
    )
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    if args.site_url is not None:
        print(write(args.path, args.site_url))
        return
    said = write(args.path, args.default_site_url, keep_site_url=True)
    if not said.startswith("kept") or "removed" in said:  # quiet when nothing changed
        print(said)


if __name__ == "__main__":
    main()
