"""Backups (rust_tracker/ops/backups.py): a backup restored into an empty database holds every
record of every model, row by row; bad folders are refused with a clear message and change
nothing."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from claims.exchange import dumps, export_records
from claims.models import Case, Citation, Claim, Contradiction, Correction, Speaker, Topic
from rust_tracker.ops.backups import (
    DUMP,
    JSONL,
    MANIFEST,
    BackupError,
    all_models,
    backup,
    find_tool,
)
from sources.models import Outlet, Source

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed rows


def _params(dbname: str) -> dict:
    connection.ensure_connection()
    params = dict(connection.get_connection_params())
    params["dbname"] = dbname
    return {k: v for k, v in params.items() if k in {"dbname", "host", "port", "user", "password"}}


def _rows(dbname: str) -> dict[str, list[tuple]]:
    """Every row of every model's table, and every sequence's position."""
    with psycopg.connect(**_params(dbname)) as conn:
        rows = {}
        for model in all_models():
            query = sql.SQL("SELECT * FROM {} ORDER BY {}").format(
                sql.Identifier(model._meta.db_table), sql.Identifier(model._meta.pk.column)
            )
            rows[model._meta.label_lower] = conn.execute(query).fetchall()
        for (name,) in conn.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            query = sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(name))
            rows[f"sequence {name}"] = conn.execute(query).fetchall()
    return rows


@pytest.fixture
def second_database():
    """An empty database on the server the tests use."""
    name = f"{connection.settings_dict['NAME']}_restored_{os.getpid()}"
    with psycopg.connect(**_params("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**_params("postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _manage(dbname: str, *args: str) -> subprocess.CompletedProcess:
    """manage.py against another database on the same server, as an operator runs it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    if env.get("DATABASE_URL"):
        params = _params(dbname)
        env["DATABASE_URL"] = (
            f"postgresql://{params.get('user') or ''}:{params.get('password') or ''}"
            f"@{params.get('host') or ''}:{params.get('port') or 5432}/{dbname}"
        )
    else:
        env["DJANGO_EMBEDDED_DB_NAME"] = dbname
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def newsroom(demo):
    """The demo (claims, sources, citations, contradictions, a case, corrections) and a
    newsroom's work on it: accounts with roles, edits in the history by a named user."""
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    User.objects.create_user("reporter", password="pw", is_staff=True)
    claim = Claim.objects.order_by("pk").first()
    claim.summary = f"{claim.summary} (edited)"
    claim._history_user = editor
    claim.save()
    assert Correction.objects.exists()
    return editor


def test_a_backup_restored_into_an_empty_database_holds_every_record(
    newsroom, second_database, tmp_path
):
    folder, manifest = backup(tmp_path)
    original = _rows(connection.settings_dict["NAME"])

    assert sorted(p.name for p in folder.iterdir()) == sorted([DUMP, JSONL, MANIFEST])
    assert json.loads((folder / MANIFEST).read_text()) == manifest
    assert manifest["counts"] == {
        label: len(rows) for label, rows in original.items() if not label.startswith("sequence")
    }
    for label in ("claims.claim", "claims.citation", "claims.contradiction", "claims.case"):
        assert manifest["counts"][label] > 0, label
    assert manifest["counts"]["claims.historicalclaim"] > manifest["counts"]["claims.claim"]
    exported = "".join(dumps(record) + "\n" for record in export_records())
    assert (folder / JSONL).read_text(encoding="utf-8") == exported

    restored = _manage(second_database, "restore", str(folder))
    assert restored.returncode == 0, restored.stderr
    assert "as the manifest counts" in restored.stdout
    copy = _rows(second_database)
    assert copy.keys() == original.keys()
    for label in original:
        assert copy[label] == original[label], label

    # the copy holds records now: a second restore is refused unless forced
    again = _manage(second_database, "restore", str(folder))
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "FORCE=1" in again.stderr
    forced = _manage(second_database, "restore", str(folder), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _rows(second_database) == original


def _damage(folder: Path, how: str) -> None:
    manifest = json.loads((folder / MANIFEST).read_text())
    dump = folder / DUMP
    if how == "missing dump":
        dump.unlink()
    elif how == "altered dump":
        data = bytearray(dump.read_bytes())
        data[len(data) // 2] ^= 0xFF
        dump.write_bytes(bytes(data))
    elif how == "not an archive, checksum matching":
        dump.write_bytes(b"PGDMP but not really")
        import hashlib

        manifest["files"][DUMP]["sha256"] = hashlib.sha256(dump.read_bytes()).hexdigest()
        (folder / MANIFEST).write_text(json.dumps(manifest))
    elif how == "damaged manifest":
        (folder / MANIFEST).write_text((folder / MANIFEST).read_text()[:40])
    elif how == "no manifest":
        (folder / MANIFEST).unlink()


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("missing dump", "database.dump is missing"),
        ("altered dump", "database.dump is damaged"),
        ("not an archive, checksum matching", "is not a readable archive"),
        ("damaged manifest", "manifest.json is damaged"),
        ("no manifest", "is not a backup"),
    ],
)
def test_a_damaged_backup_is_refused_and_changes_nothing(newsroom, tmp_path, how, message):
    folder, _ = backup(tmp_path)
    _damage(folder, how)
    before = _rows(connection.settings_dict["NAME"])
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(folder), force=True)
    assert _rows(connection.settings_dict["NAME"]) == before


def test_a_missing_folder_is_named_and_the_command_fails(db, tmp_path):
    result = _manage(connection.settings_dict["NAME"], "restore", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert f"No backup folder at {tmp_path / 'nope'}" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_matching_pg_dump_is_said_clearly():
    with pytest.raises(BackupError, match=r"PostgreSQL 99, but no pg_dump 99 was found"):
        find_tool("pg_dump", 99)


def _mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


@pytest.mark.parametrize("umask", [0o022, 0o002], ids=["umask-022", "umask-002"])
def test_a_backup_is_readable_by_its_owner_only(db, tmp_path, umask):
    """A backup holds password hashes and drafts: its folder is 0700 and its files 0600, under
    any umask (the dump is written by pg_dump, the rest by Python); a backups folder it
    creates is 0700 too."""
    root = tmp_path / "new" / "backups"
    old = os.umask(umask)
    try:
        folder, _ = backup(root)
    finally:
        os.umask(old)
    assert _mode(root) == "0o700"
    assert _mode(folder) == "0o700"
    assert sorted(p.name for p in folder.iterdir()) == sorted([DUMP, JSONL, MANIFEST])
    for name in (DUMP, JSONL, MANIFEST):
        assert _mode(folder / name) == "0o600", name


def test_a_backups_records_restore_into_emptied_tables_as_they_were(newsroom, tmp_path):
    """The portable fallback: ``restore --jsonl`` checks the folder, then imports its
    records.jsonl as a restore (into an empty database, items as they were)."""
    folder, _ = backup(tmp_path)
    for model in (Correction, Contradiction, Citation, Claim, Speaker, Topic, Case, Source, Outlet):
        model.objects.all().delete()
    out = io.StringIO()
    call_command("restore", str(folder), "--jsonl", stdout=out)
    assert out.getvalue().startswith("Restored ")
    exported = "".join(dumps(record) + "\n" for record in export_records())
    assert exported == (folder / JSONL).read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="A restore loads into an empty database"):
        call_command("restore", str(folder), "--jsonl", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--jsonl restores into an empty database only"):
        call_command("restore", str(folder), "--jsonl", "--force")
