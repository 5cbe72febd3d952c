"""A pair as the desk works it: turned round while a draft, sent to review with its draft
sides, and a way back to its case from its page."""

import pytest

from claims import curation, publishing
from claims.models import Status
from tests.factories import make_case, make_claim, make_contradiction
from tests.helpers import change_url, form_data, signed_in, text, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter():
    return signed_in("Reporter")


def test_a_draft_pair_is_swapped_from_its_page(reporter):
    evidence = make_claim(status=Status.DRAFT, slug="the-lab-found", kind="finding")
    words = make_claim(status=Status.DRAFT, slug="the-mayor-said")
    pair = make_contradiction(claim=evidence, counter=words, status=Status.DRAFT)
    page = reporter.get(change_url(pair))
    assert 'name="_swap_sides"' in text(page)
    data = {**form_data(page), "_swap_sides": "Swap the two sides"}
    response = reporter.post(change_url(pair), data, follow=True)
    assert "the statement challenged is now 'the-mayor-said'" in text(response)
    pair.refresh_from_db()
    assert (pair.claim, pair.counter) == (words, evidence)
    assert pair.history.latest().history_change_reason == "Sides swapped"


def test_only_a_drafts_sides_can_be_swapped(reporter):
    pair = make_contradiction(
        claim=make_claim(status=Status.REVIEW),
        counter=make_claim(status=Status.REVIEW),
        status=Status.REVIEW,
    )
    assert 'name="_swap_sides"' not in text(reporter.get(change_url(pair)))
    with pytest.raises(ValueError, match="this pair is in review"):
        curation.swap_sides(pair=pair)
    published = make_contradiction()
    with pytest.raises(ValueError, match="this pair is published"):
        curation.swap_sides(pair=published)


def test_a_pair_sent_to_review_takes_its_draft_sides(reporter):
    words = make_claim(status=Status.DRAFT)
    published = make_claim()  # already on record: left as it is
    pair = make_contradiction(claim=words, counter=published, status=Status.DRAFT)
    page = reporter.get(change_url(pair))
    data = {**form_data(page), "_send_to_review": "Save and send to review"}
    assert reporter.post(change_url(pair), data).status_code == 302
    for item in (pair, words, published):
        item.refresh_from_db()
    assert (pair.status, words.status, published.status) == (
        Status.REVIEW,
        Status.REVIEW,
        Status.PUBLISHED,
    )
    assert (
        words.history.latest().history_change_reason
        == f"Sent to review with the pair '{pair.slug}'"
    )


def test_the_service_sends_the_draft_sides_for_any_role_that_may_edit_them():
    words, other = make_claim(status=Status.DRAFT), make_claim(status=Status.DRAFT)
    pair = make_contradiction(claim=words, counter=other, status=Status.DRAFT)
    publishing.submit_for_review(item=pair, by=user("Editor"))
    words.refresh_from_db()
    other.refresh_from_db()
    assert words.status == other.status == Status.REVIEW


def test_a_claim_or_pair_page_leads_back_to_its_cases(reporter):
    case, other = make_case(title="Levee failure"), make_case(title="Budget vote")
    claim = make_claim(status=Status.DRAFT)
    claim.cases.add(case, other)
    page = text(reporter.get(change_url(claim)))
    assert 'id="item-cases"' in page
    assert f'href="{change_url(case)}"' in page and f'href="{change_url(other)}"' in page
    alone = make_claim(status=Status.DRAFT)
    assert 'id="item-cases"' not in text(reporter.get(change_url(alone)))


def test_a_linked_pairs_first_title_gives_it_its_id(reporter):
    """Linked from a claim's page before it had a title, its id came from both claims' ids;
    the title written next, while a draft, names it, cut at a word."""
    words = make_claim(
        status=Status.DRAFT, slug="quell-our-air-monitors-on-orchard-lane-showed-nothing"
    )
    lab = make_claim(status=Status.DRAFT, slug="state-lab-benzene-above-the-limit-on-orchard-lane")
    pair = curation.link_as_contradiction(claim=words, counter=lab)
    assert pair.slug.startswith("quell-our-air-monitors")
    page = reporter.get(change_url(pair))
    title = (
        "The county said its monitors showed nothing; the state laboratory measured benzene "
        "above the limit"
    )
    data = {**form_data(page), "title": title, "explanation": "The lab measured it."}
    assert reporter.post(change_url(pair), data).status_code == 302
    pair.refresh_from_db()
    assert pair.slug == "the-county-said-its-monitors-showed-nothing-the-state-laboratory-measured"
    # once titled, a new title keeps the id (it may have been shared in review)
    data = {**form_data(reporter.get(change_url(pair))), "title": "Another title"}
    assert reporter.post(change_url(pair), data).status_code == 302
    pair.refresh_from_db()
    assert pair.slug.startswith("the-county-said")
