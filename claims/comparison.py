"""Putting statements side by side: the “what was known when” timeline, topic timelines, and
whether two statements are versions of one quote (and so worth a word diff)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F

from claims.models import Claim, ClaimKind, Contradiction, Topic
from sources.text.variants import word_diff

EVENT_KINDS = (ClaimKind.RECORD, ClaimKind.FINDING)
MAX_EVENTS = 40
SAME_QUOTE_SIMILARITY = 0.6


@dataclass(frozen=True)
class TimelineEntry:
    claim: Claim
    role: str  # "statement", "counter" or "event"


def related_events(*claims: Claim):
    """Published records and findings sharing a topic with any of ``claims``, oldest first:
    one query, which walks the events' index checking each row's own topic ids."""
    topics = {pk for claim in claims for pk in claim.topic_pks}
    return (
        Claim.objects.published()
        .on_any_topic(sorted(topics))
        .filter(kind__in=EVENT_KINDS)
        .exclude(pk__in=[c.pk for c in claims])
        .select_related("speaker")
        .order_by(F("said_on").asc(nulls_last=True), "slug")[:MAX_EVENTS]
    )


def _when(claim: Claim) -> dt.date:
    return claim.said_on or dt.date.max


def timeline(statement: Claim, counter: Claim, events: Iterable[Claim]) -> list[TimelineEntry]:
    """Both sides and the events around them, oldest first (undated last)."""
    entries = [TimelineEntry(statement, "statement"), TimelineEntry(counter, "counter")]
    entries += [TimelineEntry(e, "event") for e in events]
    order = {"statement": 0, "counter": 1, "event": 2}
    return sorted(entries, key=lambda e: (_when(e.claim), order[e.role], e.claim.slug))


def existing_contradiction(a: Claim, b: Claim):
    """The published contradiction pairing ``a`` and ``b`` either way round, if any."""
    return (
        Contradiction.objects.published()
        .between(a, b)
        .select_related("claim", "counter")  # an untitled pair is named after both
        .first()
    )


def similarity(ops) -> float:
    """Share of words the two sides have in common, 0–1."""
    same = sum(len(op.a_words) for op in ops if op.op == "equal")
    total = sum(len(op.a_words) + len(op.b_words) for op in ops)
    return 2 * same / total if total else 1.0


def quote_diff(a: Claim, b: Claim):
    """Word diff ops when ``a`` and ``b`` read as versions of one quote, else ``None``.

    Versions share most of their words. Two different sentences by the same person are not
    versions of one quote, and a diff between them would only be noise.
    """
    ops = word_diff(a.text, b.text)
    return ops if similarity(ops) >= SAME_QUOTE_SIMILARITY else None


@dataclass
class TopicGroup:
    topic: Topic | None
    claims: list[Claim]


def group_by_topic(claims: Iterable[Claim]) -> list[TopicGroup]:
    """A speaker's timeline by topic: each topic's claims oldest first, topics in the order
    they were first spoken about; claims without a topic last. Topics must be prefetched."""
    groups: dict[int | None, TopicGroup] = {}
    for claim in sorted(claims, key=lambda c: (_when(c), c.slug)):
        topics = list(claim.topics.all()) or [None]
        for topic in topics:
            key = topic.pk if topic else None
            groups.setdefault(key, TopicGroup(topic, [])).claims.append(claim)
    untopical = groups.pop(None, None)
    return [*groups.values(), *([untopical] if untopical else [])]
