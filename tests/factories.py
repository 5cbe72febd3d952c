"""Test data built through the models and services the app itself uses."""

import itertools

from claims.models import (
    Case,
    Citation,
    Claim,
    ClaimKind,
    Contradiction,
    Speaker,
    Status,
    Topic,
)
from claims.verification import replace_source_text, verify_citation
from sources.models import Outlet, Source

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_outlet(**kwargs) -> Outlet:
    n = _n()
    return Outlet.objects.create(**{"slug": f"outlet-{n}", "name": f"Outlet {n}", **kwargs})


def make_source(*, text: str = "", **kwargs) -> Source:
    n = _n()
    source = Source.objects.create(**{"slug": f"source-{n}", "title": f"Source {n}", **kwargs})
    if text:
        replace_source_text(source=source, text=text)
    return source


def make_speaker(**kwargs) -> Speaker:
    n = _n()
    return Speaker.objects.create(
        **{"slug": f"speaker-{n}", "name": f"Speaker Number{n}", **kwargs}
    )


def make_topic(**kwargs) -> Topic:
    n = _n()
    return Topic.objects.create(**{"slug": f"topic-{n}", "name": f"Topic {n}", **kwargs})


def make_case(*, status=Status.PUBLISHED, **kwargs) -> Case:
    n = _n()
    return Case.objects.create(
        **{"slug": f"case-{n}", "title": f"Case {n}", "summary": f"Story {n}.", "status": status}
        | kwargs
    )


def make_claim(*, speaker=None, status=Status.PUBLISHED, cite=None, **kwargs) -> Claim:
    """A claim; ``cite`` is a Source whose text holds the claim's words verbatim."""
    n = _n()
    claim = Claim.objects.create(
        **{
            "slug": f"claim-{n}",
            "speaker": speaker or make_speaker(),
            "kind": ClaimKind.QUOTE,
            "text": f"Statement number {n} on record.",
            "status": status,
            **kwargs,
        }
    )
    if cite is not None:
        citation = Citation.objects.create(claim=claim, source=cite, quote=claim.text)
        verify_citation(citation=citation)
    return claim


def make_contradiction(*, claim=None, counter=None, status=Status.PUBLISHED, **kwargs):
    n = _n()
    return Contradiction.objects.create(
        **{
            "slug": f"contradiction-{n}",
            "title": f"Contradiction {n}",
            "claim": claim or make_claim(),
            "counter": counter or make_claim(),
            "explanation": "The two *cannot* both be true.",
            "status": status,
            **kwargs,
        }
    )
