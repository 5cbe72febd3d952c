"""A small world for the API's tests: one of each published item, and hidden ones beside them
(drafts, items in review, a retracted claim and pair) whose every word carries HIDDEN."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from claims.models import Citation, ClaimKind, Correction, CorrectionKind, Status
from claims.verification import verify_citation
from tests.factories import (
    make_case,
    make_claim,
    make_contradiction,
    make_outlet,
    make_source,
    make_speaker,
    make_topic,
)

HIDDEN = "zqxapihidden"
GONE = "zqxapigone"


@dataclass
class World:
    claim: object
    counter: object
    pair: object
    speaker: object
    topic: object
    case: object
    source: object
    correction: object
    retracted_claim: object
    retracted_pair: object
    hidden: dict  # kind -> [ids the public must never get]


@pytest.fixture
def world(db) -> World:
    speaker = make_speaker(slug="public-speaker", name="Public Speaker", aliases=["Speaks"])
    topic = make_topic(slug="public-topic", name="Public topic")
    case = make_case(slug="public-case", title="Public case")
    source = make_source(
        slug="public-source",
        outlet=make_outlet(slug="public-outlet", name="Public Outlet"),
        text="She said: “The bridge was inspected in May.” Then: “It was not.”",
    )
    claim = make_claim(
        slug="bridge-inspected",
        speaker=speaker,
        text="The bridge was inspected in May.",
        said_on=dt.date(2023, 6, 1),
        cite=source,
        published_at=timezone.now(),
    )
    claim.topics.add(topic)
    claim.cases.add(case)
    counter = make_claim(
        slug="bridge-not-inspected",
        kind=ClaimKind.RECORD,
        text="It was not.",
        said_on=None,
        cite=source,
    )
    second = make_source(slug="second-source", text="The log: “It was not.”")
    verify_citation(
        citation=Citation.objects.create(claim=counter, source=second, quote="It was not.")
    )
    pair = make_contradiction(
        slug="bridge-pair", claim=claim, counter=counter, published_at=timezone.now()
    )
    pair.cases.add(case)
    correction = Correction.objects.create(
        slug="public-fix",
        kind=CorrectionKind.CORRECTION,
        published_on=dt.date(2024, 1, 2),
        text="We corrected the date.",
        claim=claim,
    )

    # Hidden: every word marked.
    def words(n):
        return f"{HIDDEN} bridge words {n}"

    hidden_speaker = make_speaker(slug=f"{HIDDEN}-speaker", name=f"{HIDDEN} Speaker")
    hidden_topic = make_topic(slug=f"{HIDDEN}-topic", name=f"{HIDDEN} topic")
    hidden_source = make_source(
        slug=f"{HIDDEN}-source",
        title=f"{HIDDEN} source",
        outlet=make_outlet(slug=f"{HIDDEN}-outlet", name=f"{HIDDEN} Outlet"),
        text=f"“{words(0)}.”",
    )
    draft = make_claim(
        slug=f"{HIDDEN}-draft",
        status=Status.DRAFT,
        speaker=hidden_speaker,
        text=f"{words(0)}.",
        cite=hidden_source,
    )
    draft.topics.add(hidden_topic, topic)
    draft.cases.add(case)
    review = make_claim(
        slug=f"{HIDDEN}-review", status=Status.REVIEW, speaker=speaker, text=words(1)
    )
    review.topics.add(topic)
    draft_pair = make_contradiction(
        slug=f"{HIDDEN}-draft-pair",
        status=Status.DRAFT,
        claim=claim,
        counter=draft,
        title=f"{HIDDEN} pair",
        explanation=words(2),
    )
    review_pair = make_contradiction(
        slug=f"{HIDDEN}-review-pair",
        status=Status.REVIEW,
        claim=counter,
        counter=review,
        title=f"{HIDDEN} review pair",
        explanation=words(3),
    )
    draft_case = make_case(slug=f"{HIDDEN}-case", status=Status.DRAFT, title=f"{HIDDEN} case")
    draft_case.claims.add(claim)
    hidden_fix = Correction.objects.create(
        slug=f"{HIDDEN}-fix", published_on=dt.date(2024, 1, 3), text=words(4), claim=draft
    )

    # Retracted: answers at its address with the notice alone, listed nowhere.
    retracted_claim = make_claim(
        slug="gone-claim",
        status=Status.RETRACTED,
        speaker=speaker,
        text=f"{GONE} bridge words.",
        summary=f"{GONE} summary",
        retracted_at=timezone.now(),
        retraction_reason="It was misattributed.",
    )
    retracted_claim.topics.add(topic)
    retracted_pair = make_contradiction(
        slug="gone-pair",
        status=Status.RETRACTED,
        claim=claim,
        counter=make_claim(text="Other bridge words."),
        title=f"{GONE} pair",
        explanation=f"{GONE} explanation",
        retracted_at=timezone.now(),
        retraction_reason="The counter was misread.",
    )
    return World(
        claim=claim,
        counter=counter,
        pair=pair,
        speaker=speaker,
        topic=topic,
        case=case,
        source=source,
        correction=correction,
        retracted_claim=retracted_claim,
        retracted_pair=retracted_pair,
        hidden={
            "claims": [draft.slug, review.slug],
            "contradictions": [draft_pair.slug, review_pair.slug],
            "speakers": [hidden_speaker.slug],
            "topics": [hidden_topic.slug],
            "cases": [draft_case.slug],
            "sources": [hidden_source.slug],
            "corrections": [hidden_fix.slug],
        },
    )
