"""The rules on every admin path: actions, change-form posts, workflow URLs, history reverts;
edit conflicts; drift surfaced and restored; previews; corrections."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Citation, Claim, Contradiction, Status
from claims.verification import verify_citation
from tests.factories import make_claim, make_contradiction, make_source
from tests.helpers import (
    TEXT,
    change_url,
    form_data,
    history_url,
    signed_in,
    step_url,
    text,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter():
    return signed_in("Reporter")


@pytest.fixture
def editor():
    return signed_in("Editor")


@pytest.fixture
def source():
    return make_source(text=TEXT)


@pytest.fixture
def unverified(source):
    """A draft quote whose words are not in its source."""
    claim = make_claim(slug="chief-says-plant-sound", text="The plant is sound.", status="draft")
    verify_citation(
        citation=Citation.objects.create(claim=claim, source=source, quote="The plant is sound.")
    )
    return claim


# --- a reporter cannot publish, by any path --------------------------------------------------


def test_reporter_cannot_publish_by_action(reporter, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.REVIEW)
    changelist = reverse("admin:claims_claim_changelist")
    assert "publish_selected" not in text(reporter.get(changelist))
    response = reporter.post(
        changelist, {"action": "publish_selected", "_selected_action": [claim.pk]}
    )
    assert response.status_code in (200, 302)
    claim.refresh_from_db()
    assert claim.status == Status.REVIEW


def test_reporter_cannot_publish_by_change_form_post(reporter, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.DRAFT)
    page = reporter.get(change_url(claim))
    assert page.status_code == 200
    assert ">Publish<" not in text(page) and ">Send to review<" in text(page)
    data = {**form_data(page), "status": "published", "published_by": "1"}
    response = reporter.post(change_url(claim), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.DRAFT


def test_reporter_cannot_publish_by_url(reporter, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.REVIEW)
    for step in ("publish", "unpublish", "retract"):
        assert reporter.get(step_url(claim, step)).status_code == 403
        assert reporter.post(step_url(claim, step), {"reason": "x"}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == Status.REVIEW


def test_reporter_sends_to_review_and_only_proposes_once_published(reporter, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.DRAFT)
    response = reporter.post(step_url(claim, "review"), {"version": claim.version})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Status.REVIEW
    published = make_claim(text="The plant is safe.", cite=source)
    page = reporter.get(change_url(published))
    assert "proposed revision" in text(page)  # the form is a proposal (tests/test_guard.py)
    reporter.post(change_url(published), {**form_data(page), "text": "Changed."})
    published.refresh_from_db()
    assert published.text == "The plant is safe."


# --- an editor publishes, refused in words until the rules hold ---------------------------


def test_editor_is_refused_on_the_page_then_overrides_with_a_reason(editor, unverified):
    page = editor.get(step_url(unverified, "publish"))
    assert "citation 1 of 'chief-says-plant-sound' was not found in its source" in text(page)
    response = editor.post(step_url(unverified, "publish"), {"version": unverified.version})
    assert response.status_code == 400
    assert "Publish refused" in text(response)
    assert "was not found in its source" in text(response)
    unverified.refresh_from_db()
    assert unverified.status == Status.DRAFT
    response = editor.post(
        step_url(unverified, "publish"),
        {"version": unverified.version, "override_reason": "Heard on the recording."},
    )
    assert response.status_code == 302
    unverified.refresh_from_db()
    assert (unverified.status, unverified.override_reason) == (
        "published",
        "Heard on the recording.",
    )
    assert unverified.published_by.username == "editor"


def test_editor_bulk_publish_names_each_refusal(editor, source, unverified):
    good = make_claim(slug="safe", text="The plant is safe.", cite=source, status=Status.REVIEW)
    response = editor.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "publish_selected", "_selected_action": [good.pk, unverified.pk]},
        follow=True,
    )
    page = text(response)
    assert "done for safe" in page
    assert "refused for 'chief-says-plant-sound'" in page
    assert Claim.objects.get(pk=good.pk).status == Status.PUBLISHED
    assert Claim.objects.get(pk=unverified.pk).status == Status.DRAFT


def test_same_claim_on_both_sides_is_a_form_error_in_words(editor, source):
    claim = make_claim(text="The plant is safe.", cite=source)
    response = editor.post(
        reverse("admin:claims_contradiction_add"),
        {
            "slug": "self",
            "title": "Self",
            "claim": claim.pk,
            "counter": claim.pk,
            "relation": "contradicts",
            "explanation": "x",
        },
    )
    assert response.status_code == 200
    assert "A statement cannot contradict itself" in text(response)
    assert "contradiction_not_self" not in text(response)
    assert not Contradiction.objects.exists()


# --- edits that never overwrite ---------------------------------------------------------------


def test_the_second_of_two_saves_from_the_same_form_is_refused(source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.DRAFT)
    alice, bob = signed_in("Reporter", "alice"), signed_in("Reporter", "bob")
    alice_form, bob_form = (
        form_data(alice.get(change_url(claim))),
        form_data(bob.get(change_url(claim))),
    )
    response = alice.post(change_url(claim), {**alice_form, "summary": "Alice's summary"})
    assert response.status_code == 302
    response = bob.post(change_url(claim), {**bob_form, "summary": "Bob's summary"})
    assert response.status_code == 200
    page = text(response)
    assert "alice saved the claim" in page
    assert "Alice's summary" in page  # what the other person changed
    claim.refresh_from_db()
    assert claim.summary == "Alice's summary"
    # saving the same stale form again stays refused
    response = bob.post(change_url(claim), {**bob_form, "summary": "Bob's summary"})
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).summary == "Alice's summary"


def test_a_workflow_step_on_a_stale_page_is_refused(editor, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.REVIEW)
    shown = claim.version
    claim.summary = "changed"
    claim.save()
    response = editor.post(step_url(claim, "publish"), {"version": shown})
    assert response.status_code == 400
    assert "after you opened it" in text(response)
    assert Claim.objects.get(pk=claim.pk).status == Status.REVIEW


# --- history: who, when, what; a revert keeps the status ----------------------------------


def test_history_shows_who_and_the_field_diff_and_a_revert_keeps_the_status(editor, source):
    claim = make_claim(text="The plant is safe.", cite=source, status=Status.DRAFT)
    page = form_data(editor.get(change_url(claim)))
    editor.post(change_url(claim), {**page, "summary": "First summary"})
    editor.post(step_url(claim, "publish"), {"version": Claim.objects.get(pk=claim.pk).version})
    history = text(editor.get(history_url(claim)))
    assert "editor" in history and "First summary" in history and "Summary" in history
    first = claim.history.order_by("history_date").first()
    revert_url = history_url(claim, first)
    revert = editor.get(revert_url)
    assert revert.status_code == 200
    response = editor.post(revert_url, form_data(revert))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.summary, claim.status) == ("", Status.PUBLISHED)


# --- drift surfaced and restored --------------------------------------------------------------


def test_replacing_a_source_text_names_drifted_citations_and_restoring_it_restores_them(
    editor, source
):
    claim = make_claim(slug="safe", text="The plant is safe.", cite=source)
    pair = make_contradiction(slug="the-pair", claim=claim, counter=make_claim(cite=None))
    url = reverse("admin:sources_source_change", args=[source.pk])
    page = form_data(editor.get(url))
    response = editor.post(url, {**page, "text": "The agency declined to comment."}, follow=True)
    body = text(response)
    assert "1 citation(s) are not in the new text" in body
    assert "'safe'" in body
    assert "Published items affected: claim 'safe', contradiction 'the-pair'" in (body)
    citation = claim.citations.get()
    # verified in the capture it was checked in, marked changed since
    assert (citation.verification_state, citation.drifted) == ("verbatim", True)
    drifted = text(editor.get(reverse("admin:sources_source_changelist") + "?drifted=yes"))
    assert source.title in drifted
    assert "the page has since changed" in text(editor.get(pair.get_absolute_url()))
    response = editor.post(url, {**form_data(editor.get(url)), "text": TEXT})
    assert response.status_code == 302
    citation.refresh_from_db()
    assert (citation.verification_state, citation.drifted) == ("verbatim", False)


def test_a_history_revert_of_the_source_text_re_anchors(editor, source):
    claim = make_claim(text="The plant is safe.", cite=source)
    url = reverse("admin:sources_source_change", args=[source.pk])
    editor.post(url, {**form_data(editor.get(url)), "text": "Nothing left."})
    assert claim.citations.get().drifted
    original = source.history.filter(text=TEXT).order_by("history_date").first()
    revert_url = history_url(source, original)
    response = editor.post(revert_url, form_data(editor.get(revert_url)))
    assert response.status_code == 302
    citation = claim.citations.get()
    assert (citation.verification_state, citation.drifted) == ("verbatim", False)


def test_recheck_quotes_action_reports_states(editor, source, unverified):
    response = editor.post(
        reverse("admin:sources_source_changelist"),
        {"action": "recheck_quotes", "_selected_action": [source.pk]},
        follow=True,
    )
    body = text(response)
    assert "Re-checked 1 quote(s). Not found in the source: 1." in body
    assert "chief-says-plant-sound" in body
    response = editor.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "recheck_quotes", "_selected_action": [unverified.pk]},
        follow=True,
    )
    assert "Re-checked 1 quote(s)." in text(response)


def test_admin_and_public_show_the_same_score(editor, source):
    claim = make_claim(text="The plant is safe!", status=Status.DRAFT)
    verify_citation(
        citation=Citation.objects.create(claim=claim, source=source, quote="The plant is safe!")
    )
    citation = claim.citations.get()
    score = f"{citation.verification_score:.0f}"
    assert f"(score {score})" in text(editor.get(change_url(claim)))
    from claims import publishing

    publishing.publish(item=claim, by=user("Editor", "other-editor"), override_reason="x")
    public = Client().get(claim.get_absolute_url())
    assert f", score {score}," in text(public)


# --- preview ---------------------------------------------------------------------------------


def test_view_on_site_for_a_draft_is_a_staff_only_preview(editor, reporter, source):
    claim = make_claim(slug="draft-claim", text="The plant is safe.", cite=source, status="draft")
    pair = make_contradiction(slug="draft-pair", claim=claim, status=Status.DRAFT)
    assert "/preview/claims/draft-claim/" in text(editor.get(change_url(claim)))
    for client in (editor, reporter):
        for url in ("/preview/claims/draft-claim/", "/preview/contradictions/draft-pair/"):
            response = client.get(url)
            assert response.status_code == 200
            assert 'id="draft-banner"' in text(response)
            assert "no-store" in response["Cache-Control"]
            assert response["X-Robots-Tag"] == "noindex, nofollow"
            assert '<meta name="robots" content="noindex, nofollow">' in text(response)
    outsider = Client()
    outsider.force_login(
        __import__("django.contrib.auth.models").contrib.auth.models.User.objects.create_user(
            "reader", password="pw"
        )
    )
    for client in (Client(), outsider):
        assert client.get("/preview/claims/draft-claim/").status_code == 404
        assert client.get("/preview/contradictions/draft-pair/").status_code == 404
    assert Client().get(claim.get_absolute_url()).status_code == 404
    assert pair.slug not in text(Client().get("/contradictions/"))


# --- corrections ------------------------------------------------------------------------------


def test_editor_adds_a_correction_from_the_change_page_only_to_published_items(editor, source):
    claim = make_claim(slug="safe", text="The plant is safe.", cite=source)
    page = text(editor.get(change_url(claim)))
    link = re.search(r'href="(/admin/claims/correction/add/\?[^"]+)"', page)
    assert link, "no 'Add a correction' link"
    add = editor.get(link.group(1).replace("&amp;", "&"))
    assert add.status_code == 200
    data = {**form_data(add), "kind": "correction", "text": "We fixed the date."}
    assert editor.post(reverse("admin:claims_correction_add"), data).status_code == 302
    assert claim.corrections.get().text == "We fixed the date."
    draft = make_claim(slug="hidden", status=Status.DRAFT)
    data = {**data, "slug": "on-a-draft", "claim": draft.pk}
    response = editor.post(reverse("admin:claims_correction_add"), data)
    assert "Corrections are for published items: 'hidden' is draft." in text(response)
