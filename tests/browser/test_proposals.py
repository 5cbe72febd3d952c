"""A reporter's change to a published claim, in a browser (issue 17): the change page says the
public reads it, saving sends a proposed revision, the public page is unchanged, the history
offers no revert; the editor opens the revision, sees what changes and accepts it; the public
page then shows it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_workflow import PASSWORD, VIEWPORT, _log_in, _messages, _roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SAID = "The harbour wall will be repaired before the winter storms."
SUMMARY = "The harbour wall repaired before winter"


@pytest.fixture(scope="module")
def published(site, django_db_blocker):
    from django.contrib.auth.models import User

    from claims.models import Citation, Claim, Revision
    from tests.factories import make_claim, make_source, make_speaker

    with django_db_blocker.unblock():
        source = make_source(
            slug="pr-harbour-news", title="Harbour News", text=f"The mayor said: {SAID}"
        )
        speaker = make_speaker(slug="pr-mayor", name="Mayor Pat Example")
        claim = make_claim(slug="pr-harbour-wall", speaker=speaker, text=SAID, cite=source)
        reporter_group, editor_group = _roles()
        reporter = User.objects.create_user("pr-reporter", password=PASSWORD, is_staff=True)
        reporter.groups.add(reporter_group)
        editor = User.objects.create_user("pr-editor", password=PASSWORD, is_staff=True)
        editor.groups.add(editor_group)
    yield claim
    with django_db_blocker.unblock():
        Revision.objects.filter(object_id=claim.pk).delete()
        Citation.objects.filter(claim=claim).delete()
        Claim.objects.filter(pk=claim.pk).delete()
        speaker.delete()
        source.delete()
        User.objects.filter(pk__in=[reporter.pk, editor.pk]).delete()


def test_a_reporters_change_waits_for_an_editor(new_page, published):
    change = f"/admin/claims/claim/{published.pk}/change/"
    public_url = f"/claims/{published.slug}/"

    reporter = _log_in(new_page, "pr-reporter")
    reporter.goto(change)
    expect(reporter.locator(".proposal-notice")).to_contain_text("The public reads this")
    reporter.locator("input[name=summary]").fill(SUMMARY)
    reporter.locator("input[name=_save]").click()
    expect(_messages(reporter)).to_contain_text("proposed revision")
    expect(reporter.locator(".pending-revisions")).to_contain_text("Revision")

    # the history is read-only to a reporter: no Revert button on an old version
    reporter.goto(f"/admin/claims/claim/{published.pk}/history/")
    reporter.locator("#change-history a").first.click()
    expect(reporter.locator("body")).to_contain_text("only an editor reverts")
    expect(reporter.locator("input[value=Revert]")).to_have_count(0)
    reporter.context.close()

    reader = new_page(viewport=VIEWPORT)
    reader.goto(public_url)
    expect(reader.locator("main")).to_be_visible()
    expect(reader.locator("main")).not_to_contain_text(SUMMARY)

    editor = _log_in(new_page, "pr-editor")
    editor.goto(change)
    editor.locator(".pending-revisions a").first.click()
    expect(editor.locator("#revision-changes")).to_contain_text(SUMMARY)
    editor.get_by_role("button", name=re.compile("Accept")).click()
    expect(_messages(editor)).to_contain_text("accepted")
    editor.context.close()

    reader.context.close()  # its browser may keep the page a minute (max-age): a new reader
    reader = new_page(viewport=VIEWPORT)
    reader.goto(public_url)
    expect(reader.locator("main")).to_contain_text(SUMMARY)  # "In short"
