"""Login throttling that a guesser cannot talk their way around, and passwords a guesser would
try first.

The address failed logins are counted by is the peer's (REMOTE_ADDR); an X-Forwarded-For
header is read only when the peer is one of ``DJANGO_TRUSTED_PROXIES`` (none by default), and
then the right-most entry that is not itself a trusted proxy is the client. A malformed
forwarded value is ignored, never a 500. A good login clears at most the failures of that
user name from that address, never another account's. Passwords made of one repeated unit, or
containing or like the site's name, are refused (the admin and ``add_newsroom_user`` alike)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory

from rust_tracker import accounts

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-editor-password"
REPORTER_PASSWORD = "the-reporters-own-password"
PROXY = "10.0.0.2"


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.fixture
def reporter(db):
    return User.objects.create_user("reporter", password=REPORTER_PASSWORD, is_staff=True)


@pytest.fixture
def make_serve(settings):
    """`make serve` as it is: the proxy switch on, gunicorn reachable directly, no proxy named."""
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = []
    return settings


@pytest.fixture
def behind_proxy(settings):
    """A deployment behind a proxy on the private network (it adds the peer's address)."""
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    return settings


def log_in(client: Client, username: str, password: str, forwarded: str | None = None):
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    client.get(LOGIN, **extra)  # the form, as a browser loads it first
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


# 1. A forged X-Forwarded-For neither buys guesses nor names an address to lock out.


def test_a_new_forwarded_address_per_try_buys_no_more_guesses(editor, make_serve):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(1, 5):
        response = log_in(client, "editor", f"wrong {attempt}", forwarded=f"192.0.2.{attempt}")
        assert response.status_code == 200
    assert log_in(client, "editor", "wrong 5", forwarded="192.0.2.5").status_code == 429
    assert log_in(client, "editor", PASSWORD, forwarded="192.0.2.6").status_code == 429
    assert not signed_in(client)


def test_a_forwarded_address_cannot_lock_out_the_address_it_names(editor, make_serve):
    attacker = Client(REMOTE_ADDR="198.51.100.9")
    for attempt in range(1, 7):
        log_in(attacker, "editor", f"wrong {attempt}", forwarded="203.0.113.50")
    victim = Client(REMOTE_ADDR="203.0.113.50")
    assert log_in(victim, "editor", PASSWORD).status_code == 302
    assert signed_in(victim)


def test_behind_a_trusted_proxy_the_address_it_added_is_counted(editor, behind_proxy):
    client = Client(REMOTE_ADDR=PROXY)
    # The client varies what it sends; the proxy appends the address it saw, 203.0.113.7.
    for attempt in range(1, 5):
        forwarded = f"192.0.2.{attempt}, 203.0.113.7"
        assert log_in(client, "editor", f"wrong {attempt}", forwarded).status_code == 200
    assert log_in(client, "editor", "wrong 5", "192.0.2.5, 203.0.113.7").status_code == 429
    assert log_in(client, "editor", PASSWORD, "203.0.113.7").status_code == 429
    # Another client behind the same proxy is not locked out.
    other = Client(REMOTE_ADDR=PROXY)
    assert log_in(other, "editor", PASSWORD, "198.51.100.2").status_code == 302
    assert signed_in(other)


def test_a_peer_that_is_not_a_trusted_proxy_is_counted_whatever_it_forwards(editor, behind_proxy):
    client = Client(REMOTE_ADDR="198.51.100.9")  # not in 10.0.0.0/8: straight to gunicorn
    for attempt in range(1, 5):
        log_in(client, "editor", f"wrong {attempt}", forwarded=f"203.0.113.{attempt}")
    assert log_in(client, "editor", "wrong 5", forwarded="203.0.113.5").status_code == 429
    assert log_in(client, "editor", PASSWORD, forwarded="203.0.113.6").status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        # No proxy named (the default): the header is never read.
        ("203.0.113.7", "192.0.2.1", [], "203.0.113.7"),
        ("10.0.0.2", "192.0.2.1", [], "10.0.0.2"),
        # From a trusted proxy: the right-most entry that is not a trusted proxy.
        ("10.0.0.2", "192.0.2.1", ["10.0.0.0/8"], "192.0.2.1"),
        ("10.0.0.2", "forged, 192.0.2.1", ["10.0.0.0/8"], "192.0.2.1"),
        ("10.0.0.2", "198.51.100.1, 192.0.2.1, 10.1.2.3", ["10.0.0.0/8"], "192.0.2.1"),
        (
            "10.0.0.2",
            "192.0.2.1,10.1.2.3,10.0.0.9",
            ["10.0.0.2", "10.1.2.3", "10.0.0.9"],
            "192.0.2.1",
        ),
        ("10.0.0.2", "10.0.0.7, 10.0.0.8", ["10.0.0.0/8"], "10.0.0.7"),  # all proxies
        ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),  # nothing forwarded
        ("10.0.0.2", "192.0.2.1", ["10.0.0.3"], "10.0.0.2"),  # another proxy named
        ("203.0.113.7", "192.0.2.1", ["10.0.0.0/8"], "203.0.113.7"),  # a peer not named
        ("fd00::2", "2001:db8::7", ["fd00::/8"], "2001:db8::7"),
        ("::ffff:10.0.0.2", "192.0.2.1", ["10.0.0.0/8"], "192.0.2.1"),  # mapped IPv4 peer
        ("10.0.0.2", "::ffff:192.0.2.1", ["10.0.0.0/8"], "192.0.2.1"),
        ("10.0.0.2", "2001:DB8:0::7", ["10.0.0.0/8"], "2001:db8::7"),  # one spelling
    ],
)
def test_client_ip(settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert accounts.client_ip(request) == expected


@pytest.mark.parametrize("bad", ["10.0.0.300", "proxy.internal", "10.0.0.0/33", "10.0.0.1/8"])
def test_a_misspelt_trusted_proxy_is_refused_by_name(bad):
    with pytest.raises(ImproperlyConfigured, match=f"DJANGO_TRUSTED_PROXIES: .{re.escape(bad)}."):
        accounts.trusted_proxies([bad])


ROOT = Path(__file__).resolve().parents[2]
SETUP = (
    "import django; django.setup(); "
    "from django.conf import settings; print(settings.TRUSTED_PROXIES)"
)


def start_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    """django.setup() with production settings and ``env``, no `.env` and no other setting."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    production = {
        "DJANGO_ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "rust_tracker.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
        "DJANGO_SITE_URL": "https://tracker.example.org",
        "DJANGO_BEHIND_TLS_PROXY": "true",
    }
    return subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=ROOT,
        env={**base, **production, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("value", "printed"),
    [(None, "[]"), ("", "[]"), ("10.0.0.0/8, 192.0.2.7", "['10.0.0.0/8', '192.0.2.7']")],
)
def test_the_trusted_proxies_come_from_the_environment(value, printed):
    result = start_in_subprocess({} if value is None else {"DJANGO_TRUSTED_PROXIES": value})
    assert result.stdout.strip() == printed, result.stderr


def test_a_misspelt_trusted_proxy_in_the_environment_stops_the_start():
    result = start_in_subprocess({"DJANGO_TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "proxy.internal" in result.stderr


# 2. A malformed X-Forwarded-For is ignored (the peer's address counts), never a 500.

MALFORMED = [
    "unknown",
    "garbage",
    "",
    ",",
    " , ,",
    "[::1",
    "1.2.3.4.5",
    "999.1.1.1",
    "1.2.3.4:http",
    "1.2.3.4:99999",
    "1.2.3.4:" + "9" * 5000,  # longer than int() reads
    "fe80::1%eth0",  # a scope: PostgreSQL's inet has none
    "192.0.2.1, unknown",
    "192.0.2.1,,",
    "\x00",
    "x" * 2000,
]


@pytest.mark.parametrize("forwarded", [*MALFORMED, "1.2.3.4:80", "[::1]", "[2001:db8::1]:443"])
@pytest.mark.parametrize("configuration", ["make_serve", "behind_proxy"])
def test_a_malformed_forwarded_address_never_answers_500(editor, forwarded, configuration, request):
    request.getfixturevalue(configuration)
    client = Client(REMOTE_ADDR=PROXY, raise_request_exception=False)
    assert client.get(LOGIN, HTTP_X_FORWARDED_FOR=forwarded).status_code == 200
    response = log_in(client, "editor", "wrong", forwarded=forwarded)
    assert response.status_code == 200, response.status_code
    assert "Please enter the correct username and password" in response.text
    response = log_in(client, "editor", PASSWORD, forwarded=forwarded)
    assert response.status_code == 302 and signed_in(client)


@pytest.mark.parametrize("forwarded", MALFORMED)
def test_a_malformed_forwarded_address_counts_as_the_peers(behind_proxy, forwarded):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert accounts.client_ip(request) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("1.2.3.4:80", "1.2.3.4"),
        ("[::1]", "::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        (" 192.0.2.1 ", "192.0.2.1"),
    ],
)
def test_an_address_with_a_port_or_brackets_is_read(behind_proxy, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert accounts.client_ip(request) == expected


def test_guesses_with_malformed_forwarded_values_all_count_against_the_peer(editor, behind_proxy):
    client = Client(REMOTE_ADDR=PROXY, raise_request_exception=False)
    for forwarded in ("unknown", "garbage", "", "999.1.1.1"):
        assert log_in(client, "editor", "wrong", forwarded).status_code == 200
    assert log_in(client, "editor", "wrong", "1.2.3.4.5").status_code == 429


# 3. A good login clears no other account's failures.


def test_a_good_login_to_another_account_does_not_wipe_the_guesses(editor, reporter):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(1, 5):
        assert log_in(client, "editor", f"wrong {attempt}").status_code == 200
    guesser = Client(REMOTE_ADDR="203.0.113.7")  # the guesser's own account, same address
    assert log_in(guesser, "reporter", REPORTER_PASSWORD).status_code == 302
    assert log_in(client, "editor", "wrong 5").status_code == 429
    assert log_in(client, "editor", PASSWORD).status_code == 429
    assert not signed_in(client)


def test_guessing_never_restarts_by_logging_in_between(editor, reporter):
    client = Client(REMOTE_ADDR="203.0.113.7")
    guesses = 0
    for _round in range(3):
        for _ in range(2):
            if log_in(client, "editor", f"wrong {guesses}").status_code == 429:
                break
            guesses += 1
        Client(REMOTE_ADDR="203.0.113.7").post(
            LOGIN, {"username": "reporter", "password": REPORTER_PASSWORD, "next": "/admin/"}
        )
    assert guesses < 5


def test_a_good_login_clears_at_most_its_own_failures_from_that_address(editor, reporter):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(1, 4):
        log_in(client, "editor", f"typo {attempt}")
    assert log_in(client, "editor", PASSWORD).status_code == 302  # the editor's own typos
    other = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(1, 5):  # 4 more from the address: not locked (3 were the editor's)
        assert log_in(other, "reporter", f"typo {attempt}").status_code == 200
    assert log_in(other, "reporter", "typo 5").status_code == 429


# 4. Passwords a guesser tries first.

REPEATED = [
    "aaaaaaaaaaaa",
    "passwordpassword",
    "abcabcabcabc",
    "PasswordPASSWORD",
    "abcabcabcab",  # the unit's start at the end
    "1212121212121",
    "!@!@!@!@!@!@",
    "passwordpassword1",
    "2024aaaaaaaaaaaa!",
]


@pytest.mark.parametrize("password", REPEATED)
def test_a_password_of_one_repeated_unit_is_refused(password):
    with pytest.raises(ValidationError, match="repeat"):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "contradiction-2024",
        "Contradiction Tracker",
        "my-tracker-password",
        "TRACKER#secure#2024",
        "Contradicton Trakcer",  # similar
        "ContradictionTracker1",
    ],
)
def test_a_password_with_the_sites_name_is_refused(password):
    with pytest.raises(ValidationError, match="site"):
        validate_password(password)


@pytest.mark.parametrize(
    "password", ["rusttracker2024!", "Rust-Tracker-Newsroom", "i-like-rust-a-lot", "trusty-rust-1"]
)
def test_a_password_with_the_configured_sites_name_is_refused(settings, password):
    settings.SITE_NAME = "Rust Tracker"
    with pytest.raises(ValidationError, match="site"):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "Tr1gger-cold-gun",
        PASSWORD,
        "first-password-1",  # tests/claims/test_publishing.py
        "correct horse battery staple",
        "7fKq_2mZx-9LpW3vRt0Y",
        "abcdefghijkl-mn",
    ],
)
def test_ordinary_long_passwords_still_pass(password):
    validate_password(password)


def test_a_short_site_name_is_not_looked_for(settings):
    settings.SITE_NAME = "RT"  # in too many passwords to refuse them all
    validate_password("short-rt-is-fine-2024")


@pytest.mark.parametrize("password", ["passwordpassword", "aaaaaaaaaaaa", "tracker-tracker-pw"])
def test_add_newsroom_user_refuses_them_too(password):
    with pytest.raises(CommandError, match="Password refused"):
        call_command("add_newsroom_user", "ana", "--role", "reporter", "--password", password)
    assert not User.objects.filter(username="ana").exists()


def test_the_admin_password_form_refuses_them(editor):
    client = Client()
    assert log_in(client, "editor", PASSWORD).status_code == 302
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "passwordpassword",
            "new_password2": "passwordpassword",
        },
    )
    assert response.status_code == 200
    assert "repeat" in response.text
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
