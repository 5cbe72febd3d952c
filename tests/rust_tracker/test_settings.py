"""Settings that fail safe: production (debug off) refuses to start without what it needs and
turns HTTPS on, `check --deploy` is clean, and a laptop's `.env` (written by make) makes
every manage.py command work with no variables, without ever turning debug on: a server
started in a checkout where make ran (a cron job, a systemd unit) stays in production."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from rust_tracker import localenv

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
    "DJANGO_SITE_URL": "https://tracker.example.org",
}
# `check` asks the database server its version: the run's own (DATABASE_URL), or the embedded one.
DATABASE = {"DATABASE_URL": os.environ["DATABASE_URL"]} if os.environ.get("DATABASE_URL") else {}


def clean_env(env: dict[str, str]) -> dict[str, str]:
    """The machine's environment without any setting, no `.env` read, plus ``env``."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_"))
    }
    return {**base, "DJANGO_ENV_FILE": "", **env}


def settings_in_subprocess(env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import rust_tracker.settings as s; print({expr})"],
        cwd=ROOT,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_SITE_URL"]
)
def test_production_refuses_to_start_without_each_required_variable(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = settings_in_subprocess(env, "s.DEBUG")
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"django.core.exceptions.ImproperlyConfigured: {missing} is not set")
    assert "DJANGO_DEBUG" in message  # and says how a laptop does without it


def test_an_empty_value_counts_as_missing():
    result = settings_in_subprocess({**PRODUCTION, "DJANGO_SITE_URL": " "}, "s.DEBUG")
    assert "DJANGO_SITE_URL is not set" in result.stderr


def test_debug_is_off_unless_set_true():
    result = settings_in_subprocess({**PRODUCTION, "DJANGO_DEBUG": "no"}, "s.DEBUG")
    assert result.stdout.strip() == "False"
    result = settings_in_subprocess({"DJANGO_DEBUG": "true"}, "s.DEBUG")
    assert result.stdout.strip() == "True"


def test_allowed_hosts_and_database_url_come_from_the_environment():
    env = {
        **PRODUCTION,
        "DJANGO_ALLOWED_HOSTS": "news.example, tracker.example",
        "DATABASE_URL": "postgresql://u:p@db.example:5433/tracker",
    }
    expr = "s.ALLOWED_HOSTS, s.DATABASES['default']['HOST'], s.DATABASES['default']['NAME']"
    result = settings_in_subprocess(env, expr)
    assert result.stdout.strip() == ("['news.example', 'tracker.example'] db.example tracker")


def test_database_url_must_be_postgresql():
    result = settings_in_subprocess({**PRODUCTION, "DATABASE_URL": "sqlite:///db.sqlite3"}, "1")
    assert result.returncode != 0
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr


def test_without_database_url_the_embedded_server_is_used():
    result = settings_in_subprocess(PRODUCTION, "s.DATABASES['default']['ENGINE']")
    assert result.stdout.strip() == "rust_tracker.db"


HTTPS = (
    "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, getattr(s, 'SECURE_PROXY_SSL_HEADER', None)"
)


def test_production_turns_https_on_and_trusts_no_forwarded_header():
    result = settings_in_subprocess(PRODUCTION, HTTPS)
    assert result.stdout.strip() == "31536000 True True True None", result.stderr


def test_behind_a_tls_proxy_the_header_is_trusted_and_the_proxy_redirects():
    env = {**PRODUCTION, "DJANGO_BEHIND_TLS_PROXY": "true"}
    result = settings_in_subprocess(env, HTTPS)
    assert result.stdout.strip() == (
        "31536000 False True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    ), result.stderr


MAILER = "[s.MAILERS['default'].get('OPTIONS', {}).get(k) for k in ('host', 'port', 'use_tls')]"


def test_without_email_host_mail_goes_to_the_local_mta_on_port_25_without_tls():
    result = settings_in_subprocess(PRODUCTION, MAILER)
    assert result.stdout.strip() == "['localhost', 25, False]", result.stderr


def test_an_email_host_is_a_relay_on_587_with_starttls_and_both_can_be_set():
    relay = {**PRODUCTION, "EMAIL_HOST": "smtp.example.org"}
    result = settings_in_subprocess(relay, MAILER)
    assert result.stdout.strip() == "['smtp.example.org', 587, True]", result.stderr
    local = {**PRODUCTION, "EMAIL_PORT": "2525", "EMAIL_USE_TLS": "true"}
    result = settings_in_subprocess(local, MAILER)
    assert result.stdout.strip() == "['localhost', 2525, True]", result.stderr


def test_debug_keeps_plain_http():
    result = settings_in_subprocess({"DJANGO_DEBUG": "true"}, HTTPS)
    assert result.stdout.strip() == "0 False False False None", result.stderr


IS_SECURE = (
    "import django; django.setup(); from django.test import RequestFactory; "
    "request = RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https'); "
    "print(request.is_secure())"
)


@pytest.mark.parametrize(("behind_proxy", "trusted"), [("", "False"), ("true", "True")])
def test_a_clients_x_forwarded_proto_counts_only_behind_the_proxy(behind_proxy, trusted):
    env = {
        **PRODUCTION,
        "DJANGO_BEHIND_TLS_PROXY": behind_proxy,
        "DJANGO_SETTINGS_MODULE": "rust_tracker.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", IS_SECURE],
        cwd=ROOT,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == trusted, result.stderr


@pytest.mark.parametrize("behind_proxy", ["", "true"])
def test_check_deploy_is_clean_with_production_variables(behind_proxy):
    result = manage(
        {**PRODUCTION, **DATABASE, "DJANGO_BEHIND_TLS_PROXY": behind_proxy},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_a_weak_secret():
    env = {**PRODUCTION, **DATABASE, "DJANGO_SECRET_KEY": "short"}
    result = manage(env, "check", "--deploy")
    assert "security.W009" in result.stdout + result.stderr


# --- a laptop's .env ----------------------------------------------------------------------------


def test_make_runs_env_file_is_written_once_and_follows_the_port(tmp_path):
    path = tmp_path / ".env"
    assert localenv.write(path, "http://127.0.0.1:8000/").startswith("wrote")
    first = localenv.parse(path.read_text())
    assert "DJANGO_DEBUG" not in first  # debug is `make run`'s alone, never the checkout's
    assert len(first["DJANGO_SECRET_KEY"]) >= 50
    assert first["DJANGO_ALLOWED_HOSTS"] == "localhost,127.0.0.1,[::1]"
    assert first["DJANGO_SITE_URL"] == "http://127.0.0.1:8000"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert localenv.write(path, "http://127.0.0.1:8123").startswith("kept")
    second = localenv.parse(path.read_text())
    assert second["DJANGO_SECRET_KEY"] == first["DJANGO_SECRET_KEY"]  # sessions survive
    assert second["DJANGO_SITE_URL"] == "http://127.0.0.1:8123"


def test_the_env_file_is_git_ignored():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=ROOT, capture_output=True, check=False
    )
    assert ignored.returncode == 0


def test_env_file_syntax():
    values = localenv.parse("# comment\n\nexport A=1\nB = 'two words'\nC=\"x=y\"\nD=\n")
    assert values == {"A": "1", "B": "two words", "C": "x=y", "D": ""}
    with pytest.raises(ValueError, match="line 2"):
        localenv.parse("A=1\nnot a setting\n")


def test_with_the_env_file_manage_py_works_with_no_variables(tmp_path):
    """The .env holds what production settings require on this laptop (a secret, its hosts, the
    site URL), so manage.py starts without debug."""
    path = tmp_path / ".env"
    localenv.write(path, "http://127.0.0.1:8123")
    env = {"DJANGO_ENV_FILE": str(path), **DATABASE}
    result = manage(env, "check")
    assert result.returncode == 0, result.stderr
    result = settings_in_subprocess(env, "s.DEBUG, s.SITE_URL")
    assert result.stdout.strip() == "False http://127.0.0.1:8123", result.stderr


README_COMMANDS = (
    "import django; django.setup(); "
    "from django.conf import settings; "
    "from django.core.management import get_commands, load_command_class; "
    "commands = get_commands(); "
    "[load_command_class(commands[name], name) for name in {names!r}]; "
    "print(settings.DEBUG)"
)


def test_the_readmes_manage_py_commands_start_with_only_the_env_file(tmp_path):
    """Every manage.py command the README tells a newcomer to run, as written (no variable
    set), finds its settings in the .env and starts, in production mode."""
    readme = (ROOT / "README.md").read_text()
    names = sorted(set(re.findall(r"^[^`\n]*?manage\.py ([a-z_]+)", readme, re.M)))
    assert {"import_jsonl", "add_newsroom_user", "verify_quotes", "locate_quote"} <= set(names)
    assert not re.search(r"DJANGO_DEBUG=\S+ \S*manage\.py", readme), "debug by hand"
    path = tmp_path / ".env"
    localenv.write(path, "http://127.0.0.1:8000")
    result = subprocess.run(
        [sys.executable, "-c", README_COMMANDS.format(names=names)],
        cwd=ROOT,
        env=clean_env(
            {"DJANGO_ENV_FILE": str(path), "DJANGO_SETTINGS_MODULE": "rust_tracker.settings"}
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


OLD_ENV_FILE = (
    "# This laptop's settings, written by make (git-ignored; never on a server).\n"
    "DJANGO_SECRET_KEY={secret}\n"
    "DJANGO_DEBUG=true\n"
    "DJANGO_SITE_URL=http://127.0.0.1:8001\n"
)


def test_an_env_file_from_an_earlier_version_loses_its_debug_line(tmp_path):
    path = tmp_path / ".env"
    secret = secrets.token_urlsafe(50)
    path.write_text(OLD_ENV_FILE.format(secret=secret))
    assert localenv.write(path, "http://127.0.0.1:8001", keep_site_url=True).startswith("kept")
    values = localenv.parse(path.read_text())
    assert "DJANGO_DEBUG" not in values
    assert values["DJANGO_SECRET_KEY"] == secret  # sessions survive
    assert values["DJANGO_SITE_URL"] == "http://127.0.0.1:8001"
    assert values["DJANGO_ALLOWED_HOSTS"] == "localhost,127.0.0.1,[::1]"


def test_debug_is_never_read_from_an_env_file(tmp_path):
    """A checkout updated (git pull) but where make has not run again still has the old .env:
    its DJANGO_DEBUG is ignored; only the environment turns debug on."""
    path = tmp_path / ".env"
    path.write_text(OLD_ENV_FILE.format(secret=secrets.token_urlsafe(50)))
    env = {**PRODUCTION, "DJANGO_ENV_FILE": str(path)}
    assert settings_in_subprocess(env, "s.DEBUG").stdout.strip() == "False"
    env["DJANGO_DEBUG"] = "true"
    assert settings_in_subprocess(env, "s.DEBUG").stdout.strip() == "True"


def checkout_copy(tmp_path: Path) -> Path:
    """The code of this checkout in a folder of its own, whose `.env` (the default path) the
    test writes: as a server would run it from a checkout where make ran."""
    copy = tmp_path / "checkout"
    copy.mkdir()
    shutil.copy2(ROOT / "manage.py", copy / "manage.py")
    for folder in ("rust_tracker", "claims", "sources", "watch", "api", "templates", "static"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.parametrize(
    "env_file", ["written by make", "from an earlier version (debug on)", "none"]
)
def test_check_deploy_is_clean_in_a_checkout_where_make_ran(tmp_path, env_file):
    """A cron job or a systemd unit given the three required variables, started in a checkout
    where `make run`, `make serve` or `make install` wrote the .env: production, and `check
    --deploy` says so (before: DEBUG on from the .env, five warnings)."""
    copy = checkout_copy(tmp_path)
    if env_file == "written by make":
        localenv.main(["--path", str(copy / ".env"), "--site-url", "http://127.0.0.1:8000"])
        assert "DJANGO_DEBUG" not in (copy / ".env").read_text()
    elif env_file.startswith("from an earlier"):
        (copy / ".env").write_text(OLD_ENV_FILE.format(secret=secrets.token_urlsafe(50)))
    # the server's own: no DJANGO_ENV_FILE, so the checkout's .env is read
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(PRODUCTION)
    env.update(DATABASE or {"DJANGO_EMBEDDED_PGDATA": str(ROOT / "var" / "pgdata")})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_make_install_writes_the_env_file_once(tmp_path):
    """Whatever installs first (make run, make test, make install) leaves the .env behind, so a
    newcomer's manage.py works as the README writes it; a second install keeps it."""
    path = tmp_path / ".env"
    make = ["make", "--no-print-directory", "-s", "install", f"LOCAL_ENV={path}"]
    subprocess.run(make, cwd=ROOT, check=True, capture_output=True)
    written = localenv.parse(path.read_text())
    assert "DJANGO_DEBUG" not in written
    assert len(written["DJANGO_SECRET_KEY"]) >= 50
    subprocess.run(make, cwd=ROOT, check=True, capture_output=True)
    assert localenv.parse(path.read_text()) == written
    result = manage({"DJANGO_ENV_FILE": str(path), **DATABASE}, "check")
    assert result.returncode == 0, result.stderr


def test_make_install_rewrites_an_env_file_that_turns_debug_on(tmp_path):
    """The .env of an earlier version (DJANGO_DEBUG=true) loses that line at the next install,
    whatever target runs it (make serve, make backup...); its secret and site URL stay."""
    path = tmp_path / ".env"
    secret = secrets.token_urlsafe(50)
    path.write_text(OLD_ENV_FILE.format(secret=secret))
    make = ["make", "--no-print-directory", "-s", "install", f"LOCAL_ENV={path}"]
    subprocess.run(make, cwd=ROOT, check=True, capture_output=True)
    values = localenv.parse(path.read_text())
    assert "DJANGO_DEBUG" not in values
    assert values["DJANGO_SECRET_KEY"] == secret
    assert values["DJANGO_SITE_URL"] == "http://127.0.0.1:8001"  # make run PORT=8001's, kept


def test_the_environment_wins_over_the_env_file(tmp_path):
    path = tmp_path / ".env"
    localenv.write(path, "http://127.0.0.1:8123")
    env = {**PRODUCTION, "DJANGO_ENV_FILE": str(path), "DJANGO_DEBUG": "false"}
    result = settings_in_subprocess(env, "s.DEBUG, s.SITE_URL, s.SECRET_KEY")
    assert result.stdout.strip() == (
        f"False https://tracker.example.org {PRODUCTION['DJANGO_SECRET_KEY']}"
    )


def test_a_broken_env_file_is_named(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DJANGO_DEBUG=true\nthis is not a setting\n")
    result = settings_in_subprocess({"DJANGO_ENV_FILE": str(path)}, "1")
    assert result.returncode != 0
    assert ".env line 2 is not KEY=value" in result.stderr


def test_make_run_serves_and_writes_on_its_port():
    env = clean_env({})
    script = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "PORT=8123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "-m rust_tracker.localenv --site-url" in script
    assert "runserver 127.0.0.1:8123" in script
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export DJANGO_SITE_URL ?= http://$(HOST):$(PORT)" in makefile


@pytest.mark.django_db
def test_the_local_admin_is_printed_on_the_site_url(settings, tmp_path):
    settings.DEBUG = True
    settings.BASE_DIR = tmp_path
    settings.SITE_URL = "http://127.0.0.1:8123"
    from io import StringIO

    out = StringIO()
    call_command("create_local_admin", stdout=out)
    assert "Local admin: http://127.0.0.1:8123/admin/  user: admin" in out.getvalue()
    password = (tmp_path / "var" / "local-admin-password").read_text().strip()
    assert len(password) >= 12
