"""Backups of the database the app uses, and their restore.

A backup is a folder ``<BACKUP_DIR or var/backups>/<UTC stamp>/`` holding

- ``database.dump``: ``pg_dump --format=custom`` of the whole database (every table: records,
  history, accounts, sessions), made by a pg_dump of the server's own major version;
- ``records.jsonl``: the exchange-format export (the portable fallback: any version of the
  app or of PostgreSQL restores it into an empty database with ``manage.py restore --jsonl``,
  which is ``manage.py import_jsonl --restore`` once the folder is checked);
- ``manifest.json``: when, from which server, the row count of every model and the size and
  sha256 of both files.

The dump, the JSONL and the counts read one snapshot (a repeatable-read transaction whose
snapshot pg_dump shares), so they agree even while the site is writing.

A backup holds every account's password hash and every draft: its folder is made 0700 and its
files 0600 whatever the umask (a backups folder it has to create, 0700 too).

A restore checks the folder (manifest, sizes, checksums, the archive's table of contents) before
touching anything, refuses a database that holds records unless forced, and replays the dump in
one transaction: it either completes or leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from claims.exchange import dumps, export_records

FORMAT = "rust-tracker-backup/1"
DUMP = "database.dump"
JSONL = "records.jsonl"
MANIFEST = "manifest.json"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# Rows that `migrate` itself creates (content types, permissions, the newsroom roles): a
# migrated database without records is still empty.
SCAFFOLDING = {
    "contenttypes.contenttype",
    "auth.permission",
    "auth.group",
    "auth.group_permissions",
}


class BackupError(Exception):
    """Something the operator can fix; the message says what."""


@dataclass(frozen=True)
class Tool:
    path: Path
    major: int


# --- PostgreSQL programs --------------------------------------------------------------------


def _candidate_dirs() -> Iterator[Path]:
    if os.environ.get("PG_BIN_DIR"):
        yield Path(os.environ["PG_BIN_DIR"])
    try:
        from rust_tracker.db.embedded import bin_dir

        yield bin_dir()
    except FileNotFoundError:
        pass
    for pattern in ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/opt/homebrew/opt/*/bin"):
        yield from sorted(Path("/").glob(pattern.lstrip("/")), reverse=True)
    on_path = shutil.which("pg_dump")
    if on_path:
        yield Path(on_path).parent


def _version(program: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except OSError:
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", out)
    return int(match.group(1)) if match else None


def find_tool(name: str, major: int) -> Tool:
    """The program ``name`` (pg_dump, pg_restore, psql) of PostgreSQL ``major``."""
    seen: dict[Path, int | None] = {}
    for folder in _candidate_dirs():
        program = folder / name
        if program in seen or not program.is_file():
            continue
        seen[program] = _version(program)
        if seen[program] == major:
            return Tool(program, major)
    found = ", ".join(f"{p} ({v or 'unknown version'})" for p, v in seen.items()) or "none"
    raise BackupError(
        f"The database server is PostgreSQL {major}, but no {name} {major} was found "
        f"(found: {found}). Install PostgreSQL {major}'s client programs "
        f"(Debian: postgresql-client-{major}) or set PG_BIN_DIR to their folder."
    )


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _libpq_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL programs: the app's database (password in the
    environment, never on the command line)."""
    connection.ensure_connection()  # the embedded backend fills in its socket and port
    params = connection.get_connection_params()
    args = ["--dbname", params.get("dbname") or settings.DATABASES["default"]["NAME"]]
    for key, flag in (("host", "--host"), ("port", "--port"), ("user", "--username")):
        if params.get(key):
            args += [flag, str(params[key])]
    env = {**os.environ, "PGAPPNAME": "rust-tracker-backup"}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    for key, var in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if params.get(key):
            env[var] = str(params[key])
    return args, env


# --- counts and files -----------------------------------------------------------------------


def all_models():
    """Every table the app has: its models, their history, many-to-many tables, accounts."""
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]


def count_records() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in all_models()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_root() -> Path:
    return Path(os.environ.get("BACKUP_DIR") or settings.BASE_DIR / "var" / "backups")


def _private_opener(path, flags):
    """For ``open(..., opener=)``: a new file readable and writable by its owner only."""
    return os.open(path, flags, PRIVATE_FILE)


def _private_root(root: Path) -> None:
    """The backups folder: made 0700 when it does not exist (an existing one is the
    operator's, left as it is; each backup's own folder is private anyway)."""
    try:
        root.mkdir(parents=True, mode=PRIVATE_DIR)
    except FileExistsError:
        return
    root.chmod(PRIVATE_DIR)  # mkdir's mode is cut by the umask


# --- backup ---------------------------------------------------------------------------------


def backup(root: Path | None = None) -> tuple[Path, dict]:
    """Write a backup folder under ``root``; return it and its manifest."""
    root = Path(root or default_root())
    major = server_major()
    pg_dump = find_tool("pg_dump", major)
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    if (root / stamp).exists():  # two backups in one second
        stamp = now.strftime("%Y%m%dT%H%M%S.%fZ")
    folder = root / stamp
    partial = root / f".{stamp}.partial"  # renamed when complete: no half backup looks whole
    _private_root(root)
    partial.mkdir(mode=PRIVATE_DIR)
    try:
        partial.chmod(PRIVATE_DIR)
        args, env = _libpq_env()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            dumped = subprocess.run(
                [
                    str(pg_dump.path),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={partial / DUMP}",
                    *args,
                ],
                env=env,
                capture_output=True,
                text=True,
                umask=0o077,  # its file is made private: 0600
            )
            if dumped.returncode != 0:
                raise BackupError(f"pg_dump failed: {dumped.stderr.strip()}")
            with open(
                partial / JSONL, "w", encoding="utf-8", newline="\n", opener=_private_opener
            ) as out:
                for record in export_records():
                    out.write(dumps(record) + "\n")
            counts = count_records()
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_database(), current_setting('server_version')")
                database, version = cursor.fetchone()
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": database,
            "server_version": version,
            "server_major": major,
            "pg_dump": f"{pg_dump.path} ({pg_dump.major})",
            "counts": counts,
            "files": {
                name: {"bytes": (partial / name).stat().st_size, "sha256": _sha256(partial / name)}
                for name in (DUMP, JSONL)
            },
        }
        with open(partial / MANIFEST, "w", encoding="utf-8", opener=_private_opener) as out:
            out.write(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        for name in (DUMP, JSONL, MANIFEST):
            (partial / name).chmod(PRIVATE_FILE)  # exactly, whatever the umask took away
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder, manifest


# --- restore --------------------------------------------------------------------------------


def check_folder(folder: Path) -> dict:
    """The folder's manifest, once every file is present and intact; BackupError otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"No backup folder at {folder}.")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{folder / MANIFEST} is damaged (not JSON: {exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} is not a {FORMAT} manifest.")
    files = manifest.get("files")
    if not isinstance(files, dict) or DUMP not in files:
        raise BackupError(f"{folder / MANIFEST} lists no {DUMP}.")
    for name, expected in files.items():
        path = folder / Path(name).name
        if not path.is_file():
            raise BackupError(f"{path} is missing.")
        if not isinstance(expected, dict) or _sha256(path) != expected.get("sha256"):
            raise BackupError(
                f"{path} is damaged: its sha256 does not match the manifest "
                f"({path.stat().st_size} bytes, expected {expected.get('bytes')})."
            )
    return manifest


def records_present() -> dict[str, int]:
    """Models holding rows in the configured database (tables not created yet count as 0)."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    return {
        label: n
        for model in all_models()
        if model._meta.db_table in existing
        and (label := model._meta.label_lower) not in SCAFFOLDING
        and (n := model._base_manager.count())
    }


def restore(folder: Path, *, force: bool = False) -> dict:
    """Replace the configured database's contents with the backup in ``folder``; returns the
    counts after restoring. Nothing changes unless the whole restore succeeds."""
    manifest = check_folder(folder)
    major = server_major()
    dumped_by = manifest.get("server_major")
    if isinstance(dumped_by, int) and dumped_by > major:
        raise BackupError(
            f"The backup comes from PostgreSQL {dumped_by} and this server is PostgreSQL "
            f"{major}: its dump cannot be restored here. Restore {JSONL} instead "
            f"(manage.py migrate, then manage.py restore --jsonl {folder})."
        )
    pg_restore = find_tool("pg_restore", major)
    psql = find_tool("psql", major)
    dump = Path(folder) / DUMP
    listed = subprocess.run(
        [str(pg_restore.path), "--list", str(dump)], capture_output=True, text=True
    )
    if listed.returncode != 0:
        raise BackupError(f"{dump} is not a readable archive: {listed.stderr.strip()}")
    present = records_present()
    if present and not force:
        summary = ", ".join(f"{n} {label}" for label, n in sorted(present.items())[:5])
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty ({summary}"
            f"{', ...' if len(present) > 5 else ''}). Restoring replaces everything in it: "
            "restore into a new database, or force it (make restore FORCE=1, or --force)."
        )
    args, env = _libpq_env()
    connection.close()  # nothing of ours holds a lock on the tables being replaced
    # Everything in one transaction: empty the schema, then the archive's SQL.
    script = subprocess.Popen(
        [str(pg_restore.path), "--no-owner", "--no-privileges", "--file=-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    replay = subprocess.Popen(
        [str(psql.path), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        replay.stdin.write(b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
        for block in iter(lambda: script.stdout.read(1 << 16), b""):
            replay.stdin.write(block)
        replay.stdin.close()
    except BrokenPipeError:
        pass  # psql stopped on an error: reported below
    script_error = script.stderr.read().decode(errors="replace").strip()
    script.wait()
    replay_error = replay.stderr.read().decode(errors="replace").strip()
    replay.wait()
    if script.returncode != 0 or replay.returncode != 0:
        raise BackupError(
            "The restore failed and was rolled back; the database is unchanged. "
            + (script_error or replay_error)
        )
    counts = count_records()
    expected = manifest.get("counts") or {}
    differ = {k: (counts.get(k), v) for k, v in expected.items() if counts.get(k) != v}
    if differ:
        raise BackupError(f"Restored, but the row counts differ from the manifest: {differ}")
    return counts
