"""Structured data for search engines and link previews: schema.org ClaimReview JSON-LD."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from claims.exports import absolute
from claims.models import Claim, ClaimKind, Contradiction, SpeakerKind


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


def claim_review(contradiction: Contradiction) -> dict[str, Any]:
    """ClaimReview of the contradiction's claim; its sides' citations must be prefetched."""
    claim = contradiction.claim
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
        "name": str(contradiction),
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
