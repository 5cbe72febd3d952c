"""Home and contradiction pages: the case is there, drafts are not, queries are fixed."""

import pytest
from django.urls import reverse

from claims.models import Contradiction, Status
from tests.factories import make_claim, make_contradiction, make_source

pytestmark = pytest.mark.django_db


def test_home_lists_the_published_contradictions(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    for item in Contradiction.objects.published():
        assert item.get_absolute_url().encode() in response.content
    for draft in Contradiction.objects.exclude(status=Status.PUBLISHED):
        assert draft.get_absolute_url().encode() not in response.content
        assert draft.title.encode() not in response.content


def test_trigger_contradiction_shows_both_quotes_side_by_side(client, demo):
    trigger = Contradiction.objects.get(slug="trigger-vs-fbi-finding")
    response = client.get(trigger.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    said = page.index("I would never point a gun at anyone and pull a trigger at them.")
    found = page.index(
        "would not have discharged unless it was fully cocked and the trigger was pulled"
    )
    assert said < found
    assert "Alec Baldwin" in page
    assert "2 Dec 2021" in page
    assert "Aug 2022" in page  # a finding dated to the month only
    for citation in [*trigger.claim.citations.all(), *trigger.counter.citations.all()]:
        assert citation.source.get_absolute_url() in page
    assert "✓ Verbatim" in page


def test_explanation_markdown_is_sanitised(client):
    item = make_contradiction(
        explanation="**Bold** <script>alert(1)</script> [link](javascript:alert(1))"
    )
    page = client.get(item.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "javascript:" not in page


def test_unknown_slug_is_404(client, demo):
    assert client.get("/contradictions/no-such-thing/").status_code == 404


def test_draft_contradiction_is_404(client):
    draft = make_contradiction(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_published_pair_with_a_draft_side_is_404(client):
    item = make_contradiction(counter=make_claim(status=Status.REVIEW))
    assert client.get(item.get_absolute_url()).status_code == 404
    assert item.get_absolute_url().encode() not in client.get("/").content


def test_source_page_shows_the_archived_text(client):
    source = make_source(text="Before. “Statement quoted here.” After.")
    make_claim(text="Statement quoted here.", cite=source)
    response = client.get(source.get_absolute_url())
    assert response.status_code == 200
    assert "Statement quoted here." in response.content.decode()


def test_source_cited_only_by_drafts_is_404(client):
    source = make_source(text="Words.")
    make_claim(text="Words.", cite=source, status=Status.DRAFT)
    assert client.get(source.get_absolute_url()).status_code == 404


def _pairs(n):
    for _ in range(n):
        source = make_source(text="He said: “Statement on record.”")
        make_contradiction(claim=make_claim(text="Statement on record.", cite=source))


@pytest.mark.parametrize("rows", [1, 12])
def test_home_runs_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    """Guards against N+1: the cases, the latest contradictions, the topics to browse."""
    _pairs(rows)
    with django_assert_num_queries(3):
        assert client.get(reverse("claims:home")).status_code == 200


@pytest.mark.parametrize("citations", [1, 6])
def test_contradiction_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, citations
):
    """Guards against N+1: the pair, each side's citations, corrections, timeline events,
    confirmed repeats."""
    claim = make_claim(text="Statement on record.")
    for _ in range(citations):
        source = make_source(text="“Statement on record.”")
        claim.citations.create(source=source, quote=claim.text)
    item = make_contradiction(claim=claim)
    with django_assert_num_queries(6):
        assert client.get(item.get_absolute_url()).status_code == 200
