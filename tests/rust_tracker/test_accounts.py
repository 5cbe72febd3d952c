"""Accounts: the admin login locks out after 5 failures (by user and address, and by address)
for 15 minutes, passwords are 12 characters or more, staff sessions last 8 hours."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-editor-password"


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True)


def log_in(client: Client, username: str, password: str):
    client.get(LOGIN)  # the form, as a browser loads it first
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_five_wrong_passwords_lock_the_account_out_from_that_address_for_15_minutes(editor):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for attempt in range(1, 5):
        response = log_in(client, "editor", f"wrong password {attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    response = log_in(client, "editor", "wrong password 5")
    assert response.status_code == 429
    response = log_in(client, "editor", PASSWORD)  # the right one, now refused
    assert response.status_code == 429
    page = re.sub(r"\s+", " ", response.text)
    assert "Too many failed logins" in page
    assert "Login refused: 5 failed attempts for <strong>editor</strong> from this address." in page
    assert "Try again in 15 minutes" in page
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "style=" not in response.text and "<script>" not in response.text
    assert not signed_in(client)

    # Another address is not locked out of this account: a guesser cannot lock an editor out.
    elsewhere = Client(REMOTE_ADDR="198.51.100.2")
    assert log_in(elsewhere, "editor", PASSWORD).status_code == 302
    assert signed_in(elsewhere)

    # 15 minutes later (the attempts' clock moved back) the right password is accepted.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)
    # The failures had expired; a success also clears its own account's from its address
    # (and no other account's: tests/rust_tracker/test_lockout.py).
    assert not AccessAttempt.objects.exists()


def test_five_failures_under_different_names_lock_out_the_address(editor):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for name in ("ana", "ed", "root", "admin", "chief"):
        log_in(client, name, "guess-guess-guess")
    assert log_in(client, "editor", PASSWORD).status_code == 429
    assert not signed_in(client)


def test_passwords_need_12_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr1gger-col")  # 11
    validate_password("Tr1gger-cold-gun")


def test_add_newsroom_user_refuses_a_short_password_and_its_own_works_at_the_login_form():
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("add_newsroom_user", "ana", "--role", "reporter", "--password", "short-pw1")
    assert not User.objects.filter(username="ana").exists()  # nothing half made
    out = StringIO()
    call_command("add_newsroom_user", "ana", "--role", "reporter", stdout=out)
    password = out.getvalue().strip().rsplit("password: ", 1)[1]
    assert len(password) >= 12
    client = Client()
    assert log_in(client, "ana", password).status_code == 302
    assert signed_in(client)


STAFF_HOURS = 8 * 3600


def test_a_staff_login_lasts_8_hours_from_the_login(editor):
    client = Client()
    response = log_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert STAFF_HOURS - 60 <= client.session.get_expiry_age() <= STAFF_HOURS
    assert STAFF_HOURS - 60 <= response.cookies["sessionid"]["max-age"] <= STAFF_HOURS
    assert client.session.get_expire_at_browser_close() is False


def test_a_staff_session_made_by_force_login_is_as_short(editor, settings):
    client = Client()
    client.force_login(editor)
    assert STAFF_HOURS - 60 <= client.session.get_expiry_age() <= STAFF_HOURS
    assert signed_in(client)
    assert settings.SESSION_COOKIE_AGE > STAFF_HOURS  # Django's two weeks for the rest


def test_public_pages_start_no_session():
    response = Client().get("/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
