"""make serve: the production stack on a laptop (gunicorn, whitenoise's hashed and compressed
static files, debug off, a generated secret)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dry_run(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        ["make", "-n", "--no-print-directory", "serve", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_serve_runs_gunicorn_with_workers_for_the_cores_after_collectstatic():
    script = dry_run("HOST=127.0.0.1", "PORT=9876")
    assert "collectstatic --noinput --clear" in script
    assert "gunicorn rust_tracker.wsgi --bind 127.0.0.1:9876" in script
    assert f"--workers {os.cpu_count() * 2 + 1} --worker-class gthread --threads 2" in script
    assert script.index("migrate") < script.index("collectstatic") < script.index("gunicorn")
    assert "var/serve-secret" in script  # a secret of its own unless DJANGO_SECRET_KEY is set


def test_serve_settings_are_production_ones():
    """What make serve exports gives debug off and the compressed manifest storage."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "false",
        "DJANGO_STATIC_MANIFEST": "true",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_SITE_URL": "http://127.0.0.1:8000",
        "DJANGO_ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "rust_tracker.settings",
        "DATABASE_URL": "postgresql://localhost/unused",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.STORAGES['staticfiles']['BACKEND'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["False", "whitenoise.storage.CompressedManifestStaticFilesStorage"]
