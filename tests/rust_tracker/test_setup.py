"""Settings from the environment, the embedded database's recovery, the deployment files."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rust_tracker.db.embedded import prune_stale_state

ROOT = Path(__file__).resolve().parents[2]


def test_stale_handles_and_postmaster_pid_of_killed_processes_are_pruned(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid(), dead.pid]))
    (tmp_path / "postmaster.pid").write_text(f"{dead.pid}\n{tmp_path}\n")
    (tmp_path / ".s.PGSQL.5432.lock").write_text(f"{dead.pid}\n{tmp_path}\n")
    removed = prune_stale_state(tmp_path)
    assert removed == [dead.pid]
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [os.getpid()]
    assert not (tmp_path / "postmaster.pid").exists()
    assert not (tmp_path / ".s.PGSQL.5432.lock").exists()


def test_a_live_server_is_left_alone(tmp_path):
    # our own pid is alive but is not a postgres server: its postmaster.pid is stale too
    (tmp_path / "postmaster.pid").write_text(f"{os.getpid()}\n")
    prune_stale_state(tmp_path)
    assert not (tmp_path / "postmaster.pid").exists()
    (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid()]))
    assert prune_stale_state(tmp_path) == []


def test_docker_compose_runs_postgres_and_gunicorn():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, web = compose["services"]["db"], compose["services"]["web"]
    assert db["image"] == "postgres:17"
    assert any(v.split(":")[0] in compose["volumes"] for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert web["build"] == "."
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "@db:5432/" in web["environment"]["DATABASE_URL"]
    assert "migrate" in web["command"] and "gunicorn" in web["command"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile and "FROM python:3.12" in dockerfile


def test_the_image_never_reads_a_laptops_env_file():
    """make writes a .env (this laptop's secret, hosts and site URL) into the checkout: it stays
    out of the build context, and the image reads no .env file at all."""
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored
    assert re.search(r'^\s*DJANGO_ENV_FILE=""', (ROOT / "Dockerfile").read_text(), re.M)


CONNECT = (
    "import django, sys; django.setup(); from django.db import connection; "
    "connection.ensure_connection(); print('up', flush=True); "
    "sys.stdin.readline()"
)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="about the embedded server")
def test_a_killed_process_is_forgotten_by_the_next_one():
    """Every process registers with the embedded server; one killed with SIGKILL cannot
    unregister, and the next process to start prunes it, so the server can stop again."""
    from rust_tracker.db.embedded import DEFAULT_DATA_DIR

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    handles = DEFAULT_DATA_DIR / ".handle_pids.json"
    victim = subprocess.Popen(
        [sys.executable, "-c", CONNECT],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert victim.stdout.readline().strip() == "up"
    assert victim.pid in json.loads(handles.read_text())
    victim.kill()
    victim.wait()
    assert victim.pid in json.loads(handles.read_text())  # it could not say goodbye
    result = subprocess.run(
        [sys.executable, "-c", CONNECT],
        cwd=ROOT,
        env=env,
        input="\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "up", result.stderr
    assert victim.pid not in json.loads(handles.read_text())


def test_a_command_piped_into_a_reader_that_stops_ends_quietly(tmp_path):
    """`manage.py extract_quotes … | head -1`: the reader leaves early; no traceback."""
    article = tmp_path / "article.txt"
    article.write_text(
        "".join(f'"Line {n} of many words," the mayor said.\n\n' for n in range(20_000))
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    command = [sys.executable, "manage.py", "extract_quotes", "--no-db", str(article)]
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        first = process.stdout.readline()
        process.stdout.close()  # what head does after its line
        errors = process.stderr.read().decode()
        process.wait(timeout=120)
    assert b'"quote"' in first
    assert "Traceback" not in errors, errors
    assert process.returncode == 141
