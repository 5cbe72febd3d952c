"""What the API answers, as pydantic schemas (the OpenAPI document is generated from them).

An item's fields are its public export's (``claims.exports``: the exchange format's public
fields, claims/schema.py), so the API, the CSV/JSON downloads and the import agree; ``id`` is
the item's slug, ``url`` its public page. Nothing here is draft-only or the newsroom's: no
status, no internal note, no editor, no reason an editor published over a rule.
"""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field


class Error(Schema):
    detail: str = Field(description="What was wrong, in plain words.")
    errors: dict[str, list[str]] | None = Field(
        None, description="For a filter: each field's messages."
    )


class Retracted(Schema):
    """A retracted item: its permanent URL answers with the notice, never its old content."""

    id: str
    url: str = Field(description="Its public page, which shows the same notice.")
    status: Literal["retracted"]
    retracted_at: dt.datetime | None
    retraction_reason: str = Field(description="Why it was retracted.")


class Citation(Schema):
    source: str = Field(description="The source's id.")
    source_title: str
    source_url: str = Field(description="The source's public page (its archived text).")
    passage_url: str | None = Field(description="The quoted passage, highlighted, if located.")
    outlet: str | None
    quote: str = Field(description="The words as this source printed them.")
    verification: str = Field(description="The quote's check against the source's text.")
    verification_score: float | None


class Claim(Schema):
    id: str
    url: str
    speaker: str = Field(description="The speaker's id.")
    speaker_name: str
    kind: Literal["quote", "paraphrase", "finding", "record"]
    text: str
    summary: str
    said_on: dt.date | None
    said_on_precision: Literal["day", "month", "year"]
    venue: str
    context: str
    topics: list[str] = Field(description="The topics' ids.")
    cases: list[str] = Field(description="The published cases' ids.")
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    citations: list[Citation]


class ClaimDetail(Claim):
    status: Literal["published"]


class Contradiction(Schema):
    id: str
    url: str
    claim: str = Field(description="The statement challenged: its id.")
    claim_speaker: str
    claim_text: str
    claim_said_on: dt.date | None
    counter: str = Field(description="What challenges it: its id.")
    counter_speaker: str
    counter_text: str
    counter_said_on: dt.date | None
    relation: Literal["contradicts", "inconsistent", "retracts", "undermines", "context"]
    relation_label: str
    title: str = Field(description="Its title, else both sides' names and the relation.")
    explanation: str = Field(description="The curator's explanation (Markdown).")
    cases: list[str]
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class ContradictionDetail(Schema):
    id: str
    url: str
    status: Literal["published"]
    claim: Claim = Field(description="The statement challenged, with every citation.")
    counter: Claim = Field(description="What challenges it, with every citation.")
    relation: Literal["contradicts", "inconsistent", "retracts", "undermines", "context"]
    relation_label: str
    title: str
    explanation: str
    cases: list[str]
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class Speaker(Schema):
    id: str
    url: str
    name: str
    kind: Literal["person", "organization"]
    role: str
    aliases: list[str]
    misspellings: list[str] = Field(description="Misspellings of the name seen in sources.")


class Topic(Schema):
    id: str
    url: str
    name: str
    description: str


class Case(Schema):
    id: str
    url: str
    title: str
    summary: str
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class Source(Schema):
    id: str
    page_url: str = Field(description="Its public page here, with the cited quotes highlighted.")
    outlet: str | None = Field(description="The outlet's id.")
    outlet_name: str | None
    title: str
    kind: str
    url: str = Field(description="Where it was published.")
    archive_url: str
    published_on: dt.date | None
    author: str
    captured_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class SourceDetail(Source):
    text: str = Field(description="Its archived text, as its public page shows it.")


class Correction(Schema):
    id: str
    kind: Literal["correction", "update", "clarification", "retraction"] | None
    published_on: dt.date
    text: str
    claim: str | None = Field(description="The corrected statement's id, if any.")
    contradiction: str | None = Field(description="The corrected contradiction's id, if any.")
    url: str = Field(description="Where the correction is read.")


def page_of(item: type[Schema]) -> type[Schema]:
    """A list's page of ``item``s: the items and the next page's address."""
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "__annotations__": {"items": list[item], "next": str | None},
            "next": Field(
                description="The next page (the same filters and a cursor), null on the last."
            ),
        },
    )
