"""The desk (issue 19, point 4): the editor's admin home (the review queue by case, what needs
attention, the latest changes), "Publish case" in one pass with what it held back and why, and
"Save and send to review" from the add forms."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import publishing
from claims.models import Citation, Claim, Contradiction, Revision, Status
from tests.factories import make_case, make_claim, make_contradiction, make_source, make_speaker
from tests.helpers import TEXT, change_url, signed_in, step_url, text, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_case():
    """A draft case with, in review: a verified claim, a claim whose quote is not in its
    source, a pair of the first with a published claim, a pair of the two."""
    source = make_source(text=TEXT)
    case = make_case(status=Status.DRAFT, title="The plant case")
    good = make_claim(status=Status.REVIEW, cite=source, text="The plant is safe.", slug="good")
    bad = make_claim(
        status=Status.REVIEW, cite=source, text="Nobody was ever hurt there.", slug="bad"
    )
    published = make_claim(cite=source, text="The plant is closed.", slug="on-record")
    sound = make_contradiction(claim=good, counter=published, status=Status.REVIEW, slug="sound")
    shaky = make_contradiction(claim=good, counter=bad, status=Status.REVIEW, slug="shaky")
    for item in (good, bad, sound, shaky):
        item.cases.add(case)
    return case


def test_publish_case_with_items_publishes_what_passes_and_holds_back_the_rest(desk_case):
    editor = user("Editor")
    result = publishing.publish_case_with_items(case=desk_case, by=editor)
    desk_case.refresh_from_db()
    assert desk_case.status == Status.PUBLISHED
    assert sorted(item.slug for item in result.published) == ["good", "sound"]
    held = {item.slug: reasons for item, reasons in result.held_back}
    assert set(held) == {"bad", "shaky"}
    assert "not found" in " ".join(held["bad"])
    assert "'bad'" in " ".join(held["shaky"])
    assert Claim.objects.get(slug="bad").status == Status.REVIEW
    assert Contradiction.objects.get(slug="shaky").status == Status.REVIEW


def test_publish_case_with_items_is_an_editors_act(desk_case):
    with pytest.raises(publishing.PermissionDenied):
        publishing.publish_case_with_items(case=desk_case, by=user("Reporter"))
    assert Claim.objects.get(slug="good").status == Status.REVIEW


def test_publish_case_button_publishes_in_one_pass_and_lists_what_it_held_back(desk_case):
    editor = signed_in("Editor")
    page = text(editor.get(change_url(desk_case)))
    assert "Publish case" in page
    confirm = text(editor.get(step_url(desk_case, "publish")))
    assert "bad" in confirm and "shaky" in confirm  # what it will hold back, before the click
    response = editor.post(
        step_url(desk_case, "publish"), {"version": desk_case.version}, follow=True
    )
    shown = text(response)
    assert "Held back" in shown
    assert "'bad'" in shown and "not found" in shown
    assert Claim.objects.get(slug="good").status == Status.PUBLISHED
    assert Contradiction.objects.get(slug="sound").status == Status.PUBLISHED


def test_the_editors_home_shows_the_queue_by_case_attention_and_latest_changes(desk_case):
    editor_user = user("Editor")
    source = make_source(text=TEXT)
    overridden = make_claim(cite=source, text="Words the source never printed.", slug="overruled")
    Claim.objects.filter(pk=overridden.pk).update(override_reason="The tape says so.")
    attention = make_claim(cite=source, text="The plant is safe.", slug="drifting")
    Citation.objects.filter(claim=attention).update(verification_state="not_found", drifted=True)
    Revision.objects.create(
        content_type=ContentType.objects.get_for_model(Claim),
        object_id=attention.pk,
        item_label="drifting",
        base_version=1,
        changes={},
        proposed_by=user("Reporter"),
    )
    loose = make_claim(status=Status.REVIEW, slug="no-case-yet")
    publishing.publish(item=Claim.objects.get(slug="good"), by=editor_user)

    client = signed_in("Editor", "editor2")
    page = text(client.get(reverse("admin:index")))
    assert "Review queue" in page
    assert "The plant case" in page and change_url(desk_case) in page
    assert change_url(Claim.objects.get(slug="bad")) in page
    assert change_url(Contradiction.objects.get(slug="shaky")) in page
    assert change_url(loose) in page  # in review, in no case
    assert "Needs attention" in page
    assert change_url(attention) in page
    assert "The tape says so." in page
    assert "Proposed change to drifting" in page or "drifting" in page
    assert reverse("admin:claims_revision_changelist") in page or "revision" in page
    assert "Latest changes" in page and "Published" in page


def test_a_reporter_saves_a_new_pair_and_sends_it_to_review_from_the_add_form():
    reporter = signed_in("Reporter")
    source = make_source(text=TEXT)
    claim = make_claim(cite=source, text="The plant is safe.")
    counter = make_claim(cite=source, text="The plant is closed.")
    add = text(reporter.get(reverse("admin:claims_contradiction_add")))
    assert "Save and send to review" in add
    response = reporter.post(
        reverse("admin:claims_contradiction_add"),
        {
            "slug": "safe-or-closed",
            "title": "Safe or closed",
            "claim": claim.pk,
            "counter": counter.pk,
            "relation": "contradicts",
            "explanation": "A closed plant is not said to be safe.",
            "_send_to_review": "Save and send to review",
        },
        follow=True,
    )
    assert response.status_code == 200
    pair = Contradiction.objects.get(slug="safe-or-closed")
    assert pair.status == Status.REVIEW
    assert "sent to review" in text(response)


def test_a_reporter_saves_a_new_claim_and_sends_it_to_review_from_the_add_form():
    reporter = signed_in("Reporter")
    add = text(reporter.get(reverse("admin:claims_claim_add")))
    assert "Save and send to review" in add
    speaker = make_speaker()
    response = reporter.post(
        reverse("admin:claims_claim_add"),
        {
            "slug": "new-words",
            "speaker": speaker.pk,
            "kind": "record",
            "text": "The record shows it.",
            "said_on_precision": "day",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            "_send_to_review": "Save and send to review",
        },
        follow=True,
    )
    assert response.status_code == 200, text(response)[:3000]
    assert Claim.objects.get(slug="new-words").status == Status.REVIEW


# --- issue 19's small points ----------------------------------------------------------------


def test_the_reporters_403_explains_and_offers_a_way_back(desk_case):
    reporter = signed_in("Reporter")
    response = reporter.get(step_url(desk_case, "publish"))
    assert response.status_code == 403
    page = text(response)
    assert "editor" in page.lower()
    assert reverse("admin:index") in page


def test_a_retracted_pair_offers_no_citation_and_no_post():
    from claims import publishing as steps

    source = make_source(text=TEXT)
    pair = make_contradiction(
        claim=make_claim(cite=source, text="The plant is safe."),
        counter=make_claim(cite=source, text="The plant is closed."),
    )
    steps.retract(item=pair, by=user("Editor"), reason="We got it wrong.")
    from django.test import Client

    page = text(Client().get(pair.get_absolute_url()))
    assert "Cite this page" not in page
    assert "Post to Bluesky" not in page


def test_the_preview_permalink_is_the_permanent_url():
    source = make_source(text=TEXT)
    pair = make_contradiction(
        claim=make_claim(cite=source, text="The plant is safe."),
        counter=make_claim(cite=source, text="The plant is closed."),
        status=Status.REVIEW,
    )
    editor = signed_in("Editor")
    page = text(editor.get(reverse("claims:preview_contradiction", kwargs={"slug": pair.slug})))
    assert 'id="permalink"' in page
    assert "/preview/" not in page.split('id="permalink"', 1)[1].split(">", 1)[0]


def _desk_queries(editor):
    with CaptureQueriesContext(connection) as c:
        assert editor.get("/admin/").status_code == 200
    return len(c)


def _seed_review_queue(n):
    source = make_source(text=TEXT)
    case = make_case(status=Status.DRAFT)
    for _ in range(n):
        a = make_claim(status=Status.REVIEW, cite=source if _ == 0 else None)
        a.cases.add(case)
        make_contradiction(claim=a, counter=make_claim(), status=Status.REVIEW).cases.add(case)


def test_the_desks_queries_do_not_grow_with_the_queue():
    """One query per part of the page, not per item in it."""
    editor = signed_in("Editor")
    _seed_review_queue(2)
    few = _desk_queries(editor)
    _seed_review_queue(12)
    many = _desk_queries(editor)
    assert many == few
