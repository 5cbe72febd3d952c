"""What a pair may say in public, and structured data for search engines and link previews:
the name and description of a contradiction (``PublicPair``), schema.org ClaimReview JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst

from claims.exports import absolute
from claims.models import Claim, ClaimKind, Contradiction, SpeakerKind, Status

# How a public page names a side that has left the record.
NOT_ON_RECORD = "a statement no longer on the record"


def _words(text: str, count: int) -> str:
    return Truncator(text).words(count, truncate=" …")


@dataclass(frozen=True)
class PublicPair:
    """What the public may read of a contradiction: the one place that decides it, for its
    page (head, body, JSON-LD), the corrections page and feed, the feeds.

    A retracted pair keeps its URL and stays on the corrections page, but its sides go on
    living: once the pair is not live an editor may unpublish a side and rewrite it as a draft.
    Only the words of a side on the record are shown; any other side is ``None`` here and is
    named NOT_ON_RECORD: not its words, its summary or its speaker. A published pair's sides
    are always published (publishing.py), so for it this is the pair itself. ``preview``
    (signed-in staff) shows every side.
    """

    pair: Contradiction
    claim: Claim | None
    counter: Claim | None

    @classmethod
    def of(cls, pair: Contradiction, *, preview: bool = False) -> PublicPair:
        claim, counter = (
            # published, or retracted (its own URL shows its words with a notice); a side moved
            # back to draft or to review is neither
            side if preview or side.is_on_record else None
            for side in (pair.claim, pair.counter)
        )
        return cls(pair, claim, counter)

    @property
    def sides_shown(self) -> bool:
        """Both sides on the record: the whole comparison may be shown."""
        return self.claim is not None and self.counter is not None

    @property
    def name(self) -> str:
        """Its title, else both sides' names and the relation (a side off the record named
        NOT_ON_RECORD): what ``str(pair)`` says when both sides are on the record."""
        if self.pair.title:
            return self.pair.title
        first = str(self.claim) if self.claim else capfirst(NOT_ON_RECORD)
        second = str(self.counter) if self.counter else NOT_ON_RECORD
        return f"{first} — {self.pair.get_relation_display()} — {second}"

    @property
    def description(self) -> str:
        """A sentence for link previews: who said what, and what challenges it."""
        claim, counter = self.claim, self.counter
        relation = self.pair.get_relation_display()
        if claim is not None:
            other = counter.speaker.name if counter else NOT_ON_RECORD
            return f"{claim.speaker.name}: “{_words(claim.text, 30)}” — {relation} {other}."
        if counter is not None:
            said = f"{counter.speaker.name}: “{_words(counter.text, 30)}”"
            return f"{capfirst(NOT_ON_RECORD)} — {relation} {said}"
        return f"{capfirst(NOT_ON_RECORD)}, {relation} another."


def _counter_noun(contradiction: Contradiction) -> str:
    """What the counter is, as a rating says it: “Contradicted by <this>”."""
    counter = contradiction.counter
    name = counter.speaker.name
    own = "own " if counter.speaker_id == contradiction.claim.speaker_id else ""
    match counter.kind:
        case ClaimKind.FINDING:
            return f"an official finding ({name})"
        case ClaimKind.RECORD:
            return "the record"
        case ClaimKind.PARAPHRASE:
            return f"{name}'s {own}reported words"
        case _:
            return f"{name}'s {own}words"


def rating_label(contradiction: Contradiction) -> str:
    """“Contradicted by an official finding (FBI)”, “Inconsistent with Alec Baldwin's own
    words”: the relation in plain words, for reviewRating.alternateName."""
    label = f"{contradiction.get_relation_display()} {_counter_noun(contradiction)}"
    return label[:1].upper() + label[1:]


def _person(claim: Claim) -> dict[str, Any]:
    speaker = claim.speaker
    kind = "Organization" if speaker.kind == SpeakerKind.ORGANIZATION else "Person"
    data: dict[str, Any] = {"@type": kind, "name": speaker.name}
    if speaker.role:
        data["description"] = speaker.role
    data["url"] = absolute(speaker.get_absolute_url())
    return data


def _appearance(citation) -> dict[str, Any]:
    source = citation.source
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "url": source.url or absolute(source.get_absolute_url()),
        "headline": source.title,
    }
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.outlet:
        work["publisher"] = {"@type": "Organization", "name": source.outlet.name}
    if source.archive_url:
        work["archivedAt"] = source.archive_url
    return work


def claim_review(contradiction: Contradiction) -> dict[str, Any] | None:
    """ClaimReview of a published contradiction's claim, None for any other pair (a retracted
    one is no longer a fact-check); its sides' citations must be prefetched."""
    public = PublicPair.of(contradiction)
    if contradiction.status != Status.PUBLISHED or not public.sides_shown:
        return None
    claim = public.claim
    citations = list(claim.citations.all())
    dated = sorted(
        (c for c in citations if c.source.published_on), key=lambda c: c.source.published_on
    )
    first = dated[0] if dated else (citations[0] if citations else None)
    item: dict[str, Any] = {"@type": "Claim", "author": _person(claim)}
    if claim.said_on:
        item["datePublished"] = claim.said_on.isoformat()
    if citations:
        item["appearance"] = [_appearance(c) for c in citations]
    if first is not None:
        item["firstAppearance"] = _appearance(first)
    published = contradiction.published_at or contradiction.created_at
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute(contradiction.get_absolute_url()),
        "name": public.name,
        "claimReviewed": claim.text,
        "datePublished": published.date().isoformat(),
        "author": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL},
        "reviewRating": {"@type": "Rating", "alternateName": rating_label(contradiction)},
        "itemReviewed": item,
    }


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a ``<script type="application/ld+json">`` block: nothing in it can close the
    element or open a comment, whatever the curators typed."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)
