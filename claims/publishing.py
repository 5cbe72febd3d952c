"""The publishing rules, in one place: the admin, the import and the tests all call this module.

Nothing unverified is published, and publishing is an editor's act:

* a reporter (``claims.change_*``) sends drafts to review;
* an editor (``claims.publish``) publishes, unpublishes and retracts;
* a quoted statement is published only with a citation whose quote was found verbatim (or
  after normalising typography) in its archived source, and only when its own words are the
  words some source printed;
* a contradiction is published only when both of its sides are published and every quoted
  citation on both sides is verified;
* an editor may publish over a quote rule (never over a draft side) with a recorded reason;
* a case is published and unpublished by an editor too (``publish_case``, ``unpublish_case``);
  it has no quote rules.

Which steps a user may take on an item as it stands is ``allowed_steps`` (the admin's buttons
and actions), each taken by ``take_step``; the first publication date is stamped by
``first_published_at`` alone (the import too).

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
    Case,
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
    contradiction: Contradiction,
    citations_by_claim: dict[int, list[Citation]] | None = None,
    *,
    also_published: frozenset[int] = frozenset(),
) -> Review:
    """``also_published``: the ids of claims to count as published (a plan of
    ``publish_case_with_items`` publishes them first)."""
    review = Review()
    if not contradiction.explanation.strip():
        review.blockers.append(
            f"the contradiction '{contradiction.slug}' has no explanation: say why the two "
            "do not square"
        )
    for label, side in (("claim", contradiction.claim), ("counter-claim", contradiction.counter)):
        if not side.is_published and side.pk not in also_published:
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


def review(
    item: Item | Case, *, citations_by_claim: dict[int, list[Citation]] | None = None
) -> Review:
    """Everything that stands between ``item`` and publication. ``citations_by_claim``: the
    sides' citations in order, when the caller (the import) has read them for many pairs."""
    if isinstance(item, Case):
        return Review()  # a case has no quote rules
    if isinstance(item, Contradiction):
        return _sides_review(item, citations_by_claim)
    return review_claim(item)


def _live_pairs(claim: Claim) -> list[str]:
    pairs = Contradiction.objects.published().involving(
        Claim.objects.filter(pk=claim.pk).values("pk")
    )
    return list(pairs.order_by("slug").values_list("slug", flat=True))


def first_published_at(status: str, published_at: dt.datetime | None) -> dt.datetime | None:
    """The one stamp of a publication date (claims, contradictions, cases; the services below
    and the import): now for a first publication; a later change of status keeps the first
    date (feeds, JSON-LD and the lists' order read it)."""
    if published_at is None and status == Status.PUBLISHED:
        return timezone.now()
    return published_at


# --- which steps may be taken ---------------------------------------------------------------

# The workflow steps of a claim or a contradiction, in the order the admin offers them, and
# the statuses each is taken from (the services refuse any other, in words).
STEPS_FROM = {
    "review": (Status.DRAFT,),
    "publish": (Status.DRAFT, Status.REVIEW),
    "unpublish": (Status.REVIEW, Status.PUBLISHED),
    "retract": (Status.PUBLISHED,),
}
# A case is only published and unpublished: it has no quote rules and no retraction.
CASE_STEPS_FROM = {step: STEPS_FROM[step] for step in ("publish", "unpublish")}


def steps_of(item) -> dict[str, tuple[str, ...]]:
    return CASE_STEPS_FROM if isinstance(item, Case) else STEPS_FROM


def may_take(user, item, step: str) -> bool:
    """Whether ``user``'s role lets them take ``step`` on ``item`` (whatever its status): a
    reporter sends what they may edit to review; every other step is an editor's."""
    if step not in steps_of(item):
        return False
    return can_edit(user, item) if step == "review" else can_publish(user)


def allowed_steps(user, item) -> list[str]:
    """The steps ``user`` may take on ``item`` as it stands: the admin's buttons and actions.
    The services still check the rules (a quote not verified, a side of a live pair)."""
    return [
        step
        for step, statuses in steps_of(item).items()
        if item.status in statuses and may_take(user, item, step)
    ]


# --- the steps ------------------------------------------------------------------------------


def _require(user, permission: bool, what: str) -> None:
    if not permission:
        raise PermissionDenied(f"Only an editor can {what}.")


def _label(item: Item | Case) -> str:
    return f"{item._meta.verbose_name} '{item.slug}'"


def _save(item: Item | Case, *, by, reason: str) -> Item | Case:
    item._history_user = by
    item._change_reason = reason
    item.save()
    return item


@transaction.atomic
def submit_for_review(*, item: Item, by, expected_version: int | None = None) -> Item:
    """A draft goes to the editors. A pair takes its draft sides with it (a pair cannot be
    published before its two statements, so the editor gets the three at once)."""
    if not can_edit(by, item):
        raise PermissionDenied("You cannot edit this item.")
    item = lock_version(item, expected_version)
    if item.status not in STEPS_FROM["review"]:
        raise Refused([f"the {_label(item)} is {item.get_status_display().lower()}, not a draft"])
    item.status = Status.REVIEW
    if isinstance(item, Contradiction):
        for side in (item.claim, item.counter):
            if side.status == Status.DRAFT and can_edit(by, side):
                side = lock_version(side, None)
                side.status = Status.REVIEW
                _save(side, by=by, reason=f"Sent to review with the pair '{item.slug}'")
    return _save(item, by=by, reason="Sent to review")


@transaction.atomic
def publish(
    *, item: Item, by, override_reason: str = "", expected_version: int | None = None
) -> Item:
    """Publish ``item`` if every rule holds, or over the quote rules with a recorded reason."""
    _require(by, can_publish(by), "publish")
    item = lock_version(item, expected_version)
    _refuse_unless_publishable(item)
    found = review(item)
    override_reason = override_reason.strip()
    if found.blockers or (found.unverified and not override_reason):
        problems = found.problems
        if found.unverified and not found.blockers:
            problems = [*problems, "or record why it should be published all the same"]
        raise Refused(problems)
    item.status = Status.PUBLISHED
    item.published_by = by
    item.published_at = first_published_at(item.status, item.published_at)
    item.override_reason = override_reason if found.unverified else ""
    reason = "Published"
    if item.override_reason:
        reason = f"Published over: {'; '.join(found.unverified)}. Reason: {override_reason}"
    return _save(item, by=by, reason=reason[:100])


def _refuse_unless_publishable(item: Item | Case) -> None:
    if item.status in steps_of(item)["publish"]:
        return
    if item.status == Status.PUBLISHED:
        raise Refused([f"the {_label(item)} is already published"])
    if item.status == Status.RETRACTED and not isinstance(item, Case):
        raise Refused(
            [f"the {_label(item)} was retracted: a retraction stands; publish a new item instead"]
        )
    raise Refused([f"the {_label(item)} is {item.get_status_display().lower()}"])


def _refuse_unless_unpublishable(item: Item | Case) -> None:
    if item.status not in steps_of(item)["unpublish"]:
        raise Refused([f"the {_label(item)} is {item.get_status_display().lower()}"])


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
    _refuse_unless_unpublishable(item)
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
    if item.status not in STEPS_FROM["retract"]:
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


@transaction.atomic
def publish_case(*, case: Case, by, expected_version: int | None = None) -> Case:
    """A case goes public (its page, feed and links; its page lists only its published
    items). An editor's act, like every publication; a case has no quote rules."""
    _require(by, can_publish(by), "publish")
    case = lock_version(case, expected_version)
    _refuse_unless_publishable(case)
    case.status = Status.PUBLISHED
    case.published_at = first_published_at(case.status, case.published_at)
    return _save(case, by=by, reason="Published")


@dataclass
class CasePublication:
    """What ``publish_case_with_items`` published (claims first, then pairs, then the case) and
    what it held back, each with every reason in words."""

    case: Case
    published: list[Item] = field(default_factory=list)
    held_back: list[tuple[Item, list[str]]] = field(default_factory=list)
    case_published: bool = False


def in_review(case: Case) -> tuple[list[Claim], list[Contradiction]]:
    """The claims and pairs of ``case`` waiting for an editor."""
    claims = case.claims.filter(status=Status.REVIEW).select_related("speaker").order_by("slug")
    pairs = (
        case.contradictions.filter(status=Status.REVIEW)
        .select_related("claim", "counter")
        .order_by("slug")
    )
    return list(claims), list(pairs)


def case_publication_plan(case: Case) -> CasePublication:
    """What ``publish_case_with_items`` would do now, saving nothing: each claim in review
    that meets the quote rules, then each pair in review whose sides are (or would then be)
    published and verified; the rest held back with the rules' reasons. No override here:
    publishing over a rule stays an item's own step, with its own reason."""
    plan = CasePublication(case=case)
    claims, pairs = in_review(case)
    for claim in claims:
        found = review_claim(claim)
        if found.ok:
            plan.published.append(claim)
        else:
            plan.held_back.append((claim, found.problems))
    going = frozenset(claim.pk for claim in plan.published)
    for pair in pairs:
        found = _sides_review(pair, also_published=going)
        if found.ok:
            plan.published.append(pair)
        else:
            plan.held_back.append((pair, found.problems))
    return plan


@transaction.atomic
def publish_case_with_items(
    *, case: Case, by, expected_version: int | None = None
) -> CasePublication:
    """Publish in one pass: the case's claims in review that meet the rules, then its pairs in
    review whose sides are then published, then the case itself (unless it already is). Each
    item goes through ``publish`` (its own rules and history row); what it refuses is held
    back with its reasons and stays in review."""
    _require(by, can_publish(by), "publish")
    case = lock_version(case, expected_version)
    if case.status not in CASE_STEPS_FROM["publish"] and case.status != Status.PUBLISHED:
        _refuse_unless_publishable(case)
    plan = case_publication_plan(case)
    result = CasePublication(case=case, held_back=list(plan.held_back))
    for item in plan.published:
        try:
            result.published.append(publish(item=item, by=by))
        except Refused as refusal:
            result.held_back.append((item, refusal.problems))
    if case.status != Status.PUBLISHED:
        result.case = publish_case(case=case, by=by)
        result.case_published = True
    return result


@transaction.atomic
def unpublish_case(*, case: Case, by, expected_version: int | None = None) -> Case:
    """Back to draft: the case's page and feed leave the site (404); its items stay as they
    are. Its first publication date is kept."""
    _require(by, can_publish(by), "unpublish")
    case = lock_version(case, expected_version)
    _refuse_unless_unpublishable(case)
    reason = "Unpublished" if case.status == Status.PUBLISHED else "Sent back to draft"
    case.status = Status.DRAFT
    return _save(case, by=by, reason=reason)


def take_step(
    step: str,
    *,
    item: Item | Case,
    by,
    expected_version: int | None = None,
    override_reason: str = "",
    reason: str = "",
) -> Item | Case:
    """Take the workflow ``step`` (a key of ``steps_of(item)``) on a claim, a contradiction or
    a case, by its service: the admin's buttons and actions call this."""
    common = {"by": by, "expected_version": expected_version}
    if step not in steps_of(item):
        raise Refused([f"a {item._meta.verbose_name} has no step '{step}'"])
    if isinstance(item, Case):
        service = publish_case if step == "publish" else unpublish_case
        return service(case=item, **common)
    if step == "review":
        return submit_for_review(item=item, **common)
    if step == "publish":
        return publish(item=item, override_reason=override_reason, **common)
    if step == "unpublish":
        return unpublish(item=item, **common)
    return retract(item=item, reason=reason, **common)


def needs_attention(item: Item | Case) -> list[str]:
    """For a published item: the quote rules it no longer meets (a source's text replaced, a
    citation edited), unless an editor published it over them. For many rows at once:
    ``Claim.objects.needing_attention()``, ``Contradiction.objects.needing_attention()``
    (the same answer: tests/claims/test_rules_agree.py)."""
    if isinstance(item, Case) or item.status != Status.PUBLISHED or item.override_reason:
        return []
    return review(item).unverified
