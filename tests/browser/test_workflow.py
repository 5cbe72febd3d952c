"""The publishing workflow in the admin, end to end (issue 7): a reporter edits a draft
contradiction and sends it to review but cannot publish; an editor previews it, is refused
while a quote is unverified, publishes over it with a recorded reason; the public page shows
it; the editor retracts it and the public page shows the notice, the corrections list the
retraction. Saves the README's screenshots to docs/images/workflow-*.png."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, watch_for_problems

# django_db: the test database exists; the newsroom below is committed by its own fixture
# (the live server reads through its own connection) and removed when the module is done.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

IMAGES = ROOT / "docs" / "images"
VIEWPORT = {"width": 1200, "height": 800}
PASSWORD = "a-long-test-password-1"

SAID = "The new bridge will open to traffic this spring."
DENIED = "We never promised the bridge would open this spring."
EXPLANATION = "The minister promised a spring opening; the ministry says no one promised it."
OVERRIDE = "The ministry's statement was read out on air; the recording is archived."
RETRACTION = "The ministry's statement was misattributed: it was a reader's comment."


def _roles():
    """The Reporter and Editor groups (the package's fixture flushes the database; the
    post_migrate handler makes them again, and this makes sure of it)."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from claims.roles import ensure_roles

    ensure_roles(apps)
    return Group.objects.get(name="Reporter"), Group.objects.get(name="Editor")


@pytest.fixture(scope="module")
def newsroom(site, django_db_blocker):
    """A draft contradiction between two published claims, the second one's quote no longer
    in its source; a reporter and an editor. Committed, so that the live server sees it."""
    from django.contrib.auth.models import User

    from claims.models import Citation, Claim, Contradiction, Correction, Status
    from claims.verification import replace_source_text
    from tests.factories import make_claim, make_contradiction, make_source, make_speaker

    with django_db_blocker.unblock():
        # fixed names and dates: the screenshots are the README's
        source = make_source(
            slug="wf-harbour-gazette-bridge",
            title="Harbour Gazette: the bridge launch",
            published_on=dt.date(2025, 3, 4),
            text=f"At the launch the minister said: {SAID} A spokesman later said: {DENIED}",
        )
        said = make_claim(
            slug="wf-minister-bridge-opens-in-spring",
            speaker=make_speaker(slug="wf-minister", name="Minister Ada Example"),
            text=SAID,
            said_on=dt.date(2025, 3, 3),
            cite=source,
        )
        denied = make_claim(
            slug="wf-ministry-never-promised-spring",
            speaker=make_speaker(slug="wf-ministry", name="Ministry Spokesman"),
            text=DENIED,
            said_on=dt.date(2025, 3, 4),
            cite=source,
        )
        # a new snapshot of the source without B's words: B's citation is no longer verified
        replace_source_text(
            source=source,
            text=f"At the launch the minister said: {SAID}",
            captured_at=dt.datetime(2025, 3, 5, 9, 0, tzinfo=dt.UTC),  # fixed: the screenshots
        )
        citation = denied.citations.get()
        assert citation.is_verified and citation.drifted  # kept: verified in its capture
        # as a check made before captures were kept left it: its words lost, not verified
        Citation.objects.filter(pk=citation.pk).update(capture=None, verification_state="not_found")
        contradiction = make_contradiction(
            claim=said,
            counter=denied,
            slug="wf-bridge-spring-opening",
            title="The bridge's spring opening",
            status=Status.DRAFT,
        )
        reporter_group, editor_group = _roles()
        reporter = User.objects.create_user(
            "wf-reporter", password=PASSWORD, is_staff=True, email="reporter@example.org"
        )
        reporter.groups.add(reporter_group)
        editor = User.objects.create_user(
            "wf-editor", password=PASSWORD, is_staff=True, email="editor@example.org"
        )
        editor.groups.add(editor_group)
    yield {
        "contradiction": contradiction,
        "said": said,
        "denied": denied,
        "change": f"/admin/claims/contradiction/{contradiction.pk}/change/",
        "workflow": f"/admin/claims/contradiction/{contradiction.pk}/workflow/",
        "public": f"/contradictions/{contradiction.slug}/",
        "preview": f"/preview/contradictions/{contradiction.slug}/",
    }
    with django_db_blocker.unblock():
        Correction.objects.filter(contradiction=contradiction).delete()
        Contradiction.objects.filter(pk=contradiction.pk).delete()
        Citation.objects.filter(source=source).delete()
        speakers = [said.speaker, denied.speaker]
        Claim.objects.filter(pk__in=[said.pk, denied.pk]).delete()
        for speaker in speakers:
            speaker.delete()
        source.delete()
        User.objects.filter(pk__in=[reporter.pk, editor.pk]).delete()


def _screenshot(page, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"workflow-{name}.png"))


def _log_in(new_page, username: str):
    page = new_page(viewport=VIEWPORT)
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def _messages(page):
    return page.locator(".messagelist")


def _object_tools(page):
    return page.locator(".object-tools")


def test_reporter_drafts_editor_publishes_over_a_quote_then_retracts(new_page, newsroom):
    contradiction = newsroom["contradiction"]
    slug = contradiction.slug
    denied_slug = newsroom["denied"].slug

    # The reporter edits the draft and sends it to review; publishing is not theirs.
    reporter = _log_in(new_page, "wf-reporter")
    reporter.goto(newsroom["change"])
    expect(reporter.locator("#workflow-status")).to_contain_text("Status: Draft")
    reporter.locator("textarea[name=explanation]").fill(EXPLANATION)
    reporter.locator("input[name=_continue]").click()
    expect(_messages(reporter).locator(".success")).to_contain_text("was changed successfully")
    expect(reporter.locator("textarea[name=explanation]")).to_have_value(EXPLANATION)
    expect(_object_tools(reporter).get_by_role("link", name="Publish")).to_have_count(0)

    _object_tools(reporter).get_by_role("link", name="Send to review").click()
    reporter.wait_for_url(f"**{newsroom['workflow']}review/")
    reporter.locator("input[name=confirm]").click()
    reporter.wait_for_url(f"**{newsroom['change']}")
    expect(_messages(reporter)).to_contain_text(f"The contradiction '{slug}' was sent to review.")
    expect(reporter.locator("#workflow-status")).to_contain_text("Status: In review")
    tools = _object_tools(reporter)
    expect(tools.get_by_role("link", name="Send to review")).to_have_count(0)
    expect(tools.get_by_role("link", name="Publish", exact=True)).to_have_count(0)
    expect(tools.locator("a.workflow-step")).to_have_count(0)
    response = reporter.goto(f"{newsroom['workflow']}publish/")
    assert response.status == 403, f"the reporter's publish page answered {response.status}"
    # nor may the reporter take the step by posting to it
    reporter.goto(newsroom["change"])
    response = reporter.request.post(
        f"{newsroom['workflow']}publish/",
        form={
            "csrfmiddlewaretoken": reporter.locator(
                "[name=csrfmiddlewaretoken]"
            ).first.input_value(),
            "override_reason": OVERRIDE,
            "confirm": "Publish",
        },
        headers={"Referer": reporter.url},
    )
    assert response.status == 403, f"the reporter's publish post answered {response.status}"
    reporter.context.close()

    # The editor previews the draft.
    editor = _log_in(new_page, "wf-editor")
    editor.goto(newsroom["change"])
    expect(editor.locator("#publishing-review")).to_contain_text(
        f"citation 1 of '{denied_slug}' was not found in its source"
    )
    _object_tools(editor).get_by_role("link", name="View on site").click()
    editor.wait_for_url(f"**{newsroom['preview']}")
    expect(editor.locator("#draft-banner")).to_be_visible()
    expect(editor.locator("#draft-banner")).to_contain_text("DRAFT")
    expect(editor.locator("#explanation")).to_contain_text(EXPLANATION)
    expect(editor.locator("#sides")).to_contain_text(SAID)
    expect(editor.locator("#sides")).to_contain_text(DENIED)
    _screenshot(editor, "preview")

    # Nobody else sees the draft, at either address.
    public = new_page(viewport=VIEWPORT)
    assert public.goto(newsroom["preview"]).status == 404
    assert public.goto(newsroom["public"]).status == 404

    # Publishing is refused while B's quote is not in its source...
    editor.goto(newsroom["change"])
    _object_tools(editor).get_by_role("link", name="Publish", exact=True).click()
    editor.wait_for_url(f"**{newsroom['workflow']}publish/")
    missing = f"citation 1 of '{denied_slug}' was not found in its source"
    expect(editor.locator("#checks")).to_contain_text(missing)
    expect(editor.locator("#checks")).to_contain_text("since the source's text was replaced")
    expect(editor.locator("#refusal")).to_have_count(0)
    with editor.expect_navigation() as navigation:
        editor.locator("input[name=confirm]").click()
    assert navigation.value.status == 400, f"the refusal answered {navigation.value.status}"
    refusal = editor.locator("#refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Publish refused")
    expect(refusal).to_contain_text(missing)
    expect(refusal).to_contain_text("or record why it should be published all the same")
    _screenshot(editor, "refused")
    assert public.goto(newsroom["public"]).status == 404, "published although refused"

    # ...and allowed over it with a recorded reason.
    editor.get_by_label("Publish all the same, because…").fill(OVERRIDE)
    editor.locator("input[name=confirm]").click()
    editor.wait_for_url(f"**{newsroom['change']}")
    expect(_messages(editor)).to_contain_text(f"The contradiction '{slug}' was published.")
    status = editor.locator("#workflow-status")
    expect(status).to_contain_text("Status: Published")
    expect(status).to_contain_text("last published by wf-editor")
    expect(status).to_contain_text(f"Recorded reason: {OVERRIDE}")

    # The public page shows both statements, to anyone.
    problems = watch_for_problems(public)
    response = public.goto(newsroom["public"])
    assert response.status == 200, f"the published page answered {response.status}"
    expect(public.locator("#draft-banner")).to_have_count(0)
    expect(public.locator("#sides .statement")).to_have_count(2)
    expect(public.locator("#sides")).to_contain_text(SAID)
    expect(public.locator("#sides")).to_contain_text(DENIED)
    expect(public.locator("#explanation")).to_contain_text(EXPLANATION)
    expect(public.locator("#retraction")).to_have_count(0)
    assert not problems, "\n".join(problems)

    # The editor retracts it: a reason is required, and shown to readers.
    _object_tools(editor).get_by_role("link", name="Retract").click()
    editor.wait_for_url(f"**{newsroom['workflow']}retract/")
    with editor.expect_navigation() as navigation:
        editor.locator("input[name=confirm]").click()
    assert navigation.value.status == 400, (
        f"a retraction without reason answered {navigation.value.status}"
    )
    expect(editor.locator("#refusal")).to_contain_text("say why it is retracted")
    editor.get_by_label("Why it is retracted").fill(RETRACTION)
    editor.locator("input[name=confirm]").click()
    editor.wait_for_url(f"**{newsroom['change']}")
    expect(_messages(editor)).to_contain_text(f"The contradiction '{slug}' was retracted.")
    expect(editor.locator("#workflow-status")).to_contain_text("Status: Retracted")
    expect(editor.locator("#workflow-status")).to_contain_text(RETRACTION)
    expect(_object_tools(editor).locator("a.workflow-step")).to_have_count(0)

    # The public page keeps its address, with the notice. The reader's browser may keep
    # the published copy for a minute (Cache-Control max-age); reloading asks the server,
    # whose ETag moved with the retraction.
    assert public.url.endswith(newsroom["public"])
    response = public.reload()
    assert response.status == 200, f"the retracted page answered {response.status}"
    notice = public.locator("#retraction")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Retracted")
    expect(notice.locator(".retraction-reason")).to_contain_text(RETRACTION)
    expect(public.locator("#comparison")).to_have_class(re.compile(r"\bis-retracted\b"))
    expect(public.locator("#download-json")).to_have_count(0)
    _screenshot(public, "retracted")
    assert not problems, "\n".join(problems)

    # ...and the corrections list the retraction.
    public.goto("/corrections/")
    listed = public.locator(f"#correction-{slug}-retraction")
    expect(listed).to_contain_text("Retraction")
    expect(listed).to_contain_text(RETRACTION)
    expect(listed.get_by_role("link", name=contradiction.title)).to_have_attribute(
        "href", newsroom["public"]
    )
    assert not problems, "\n".join(problems)
