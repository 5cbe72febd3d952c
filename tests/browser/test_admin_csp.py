"""The admin under the site's strict Content-Security-Policy (nonces, no 'unsafe-inline'): no
page of the newsroom's admin, django-simple-history's included, has an inline style or script
that the browser blocks silently. A superuser signed in by a session cookie walks the index, a
change list, change and add forms, the history list and a historical version, a workflow step,
the login page and the locked-out page, and every CSP violation event is reported."""

import pytest

from tests.browser.conftest import (
    CLAIM,
    CONTRADICTION,
    SOURCE,
    forget_failed_logins,
    watch_for_problems,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def admin_paths(site, django_db_blocker):
    from claims.models import Claim, Contradiction
    from sources.models import Source

    with django_db_blocker.unblock():
        claim = Claim.objects.get(slug=CLAIM)
        draft = Claim.objects.filter(status="draft").first()
        pair = Contradiction.objects.get(slug=CONTRADICTION)
        source = Source.objects.get(slug=SOURCE)
        version = claim.history.order_by("history_id").first()
    return {
        "index": "/admin/",
        "change-list": "/admin/claims/claim/",
        "change-list-filtered": "/admin/claims/claim/?status__exact=draft&q=gun",
        "change-form": f"/admin/claims/claim/{claim.pk}/change/",
        "add-form": "/admin/claims/contradiction/add/",
        "source-form": f"/admin/sources/source/{source.pk}/change/",
        "history": f"/admin/claims/claim/{claim.pk}/history/",
        "historical-version": f"/admin/claims/claim/{claim.pk}/history/{version.history_id}/",
        "workflow-publish": f"/admin/claims/claim/{draft.pk}/workflow/publish/",
        "workflow-retract": f"/admin/claims/contradiction/{pair.pk}/workflow/retract/",
        "users": "/admin/auth/user/",
    }


@pytest.fixture(scope="module")
def session_cookie(site, django_db_blocker):
    """A superuser's session, made as Django's test client makes one (force_login)."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    with django_db_blocker.unblock():
        user, _ = User.objects.get_or_create(
            username="csp-chief", defaults={"is_staff": True, "is_superuser": True}
        )
        client = Client()
        client.force_login(user)
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": site.url}


PAGES = [
    "index",
    "change-list",
    "change-list-filtered",
    "change-form",
    "add-form",
    "source-form",
    "history",
    "historical-version",
    "workflow-publish",
    "workflow-retract",
    "users",
]


def assert_strict(response, path):
    assert response is not None and response.status == 200, path
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self' 'nonce-" in csp, f"no strict CSP on {path}: {csp!r}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.parametrize("name", PAGES)
def test_admin_page_has_no_csp_violation(new_page, admin_paths, session_cookie, name):
    page = new_page()
    page.context.add_cookies([session_cookie])
    problems = watch_for_problems(page)
    path = admin_paths[name]

    response = page.goto(path)
    page.wait_for_load_state("networkidle")

    assert_strict(response, path)
    assert page.locator("#user-tools").count() == 1, f"not signed in on {path}"
    assert not problems, f"{path}:\n" + "\n".join(problems)


def test_login_and_locked_out_pages_have_no_csp_violation(new_page, site, django_db_blocker):
    from django.contrib.auth.models import User

    with django_db_blocker.unblock():
        User.objects.get_or_create(username="csp-locked", defaults={"is_staff": True})
    page = new_page()
    problems = watch_for_problems(page)
    response = page.goto("/admin/login/")
    assert_strict(response, "/admin/login/")
    try:
        for attempt in range(5):
            page.fill("#id_username", "csp-locked")
            page.fill("#id_password", f"not the password {attempt}")
            with page.expect_navigation():
                page.click("input[type=submit]")
            if attempt < 4:
                assert page.locator(".errornote").count() == 1, "no error shown"
        page.get_by_role("alert").wait_for()
        assert "Too many failed logins" in page.locator("h1").inner_text()
        page.wait_for_load_state("networkidle")
        # the lockout's own answer, 429, is expected (and reported twice); nothing else
        expected = (
            "HTTP 429: ",
            "console.error: Failed to load resource: the server responded with a status of 429",
        )
        assert [p for p in problems if not p.startswith(expected)] == []
    finally:
        forget_failed_logins(django_db_blocker)
