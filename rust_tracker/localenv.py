"""A checkout's `.env`: variables for this laptop, read before the settings.

`make install` (and so `make run` and `make test`) writes `.env` at the checkout's root
(git-ignored) once, with a generated ``DJANGO_SECRET_KEY`` and ``DJANGO_DEBUG=true``; `make run`
keeps its ``DJANGO_SITE_URL`` on the address it serves. Every ``manage.py`` command then works
as the README writes it. A variable already set in the environment wins over the file, so a
server's own settings, a Makefile target's or a test's are never replaced. ``DJANGO_ENV_FILE``
names another file; set it empty to read none (the test settings do).

    python -m rust_tracker.localenv --site-url http://127.0.0.1:8001   # what make calls
"""

import argparse
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / ".env"


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
    """Put the file's variables into ``os.environ`` where not already set; return those put."""
    path = env_file() if path is None else path
    if path is None or not path.is_file():
        return {}
    added = {}
    for key, value in parse(path.read_text(encoding="utf-8")).items():
        if key not in os.environ:
            os.environ[key] = added[key] = value
    return added


def write(path: Path, site_url: str) -> str:
    """Create the laptop's `.env` (a new secret, debug on) or keep it; set its site URL.
    Returns what was done, for `make run` to print."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    done = "kept"
    if not lines:
        lines = [
            "# This laptop's settings, written by make (git-ignored; never on a server).",
            f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
            "DJANGO_DEBUG=true",
        ]
        done = "wrote"
    site = f"DJANGO_SITE_URL={site_url.rstrip('/')}"
    keys = [line.partition("=")[0].strip() for line in lines]
    if "DJANGO_SITE_URL" in keys:
        lines[keys.index("DJANGO_SITE_URL")] = site
    else:
        lines.append(site)
    old_umask = os.umask(0o077)
    try:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    finally:
        os.umask(old_umask)
    return f"{done} {path.name} (site URL {site_url.rstrip('/')})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write this checkout's .env (make).")
    parser.add_argument("--site-url", required=True)
    parser.add_argument("--path", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    print(write(args.path, args.site_url))


if __name__ == "__main__":
    main()
