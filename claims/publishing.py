"""The publishing rules, in one place: the admin, the import and the tests all call this module.

Nothing unverified is published, and publishing is an editor's act:

* a reporter (``claims.change_*``) sends drafts to review;
* an editor (``claims.publish``) publishes, unpublishes and retracts;
* a quoted statement is published only with a citation whose quote was found verbatim (or
  after normalising typography) in its archived source, and only when its own words are the
  words some source printed;
* a contradiction is published only when both of its sides are published and every quoted
  citation on both sides is verified;
* an editor may publish over a quote rule (never over a draft side) with a recorded reason.

Each step is one transaction, keyword-only, and refuses with every reason in words
(``Refused.problems``). A caller that knows which version of the record it showed passes
``expected_version``; a record saved by someone else since is refused (EditConflict).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from claims import guard
from claims.models import (
    VERIFICATION_WORDS,
    Citation,
    Claim,
    ClaimKind,
    Contradiction,
    Correction,
    CorrectionKind,
    Status,
    VerificationState,
)
from claims.slugs import free_slug
from rust_tracker.versioning import lock_version
from sources.text import same_wording

PUBLISH_PERMISSION = guard.PUBLISH_PERMISSION

Item = Claim | Contradiction


class Refused(Exception):
    """A workflow step that cannot be taken, with every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Review:
    """What stands between an item and publication.

    ``blockers`` no one can override (a draft side); ``unverified`` an editor may publish over
    with a recorded reason (a quote not found in its source)."""

    blockers: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.blockers + self.unverified

    @property
    def ok(self) -> bool:
        return not self.problems


# --- the rules ------------------------------------------------------------------------------


can_publish = guard.is_editor


def can_edit(user, item) -> bool:
    """Reporters edit what the public does not read (drafts, items in review, a speaker only
    drafts name...); what it reads is an editor's to change (the rule: claims/guard.py), a
    reporter proposes a revision instead (claims/revisions.py)."""
    codename = f"{item._meta.app_label}.change_{item._meta.model_name}"
    if not (user and user.is_active and user.has_perm(codename)):
        return False
    return can_publish(user) or not guard.is_public(item)


def can_propose(user, item) -> bool:
    """A reporter's change to what the public reads becomes a proposed revision."""
    codename = f"{item._meta.app_label}.change_{item._meta.model_name}"
    return bool(
        user
        and user.is_active
        and user.has_perm(codename)
        and not can_publish(user)
        and guard.is_public(item)
    )


def _state_problem(citation: Citation) -> str:
    words = citation.state_words
    score = citation.verification_score
    score = f" (score {score:.0f})" if words.scored and score else ""
    what = (words.problem or VERIFICATION_WORDS[VerificationState.UNCHECKED].problem).format(
        score=score
    )
    if citation.drifted:
        what += " since the source's text was replaced"
    return what


def review_claim(claim: Claim, *, citations: list[Citation] | None = None) -> Review:
    """The quote rules for one claim (its status is the caller's business)."""
    review = Review()
    if claim.kind != ClaimKind.QUOTE:
        return review
    if citations is None:
        citations = list(claim.citations.select_related("source"))
    if not citations:
        review.unverified.append(
            f"the quoted statement '{claim.slug}' cites no source: add the source that printed it"
        )
        return review
    verified = [c for c in citations if c.is_verified]
    if not verified:
        for number, citation in enumerate(citations, start=1):
            review.unverified.append(
                f"citation {number} of '{claim.slug}' {_state_problem(citation)}"
            )
    elif not any(same_wording(claim.text, c.quote) for c in verified):
        review.unverified.append(
            f"the words of '{claim.slug}' are not the words any verified citation printed: "
            "make the statement one source's wording"
        )
    return review


def _sides_review(
    contradiction: Contradiction, citations_by_claim: dict[int, list[Citation]] | None = None
) -> Review:
    review = Review()
    if not contradiction.explanation.strip():
        review.blockers.append(
            f"the contradiction '{contradiction.slug}' has no explanation: say why the two "
            "do not square"
        )
    for label, side in (("claim", contradiction.claim), ("counter-claim", contradiction.counter)):
        if side.status != Status.PUBLISHED:
            article = "a " if side.status == Status.DRAFT else ""
            review.blockers.append(
                f"the {label} '{side.slug}' is {article}{side.get_status_display().lower()}"
            )
        if citations_by_claim is not None:
            citations = citations_by_claim[side.pk]
        else:
            citations = side.citations.select_related("source")
        for number, citation in enumerate(citations, start=1):
            if not citation.is_verified:
                review.unverified.append(
                    f"citation {number} of '{side.slug}' {_state_problem(citation)}"
                )
    return review


# What ``review`` reads of a pair, its sides and the sides' citations: a caller reviewing many
# pairs (the import) reads only these (``.only()``). Kept here, beside the rules that read them.
PAIR_REVIEW_FIELDS = [
    "slug",
    "explanation",
    "override_reason",
    *(f"{side}__{name}" for side in ("claim", "counter") for name in ("slug", "status")),
]
CITATION_REVIEW_FIELDS = ["claim_id", "verification_state", "verification_score", "drifted"]


def review(item: Item, *, citations_by_claim: dict[int, list[Citation]] | None = None) -> Review:
    """Everything that stands between ``item`` and publication. ``citations_by_claim``: the
    sides' citations in order, when the caller (the import) has read them for many pairs."""
    if isinstance(item, Contradiction):
        return _sides_review(item, citations_by_claim)
    return review_claim(item)


def _live_pairs(claim: Claim) -> list[str]:
    pairs = Contradiction.objects.published().filter(
        pk__in=Contradiction.objects.filter(claim=claim)
        .values("pk")
        .union(Contradiction.objects.filter(counter=claim).values("pk"))
    )
    return list(pairs.order_by("slug").values_list("slug", flat=True))


# --- the steps ------------------------------------------------------------------------------


def _require(user, permission: bool, what: str) -> None:
    if not permission:
        raise PermissionDenied(f"Only an editor can {what}.")


def _label(item: Item) -> str:
    kind = "contradiction" if isinstance(item, Contradiction) else "claim"
    return f"{kind} '{item.slug}'"


def _save(item: Item, *, by, reason: str) -> Item:
    item._history_user = by
    item._change_reason = reason
    item.save()
    return item


@transaction.atomic
def submit_for_review(*, item: Item, by, expected_version: int | None = None) -> Item:
    """A draft goes to the editors."""
    if not can_edit(by, item):
        raise PermissionDenied("You cannot edit this item.")
    item = lock_version(item, expected_version)
    if item.status != Status.DRAFT:
        raise Refused([f"the {_label(item)} is {item.get_status_display().lower()}, not a draft"])
    item.status = Status.REVIEW
    return _save(item, by=by, reason="Sent to review")


@transaction.atomic
def publish(
    *, item: Item, by, override_reason: str = "", expected_version: int | None = None
) -> Item:
    """Publish ``item`` if every rule holds, or over the quote rules with a recorded reason."""
    _require(by, can_publish(by), "publish")
    item = lock_version(item, expected_version)
    if item.status == Status.PUBLISHED:
        raise Refused([f"the {_label(item)} is already published"])
    if item.status == Status.RETRACTED:
        raise Refused(
            [f"the {_label(item)} was retracted: a retraction stands; publish a new item instead"]
        )
    found = review(item)
    override_reason = override_reason.strip()
    if found.blockers or (found.unverified and not override_reason):
        problems = found.problems
        if found.unverified and not found.blockers:
            problems = [*problems, "or record why it should be published all the same"]
        raise Refused(problems)
    item.status = Status.PUBLISHED
    item.published_by = by
    item.published_at = item.published_at or timezone.now()
    item.override_reason = override_reason if found.unverified else ""
    reason = "Published"
    if item.override_reason:
        reason = f"Published over: {'; '.join(found.unverified)}. Reason: {override_reason}"
    return _save(item, by=by, reason=reason[:100])


def _refuse_if_in_live_pairs(item: Item, what: str) -> None:
    if isinstance(item, Claim):
        pairs = _live_pairs(item)
        if pairs:
            names = ", ".join(f"'{slug}'" for slug in pairs)
            raise Refused(
                [
                    f"the {_label(item)} is a side of the published contradiction(s) {names}: "
                    f"{what} them first"
                ]
            )


@transaction.atomic
def unpublish(*, item: Item, by, expected_version: int | None = None) -> Item:
    """Back to draft: a published item leaves the site (404), an item in review goes back to
    its reporter."""
    _require(by, can_publish(by), "unpublish")
    item = lock_version(item, expected_version)
    if item.status not in (Status.PUBLISHED, Status.REVIEW):
        raise Refused([f"the {_label(item)} is {item.get_status_display().lower()}"])
    if item.status == Status.PUBLISHED:
        _refuse_if_in_live_pairs(item, "unpublish or retract")
    reason = "Unpublished" if item.status == Status.PUBLISHED else "Sent back to draft"
    item.status = Status.DRAFT
    return _save(item, by=by, reason=reason)


@transaction.atomic
def retract(
    *, item: Item, by, reason: str, expected_version: int | None = None, on: dt.date | None = None
) -> Item:
    """Withdraw a published item in public: it keeps its URL with a notice, leaves lists,
    search and live feeds, and its retraction is listed with the corrections."""
    _require(by, can_publish(by), "retract")
    reason = reason.strip()
    if not reason:
        raise Refused(["say why it is retracted: the reason is shown to readers"])
    item = lock_version(item, expected_version)
    if item.status != Status.PUBLISHED:
        raise Refused(
            [
                f"only a published item can be retracted; the {_label(item)} is "
                f"{item.get_status_display().lower()}"
            ]
        )
    _refuse_if_in_live_pairs(item, "retract")
    now = timezone.now()
    item.status = Status.RETRACTED
    item.retracted_at = now
    item.retraction_reason = reason
    _save(item, by=by, reason="Retracted")
    on = on or timezone.localdate()
    correction = Correction(
        slug=free_slug(Correction, f"{item.slug}-retraction"),
        kind=CorrectionKind.RETRACTION,
        published_on=on,
        text=reason,
        **({"contradiction": item} if isinstance(item, Contradiction) else {"claim": item}),
    )
    correction._history_user = by
    correction.save()
    return item


def needs_attention(item: Item) -> list[str]:
    """For a published item: the quote rules it no longer meets (a source's text replaced, a
    citation edited), unless an editor published it over them."""
    if item.status != Status.PUBLISHED or item.override_reason:
        return []
    return review(item).unverified
