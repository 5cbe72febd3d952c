"""Work inside a case (issue 19, point 2): what the desk sees on a case's admin page, and what
makes an item made inside a case belong to it.

- ``workspace(case)``: the case's sources, the quotes found in them, its claims and pairs each
  with its rule status (the rules are claims/publishing.py's, read here for many items at
  once), and its claims not yet paired; a few queries whatever the size of the case (the
  speakers on record read once for all its sources' quotes).
- ``set_source_cases`` and ``add_source``: a source joins (or leaves) cases, always written
  from the case's side, so the history row is the case's (``Case.sources``).
- ``take_source_case``: a claim made from a quote of a source that belongs to exactly one case
  takes that case (the quote flows call it after making the claim).

A pair takes the cases its two claims share: ``curation.take_shared_cases``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from claims import curation, publishing
from claims.models import Case, Citation, Claim, Contradiction, Status
from sources.models import Source
from sources.text.extract import Candidate

# How many quotes of one source the workspace lists before pointing to the source's page.
CANDIDATES_PER_SOURCE = 30


# --- belonging to a case --------------------------------------------------------------------


def _as_case_change(case: Case, by) -> Case:
    """simple-history dates a case's list change with the user set on the instance."""
    case._history_user = by
    return case


@transaction.atomic
def add_source(*, case: Case, source: Source, by=None) -> None:
    """``source`` is one of the documents the desk works from for ``case``."""
    if not case.sources.filter(pk=source.pk).exists():
        _as_case_change(case, by).sources.add(source)


@transaction.atomic
def set_source_cases(*, source: Source, cases: Iterable[Case], by=None) -> None:
    """``source`` belongs to ``cases`` and to no other case, each change written on the case's
    side (its history row)."""
    wanted = {case.pk: case for case in cases}
    current = {case.pk: case for case in source.cases.all()}
    for pk, case in wanted.items():
        if pk not in current:
            _as_case_change(case, by).sources.add(source)
    for pk, case in current.items():
        if pk not in wanted:
            _as_case_change(case, by).sources.remove(source)


@transaction.atomic
def take_source_case(*, claim: Claim, source: Source, by=None) -> Case | None:
    """A claim made from a quote of ``source`` takes the source's case when the source belongs
    to exactly one (with several, which story the words belong to is the curator's choice).
    Returns the case given, or None."""
    cases = list(source.cases.all()[:2])
    if len(cases) != 1:
        return None
    (case,) = cases
    if not claim.cases.filter(pk=case.pk).exists():
        claim._history_user = by
        claim.cases.add(case)
    return case


# --- the workspace --------------------------------------------------------------------------


@dataclass
class RuleStatus:
    """An item's standing against the publishing rules, in words: ``problems`` stand between
    a draft or an item in review and publication (publishing.review); ``attention`` is what a
    published item no longer meets (publishing.needs_attention)."""

    problems: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    overridden: str = ""  # the editor's reason, for an item published over a rule

    @property
    def ok(self) -> bool:
        return not self.problems and not self.attention


@dataclass
class Row:
    item: Claim | Contradiction
    rules: RuleStatus


@dataclass
class QuoteRow:
    candidate: Candidate
    claim_url: str
    cite_url: str
    cited_by: Claim | None = None


@dataclass
class SourceRow:
    source: Source
    quotes: list[QuoteRow] = field(default_factory=list)
    more: int = 0  # quotes not listed (see the source's page)

    @property
    def uncited(self) -> int:
        return sum(1 for row in self.quotes if row.cited_by is None) + self.more


@dataclass
class Workspace:
    case: Case
    sources: list[SourceRow]
    claims: list[Row]
    pairs: list[Row]
    unpaired: list[Claim]


def quote_url(source: Source, candidate: Candidate, action: str) -> str:
    """The source page's own flow for a quote: ``claim`` (a new claim) or ``cite`` (add it to a
    claim on record); the one address of it (the source's candidate table, the workspace and
    the watch's alerts link it)."""
    url = reverse(
        "admin:sources_source_quote", args=[source.pk, candidate.start, candidate.end, action]
    )
    return f"{url}?sha256={source.sha256}"


def _source_rows(case: Case) -> list[SourceRow]:
    sources = list(case.sources.select_related("outlet").order_by("published_on", "title", "pk"))
    cited: dict[tuple[int, int | None, int | None], Citation] = {}
    if sources:
        for citation in (
            Citation.objects.filter(source__in=sources)
            .exclude(anchor_start=None)
            .select_related("claim")
            .only("source_id", "anchor_start", "anchor_end", "claim__slug", "claim__status")
        ):
            cited[(citation.source_id, citation.anchor_start, citation.anchor_end)] = citation
    rows = []
    speakers = curation.known_speakers() if any(source.text for source in sources) else []
    for source in sources:
        row = SourceRow(source)
        found = curation.candidates(source, speakers) if source.text else []
        for candidate in found[:CANDIDATES_PER_SOURCE]:
            citation = cited.get((source.pk, candidate.start, candidate.end))
            row.quotes.append(
                QuoteRow(
                    candidate,
                    claim_url=quote_url(source, candidate, "claim"),
                    cite_url=quote_url(source, candidate, "cite"),
                    cited_by=citation.claim if citation else None,
                )
            )
        row.more = max(0, len(found) - CANDIDATES_PER_SOURCE)
        rows.append(row)
    return rows


def _rules(
    item: Claim | Contradiction,
    citations: dict[int, list[Citation]],
    attention: set[int],
) -> RuleStatus:
    """The publishing rules on ``item``, from citations read for all the items at once."""
    if item.status == Status.PUBLISHED and item.override_reason:
        return RuleStatus(overridden=item.override_reason)
    if isinstance(item, Contradiction):
        found = publishing.review(item, citations_by_claim=citations)
    else:
        found = publishing.review_claim(item, citations=citations[item.pk])
    if item.status == Status.PUBLISHED:  # needing_attention: needs_attention for many rows
        return RuleStatus(attention=found.unverified if item.pk in attention else [])
    if item.is_on_record:  # retracted: off the site's lists, its notice stands
        return RuleStatus()
    return RuleStatus(problems=found.problems)


def workspace(case: Case) -> Workspace:
    """Everything the desk works on in ``case``, each item with its rule status."""
    claims = list(case.claims.select_related("speaker").order_by("said_on", "slug"))
    pairs = list(
        case.contradictions.select_related("claim__speaker", "counter__speaker").order_by("slug")
    )
    sides = {claim.pk for claim in claims}
    sides |= {pair.claim_id for pair in pairs} | {pair.counter_id for pair in pairs}
    citations: dict[int, list[Citation]] = {pk: [] for pk in sides}
    if sides:
        for citation in (
            Citation.objects.filter(claim_id__in=sides)
            .select_related("source")
            .order_by("claim_id", "position", "pk")
        ):
            citations[citation.claim_id].append(citation)
    attention: set[int] = set()
    if any(claim.status == Status.PUBLISHED for claim in claims):
        attention |= set(
            Claim.objects.filter(pk__in=[c.pk for c in claims])
            .needing_attention()
            .values_list("pk", flat=True)
        )
    pair_attention: set[int] = set()
    if any(pair.status == Status.PUBLISHED for pair in pairs):
        pair_attention = set(
            Contradiction.objects.filter(pk__in=[p.pk for p in pairs])
            .needing_attention()
            .values_list("pk", flat=True)
        )
    paired = {pair.claim_id for pair in pairs} | {pair.counter_id for pair in pairs}
    return Workspace(
        case=case,
        sources=_source_rows(case),
        claims=[Row(claim, _rules(claim, citations, attention)) for claim in claims],
        pairs=[Row(pair, _rules(pair, citations, pair_attention)) for pair in pairs],
        unpaired=[claim for claim in claims if claim.pk not in paired],
    )
