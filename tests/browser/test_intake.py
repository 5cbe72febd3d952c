"""Source intake in a real browser (issue 8): a reporter adds a source by uploading a PDF on
the admin's add page; an unreadable file is refused on the form, in words, and nothing is
saved. The page has no console error, CSP violation or failed request."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, format_violations, watch_for_problems
from tests.intake_server import REPORT_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "a-long-test-password-1"
ADD = "/admin/sources/source/add/"


@pytest.fixture(scope="module")
def reporter(site, django_db_blocker):
    """A reporter, committed so the live server sees them; their sources go with them."""
    from django.apps import apps
    from django.contrib.auth.models import Group, User

    from claims.roles import ensure_roles
    from sources.models import Source

    with django_db_blocker.unblock():
        ensure_roles(apps)
        person = User.objects.create_user("intake-reporter", password=PASSWORD, is_staff=True)
        person.groups.add(Group.objects.get(name="Reporter"))
        before = set(Source.objects.values_list("pk", flat=True))
    yield person
    with django_db_blocker.unblock():
        Source.objects.exclude(pk__in=before).delete()
        person.delete()


def _real(problems: list[str]) -> list[str]:
    """The admin's pages link no favicon: Chromium's own request for one answers 404 and is
    logged to the console without being the page's request (no "HTTP 404" entry with it)."""
    return [p for p in problems if not p.startswith("console.error: Failed to load resource")]


def _log_in(new_page, **options):
    page = new_page(viewport={"width": 1200, "height": 900}, **options)
    problems = watch_for_problems(page)
    page.goto(f"/admin/login/?next={ADD}")
    page.get_by_label("Username").fill("intake-reporter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(ADD) + "$"))
    return page, problems


def test_a_reporter_adds_a_source_by_uploading_a_pdf(new_page, reporter, django_db_blocker):
    from sources.models import Source

    page, problems = _log_in(new_page)
    page.get_by_label("Upload a file").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": REPORT_PDF}
    )
    page.get_by_label("Kind").select_option("report")
    page.get_by_role("button", name="Save", exact=True).click()
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("Text taken from the file report.pdf (application/pdf)")
    expect(messages).to_contain_text("Filled in from it: title, author. Check them.")
    with django_db_blocker.unblock():
        source = Source.objects.get(slug="forensic-report")
    assert (source.title, source.author, source.kind) == (
        "Forensic report",
        "Example Laboratory",
        "report",
    )
    assert "The revolver would not fire without the trigger pulled." in source.text
    assert source.sha256 == Source.digest(source.text) and source.captured_at
    assert _real(problems) == []


def test_an_unreadable_file_is_refused_on_the_form(new_page, reporter, django_db_blocker):
    from sources.models import Source

    with django_db_blocker.unblock():
        count = Source.objects.count()
    page, problems = _log_in(new_page)
    page.get_by_label("Title").fill("Noise")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "noise.txt", "mimeType": "text/plain", "buffer": bytes(range(256)) * 4}
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text(
        "The text is not UTF-8 and no character encoding reads it as text"
    )
    with django_db_blocker.unblock():
        assert Source.objects.count() == count
    assert _real(problems) == []


def _intake_violations(page, axe_script) -> list[dict]:
    """axe-core's serious and critical findings on the intake's own fields and the error
    note. (The page as a whole: the outlet's empty Select2 box has no name, not ours.)"""
    fields = [".field-text", ".field-upload", ".field-upload_encoding", ".field-fetch_url"]
    include = [[selector] for selector in [*fields, ".field-title"]]
    return axe_violations(page, axe_script, json.dumps({"include": include}))


def test_the_intake_fields_and_their_errors_are_accessible(new_page, reporter, axe_script):
    page, _problems = _log_in(new_page, bypass_csp=True)  # axe-core is injected
    assert _intake_violations(page, axe_script) == []
    page.get_by_label("Fetch from the web").fill("http://127.0.0.1:9/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("is a private or loopback address")
    violations = _intake_violations(page, axe_script)
    assert violations == [], format_violations(violations)
