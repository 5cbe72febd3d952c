"""Settings, read from the environment (``DJANGO_`` prefix).

Production is the default, and it fails safe: with debug off the site refuses to start without
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and ``DJANGO_SITE_URL``, and turns on HSTS, the
HTTPS redirect and secure cookies. A laptop works with no variables: ``make install`` (which
``make run`` and ``make test`` call) writes a git-ignored ``.env`` (a generated secret, the
laptop's host names, the site URL; never debug, which only ``make run`` turns on), read here
before anything else (``rust_tracker/localenv.py``); the environment wins over it.
PostgreSQL only: ``DATABASE_URL`` when set, otherwise an embedded server with its data under
``var/``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from rust_tracker import localenv

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    localenv.load()
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required_in_production(name: str, what: str) -> None:
    if not os.environ.get(name, "").strip():
        raise ImproperlyConfigured(
            f"{name} is not set. In production (DJANGO_DEBUG off) set it to {what}. "
            "On a laptop, `make install` (or `make run`, `make test`) writes a .env that "
            "sets it (README, Settings)."
        )


DEBUG = env_bool("DJANGO_DEBUG")

if not DEBUG:
    required_in_production("DJANGO_SECRET_KEY", "a long random string (50+ characters)")
    required_in_production(
        "DJANGO_ALLOWED_HOSTS", "the host names the site answers to, comma-separated"
    )
    required_in_production(
        "DJANGO_SITE_URL", "the public address, e.g. https://tracker.example.org"
    )

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "rust_tracker.admin_site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "django_htmx",
    "simple_history",
    "pgtrigger",  # only for claims' migrations 0009 and 0014 (its triggers, since removed)
    "axes",
    "rust_tracker.accounts.AccountsConfig",  # staff sessions end after 8 hours
    "sources",
    "claims",
    "django_tasks_db",  # the tasks' queue, in PostgreSQL
    "watch",  # background work: the watch, repeats, alerts (watch/__init__.py)
    "ninja",  # the public API (api/): its docs page's Swagger UI, served from static files
    "corsheaders",  # the public API may be read from any site (CORS_* below)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # before anything reads a body: over 5 MB (22 MB on the source form) is a 413, unread
    "rust_tracker.bodylimit.BodyLimitMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # /api/ only (CORS_URLS_REGEX)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "claims.guard.ActorMiddleware",  # writes act for the request's user (the public-row guard)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "rust_tracker.middleware.FormBodyMiddleware",  # form text as sent, or a 400 naming why
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "rust_tracker.urls"
WSGI_APPLICATION = "rust_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# Database: PostgreSQL only.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgresql://...).")
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    from rust_tracker.db.embedded import exit_cleanly_on_sigterm

    exit_cleanly_on_sigterm()  # so a stopped runserver lets the embedded server stop too
    DATABASES = {
        "default": {
            "ENGINE": "rust_tracker.db",  # starts the embedded server on first connection
            "NAME": os.environ.get("DJANGO_EMBEDDED_DB_NAME", "rust_tracker"),
            "EMBEDDED_DATABASE": os.environ.get("DJANGO_EMBEDDED_DB_NAME", "rust_tracker"),
            "USER": "postgres",
            "CONN_MAX_AGE": 60,
        }
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A streaming read replica: pages rendered for anonymous visitors read from it, everything
# else from the primary (rust_tracker/routers.py). Tests treat it as a mirror of default.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    if not DATABASE_REPLICA_URL.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point to PostgreSQL.")
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["rust_tracker.routers.PublicReadsToReplica"]
# How long a replica may lag: a page rendered from it this soon after a change is cached no
# longer than this.
REPLICA_LAG_SECONDS = float(os.environ.get("REPLICA_LAG_SECONDS", "5"))

# Cache: Redis when REDIS_URL is set, else per-process memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rust-tracker",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages (rust_tracker/caching.py): kept until the public data changes, at most
# PUBLIC_CACHE_SECONDS (short without Redis: each process then has its own cache and learns
# of another process's change only when its copy expires); Cache-Control max-age for
# browsers, s-maxage for a CDN or proxy in front (which is not told of changes: keep it short).
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "600" if REDIS_URL else "30"))
PUBLIC_CACHE_MAX_AGE = int(os.environ.get("PUBLIC_CACHE_MAX_AGE", "60"))
PUBLIC_CACHE_S_MAXAGE = int(os.environ.get("PUBLIC_CACHE_S_MAXAGE", "60"))
PUBLIC_CACHE_MAX_BYTES = int(os.environ.get("PUBLIC_CACHE_MAX_BYTES", str(2 * 1024 * 1024)))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts: only the newsroom logs in (the admin); the public site has no login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords (the admin's forms and add_newsroom_user alike): 12 characters or more, not like the
# user's name, not common, not all digits, not one unit repeated ("passwordpassword"), not
# containing or like the site's name or its words (rust_tracker/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "rust_tracker.passwords.RepeatedUnitValidator"},
    {"NAME": "rust_tracker.passwords.SiteNameValidator"},
]
# django-axes: 5 failed logins lock out that user name from that address, and any 5 from one
# address lock out the address (guessing many names), for 15 minutes; the page says so. The
# address is the peer's, or a trusted proxy's word for it (DJANGO_TRUSTED_PROXIES, below).
# axes' AXES_RESET_ON_SUCCESS would clear every failure from the address (its per-address
# count too) on any good login, so a guesser with an account of their own could guess forever:
# it is off, and a good login clears only that user name's failures from that address
# (rust_tracker/accounts.py); the rest expire with the cool-off.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "rust_tracker.accounts.locked_out"  # admin/locked_out.html
AXES_CLIENT_IP_CALLABLE = "rust_tracker.accounts.client_ip"  # a trusted proxy's word only
AXES_VERBOSE = False
# Sessions: a staff login lasts 8 hours of the working day, then the admin asks again
# (rust_tracker/accounts.py); other sessions keep Django's two weeks.
SESSION_COOKIE_AGE = 14 * 24 * 3600
STAFF_SESSION_AGE = int(os.environ.get("DJANGO_STAFF_SESSION_SECONDS", str(8 * 3600)))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here after collectstatic
WHITENOISE_USE_FINDERS = DEBUG  # straight from static/ on a laptop; collected files in production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Source intake (sources/intake/): the largest text, file or page taken in, in bytes; the
# fetch's deadline in seconds and its redirects; private and loopback addresses are refused
# unless allowed (an intranet deployment, tests).
SOURCE_MAX_BYTES = int(os.environ.get("SOURCE_MAX_BYTES", str(20 * 1000 * 1000)))
SOURCE_FETCH_TIMEOUT = float(os.environ.get("SOURCE_FETCH_TIMEOUT", "10"))
SOURCE_FETCH_MAX_REDIRECTS = int(os.environ.get("SOURCE_FETCH_MAX_REDIRECTS", "5"))
SOURCE_FETCH_ALLOW_PRIVATE = env_bool("SOURCE_FETCH_ALLOW_PRIVATE")

# Uploads: archived texts are pasted or uploaded; keep requests bounded, with room for a
# pasted text of SOURCE_MAX_BYTES (one over it is refused on the form, naming the limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = max(5 * 1024 * 1024, SOURCE_MAX_BYTES + 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "rust_tracker.uploads.CappedTemporaryFileUploadHandler",  # keeps no more than the cap
]

# Security. Strict CSP: no inline scripts or styles anywhere in our templates.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# The public API (/api/) is public data: any site's scripts may read it (GET, and the preflight
# a conditional request needs), never with the visitor's cookies.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS in production: HSTS for a year, HTTP redirected to HTTPS, cookies sent over HTTPS only.
# The one switch, DJANGO_BEHIND_TLS_PROXY=true, is for a server that speaks plain HTTP behind a
# proxy that terminates TLS and redirects HTTP itself: the proxy's X-Forwarded-Proto is then
# trusted (the proxy must set it, overwriting any a client sent) and Django does not redirect.
# Without the switch no X-Forwarded-Proto is trusted (X-Forwarded-For: TRUSTED_PROXIES below).
BEHIND_TLS_PROXY = env_bool("DJANGO_BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = ["security.W008"]  # the redirect is the proxy's
SECURE_SSL_REDIRECT = not DEBUG and not BEHIND_TLS_PROXY
# The proxies whose X-Forwarded-For is believed, for counting failed logins by address:
# comma-separated addresses or networks (e.g. 10.0.0.0/8). Only a request whose peer is one of
# them is read, and then the right-most entry that is not itself one of them is the client.
# None by default, whatever DJANGO_BEHIND_TLS_PROXY says: a server that clients can reach
# directly (`make serve`) counts every login by its peer. A misspelt entry stops the start.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True

# The site's identity is the newsroom's, not the code's (`make run` sets the Rust demo's).
SITE_NAME = os.environ.get("DJANGO_SITE_NAME", "Contradiction Tracker")
SITE_TAGLINE = os.environ.get("DJANGO_SITE_TAGLINE", "What they said, and what the evidence says")
SITE_SEARCH_HINT = os.environ.get("DJANGO_SITE_SEARCH_HINT", "e.g. a name, a place or a phrase")
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")  # debug only

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Full-text search's text search configuration (stemming, stop words), for the queries and the
# search column alike (claims/search.py). The column is built by a migration: changing this
# needs a migration that rebuilds it (the system check claims.W001 warns until then).
SEARCH_CONFIG = os.environ.get("DJANGO_SEARCH_CONFIG", "english")

# Background work (watch/): Django's tasks API, its queue kept in PostgreSQL by django-tasks-db.
# `manage.py tasks_worker` runs the tasks and enqueues the periodic ones when due (`make run`
# and `make serve` start one; docker-compose.yml runs them as the `worker` service). A failed
# task is retried TASK_RETRIES times, waiting TASK_RETRY_SECONDS, then twice that, and so on.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TASK_RETRIES = int(os.environ.get("TASK_RETRIES", "5"))
TASK_RETRY_SECONDS = float(os.environ.get("TASK_RETRY_SECONDS", "30"))


def watch_schedule(value: str) -> list[tuple[float, float]]:
    """(story age up to, re-check every) in seconds from "1d:1h,30d:1d,*:7d"; the last: any age."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

    def seconds(text: str) -> float:
        text = text.strip().lower()
        if text == "*":
            return float("inf")
        try:
            return float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)
        except (ValueError, IndexError):
            raise ImproperlyConfigured(
                f"WATCH_SCHEDULE: “{text}” is not a duration (e.g. 90s, 15m, 1h, 2d, 1w)."
            ) from None

    steps = []
    for step in value.split(","):
        age, _, every = step.partition(":")
        if not every:
            raise ImproperlyConfigured(f"WATCH_SCHEDULE: “{step}” is not age:interval.")
        steps.append((seconds(age), seconds(every)))
    if not steps or steps[-1][0] != float("inf"):
        steps.append((float("inf"), steps[-1][1] if steps else 7 * 86400))
    return steps


# The watch: sources with an address re-fetched, more often while the story is new (its
# published date, else when it was added): hourly its first day, daily its first month, weekly
# after. Politely: one request at a time per host, conditional requests, this user agent.
WATCH_SCHEDULE = watch_schedule(os.environ.get("WATCH_SCHEDULE", "1d:1h,30d:1d,*:7d"))
WATCH_ENABLED = env_bool("WATCH_ENABLED", default=True)
WATCH_BATCH = int(os.environ.get("WATCH_BATCH", "500"))  # re-checks queued per tick at most
WATCH_TICK_SECONDS = float(os.environ.get("WATCH_TICK_SECONDS", "60"))
WATCH_USER_AGENT = os.environ.get(
    "WATCH_USER_AGENT", f"{SITE_NAME} watch (+{SITE_URL}; re-checks pages it cites)"
)
# Repeats (watch/repeats.py): a new claim, or a quotation in a new capture, by the speaker of a
# side of a published contradiction, whose words are this close to that side's (pg_trgm's
# similarity, 0..1), or that share this many of its words (full-text, 0..1) with at least the
# lower trigram bound.
REPEAT_TRIGRAM_MIN = float(os.environ.get("REPEAT_TRIGRAM_MIN", "0.5"))
REPEAT_WORDS_MIN = float(os.environ.get("REPEAT_WORDS_MIN", "0.8"))
REPEAT_WORDS_TRIGRAM_MIN = float(os.environ.get("REPEAT_WORDS_TRIGRAM_MIN", "0.25"))

# Email (alerts to a case's followers): SMTP on a production server; printed to the console
# when debugging without EMAIL_HOST. With EMAIL_HOST, a relay: port 587 with STARTTLS (and
# EMAIL_HOST_USER / EMAIL_HOST_PASSWORD if it wants a login). Without it, the machine's own mail
# server (Postfix, Exim): localhost, port 25, no TLS, as a local MTA listens. EMAIL_PORT and
# EMAIL_USE_TLS override either. An alert's email is a background task: with no mail server it
# fails, is retried, and staff see it in the task results.
_EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _EMAIL_HOST or "localhost",
            "port": int(os.environ.get("EMAIL_PORT", "587" if _EMAIL_HOST else "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=bool(_EMAIL_HOST)),
        },
    }
    if _EMAIL_HOST or not DEBUG
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} desk <desk@localhost>")
