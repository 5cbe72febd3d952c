"""Each named database constraint rejects its bad row."""

import pytest
from django.db import IntegrityError, transaction

from claims.models import Citation, Claim, Contradiction, Correction, Speaker, Topic
from sources.models import Outlet, Source
from tests.factories import (
    make_claim,
    make_contradiction,
    make_outlet,
    make_source,
    make_speaker,
    make_topic,
)

pytestmark = pytest.mark.django_db


def rejected(constraint: str, make):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make()


def test_contradiction_never_pairs_a_claim_with_itself():
    claim = make_claim()
    rejected("contradiction_not_self", lambda: make_contradiction(claim=claim, counter=claim))


def test_one_contradiction_per_ordered_pair():
    a, b = make_claim(), make_claim()
    make_contradiction(claim=a, counter=b)
    rejected("contradiction_ordered_pair_unique", lambda: make_contradiction(claim=a, counter=b))
    # the reverse order is a different pair
    make_contradiction(claim=b, counter=a)
    assert Contradiction.objects.count() == 2


def test_one_citation_per_claim_and_source():
    source, claim = make_source(), make_claim()
    Citation.objects.create(claim=claim, source=source, quote="one")
    rejected(
        "citation_claim_source_unique",
        lambda: Citation.objects.create(claim=claim, source=source, quote="two"),
    )


@pytest.mark.parametrize(
    ("model", "make", "constraint"),
    [
        (Outlet, make_outlet, "outlet_slug_unique"),
        (Source, make_source, "source_slug_unique"),
        (Speaker, make_speaker, "speaker_slug_unique"),
        (Topic, make_topic, "topic_slug_unique"),
        (Claim, make_claim, "claim_slug_unique"),
        (Contradiction, make_contradiction, "contradiction_slug_unique"),
    ],
)
def test_slugs_are_unique(model, make, constraint):
    make(slug="taken")
    rejected(constraint, lambda: make(slug="taken"))
    assert model.objects.filter(slug="taken").count() == 1


def test_correction_slugs_are_unique():
    Correction.objects.create(slug="taken", published_on="2024-01-01", text="x")
    rejected(
        "correction_slug_unique",
        lambda: Correction.objects.create(slug="taken", published_on="2024-01-01", text="y"),
    )


def test_source_digest_must_be_hex():
    rejected("source_sha256_hex", lambda: make_source(sha256="not-a-digest"))


def test_speaker_names_index_covers_aliases_and_misspellings():
    speaker = make_speaker(name="Halyna Hutchins", misspellings=["Haylna Hutchins"])
    speaker.refresh_from_db()
    assert "Haylna Hutchins" in speaker.search_names
    assert Speaker.objects.filter(search_names__trigram_similar="Halyna Hitchins").exists()
