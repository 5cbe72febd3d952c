"""Truthful public wording (issue 19, point 5): a badge and the sentence under it never disagree;
a close match shows the differing words, to the editor before publishing and to the public
after; an item published over a rule says so publicly, with the editor's reason."""

import re

import pytest
from django.test import Client

from claims.models import Citation, Claim, Status
from tests.factories import make_claim, make_contradiction, make_source
from tests.helpers import TEXT, change_url, signed_in, text

pytestmark = pytest.mark.django_db

EXACTLY = "Prints the words exactly as above."


def citation_block(page: str) -> str:
    return re.search(r'<ol class="citation-list">.*?</ol>', page, re.S).group(0)


def public(claim) -> str:
    return text(Client().get(claim.get_absolute_url()))


def test_a_verbatim_quote_says_it_prints_the_words_exactly():
    claim = make_claim(cite=make_source(text=TEXT), text="The plant is safe.")
    assert EXACTLY in citation_block(public(claim))


def test_a_close_match_never_says_exactly_and_shows_the_differing_words():
    claim = make_claim(cite=make_source(text=TEXT), text="The plant is open.")
    citation = claim.citations.get()
    assert citation.verification_state == "fuzzy"
    block = citation_block(public(claim))
    assert "≈ Close match" in block
    assert EXACTLY not in block
    assert "only closely matches its source" in block
    assert "<del>" in block and "<ins>" in block  # the quote against the source's words


def test_a_quote_not_found_never_says_exactly():
    claim = make_claim(cite=make_source(text=TEXT), text="Nobody was ever hurt there.")
    block = citation_block(public(claim))
    assert "✗ Not found" in block
    assert EXACTLY not in block
    assert "was not found in its source" in block


def test_a_claim_published_over_a_rule_says_so_with_the_editors_reason():
    claim = make_claim(cite=make_source(text=TEXT), text="Nobody was ever hurt there.")
    Claim.objects.filter(pk=claim.pk).update(override_reason="The recording has these words.")
    page = public(claim)
    assert "published over" in page.lower()
    assert "The recording has these words." in page


def test_a_pair_published_over_a_rule_says_so_with_the_editors_reason():
    source = make_source(text=TEXT)
    pair = make_contradiction(
        claim=make_claim(cite=source, text="The plant is safe."),
        counter=make_claim(cite=source, text="The plant is open."),
    )
    type(pair).objects.filter(pk=pair.pk).update(override_reason="Our reporter heard it.")
    page = text(Client().get(pair.get_absolute_url()))
    assert "published over" in page.lower()
    assert "Our reporter heard it." in page


def test_the_editor_sees_the_differing_words_before_publishing():
    claim = make_claim(status=Status.REVIEW, cite=make_source(text=TEXT), text="The plant is open.")
    assert Citation.objects.get(claim=claim).verification_state == "fuzzy"
    raw = signed_in("Editor").get(change_url(claim)).content.decode()
    assert "<del>" in raw and "<ins>" in raw
