"""Settings for the test run: the real production ones (debug off), with a throwaway secret, the
address the tests expect, no HTTPS redirect (the test client speaks plain HTTP) and a fast
hasher. A checkout's `.env` (written by make) is not read: tests see the same settings on
every machine."""

import os

os.environ["DJANGO_ENV_FILE"] = ""
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
os.environ.setdefault("DJANGO_SITE_URL", "http://127.0.0.1:8000")

from rust_tracker.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

# Several test runs can share one embedded server: give each its own database name.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", "test_rust_tracker")}  # noqa: F405
