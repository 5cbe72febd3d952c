"""The desk: what the admin's home page shows a newsroom user (rust_tracker/admin_site.py).

- the review queue, grouped by case: the claims, pairs and cases waiting for an editor, each
  a link to its page (a case's page has "Publish case", which publishes them in one pass);
- what needs attention: published items that no longer meet the quote rules
  (``needing_attention``), drifted citations, items published over a rule (with the editor's
  reason), proposed revisions waiting for an editor;
- the latest changes: the newest history rows of claims, pairs and cases.

A few bounded queries, whatever the size of the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from heapq import nlargest

from django.urls import reverse

from claims.models import (
    Case,
    Citation,
    Claim,
    Contradiction,
    Revision,
    RevisionStatus,
    Status,
)
from rust_tracker.caching import stats as public_cache_stats

# How many rows each part of the desk shows at most.
LIMIT = 50
LATEST = 15


def change_url(obj) -> str:
    return reverse(f"admin:claims_{obj._meta.model_name}_change", args=[obj.pk])


@dataclass
class QueueGroup:
    case: Case | None
    claims: list[Claim] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)

    @property
    def url(self) -> str:
        return change_url(self.case) if self.case else ""


def review_queue() -> list[QueueGroup]:
    """The items in review, by case (a case in review is a group of its own even when none of
    its items is); items in no case last."""
    groups: dict[int | None, QueueGroup] = {}
    for case in Case.objects.filter(status=Status.REVIEW).order_by("title")[:LIMIT]:
        groups[case.pk] = QueueGroup(case)
    claims = (
        Claim.objects.filter(status=Status.REVIEW)
        .select_related("speaker")
        .prefetch_related("cases")
        .order_by("slug")[:LIMIT]
    )
    pairs = (
        Contradiction.objects.filter(status=Status.REVIEW)
        .prefetch_related("cases")
        .order_by("slug")[:LIMIT]
    )
    for items, attribute in ((claims, "claims"), (pairs, "contradictions")):
        for item in items:
            for case in list(item.cases.all()) or [None]:
                key = case.pk if case else None
                group = groups.setdefault(key, QueueGroup(case))
                getattr(group, attribute).append(item)
    return sorted(groups.values(), key=lambda g: (g.case is None, g.case.title if g.case else ""))


def attention() -> dict:
    published = {"status": Status.PUBLISHED}
    overrides = [
        *Claim.objects.filter(**published).exclude(override_reason="").order_by("slug")[:LIMIT],
        *Contradiction.objects.filter(**published)
        .exclude(override_reason="")
        .order_by("slug")[:LIMIT],
    ]
    return {
        "claims": list(Claim.objects.needing_attention().order_by("slug")[:LIMIT]),
        "contradictions": list(Contradiction.objects.needing_attention().order_by("slug")[:LIMIT]),
        "drifted": list(
            Citation.objects.filter(drifted=True)
            .select_related("claim", "source")
            .order_by("claim__slug", "pk")[:LIMIT]
        ),
        "overrides": [(item, change_url(item)) for item in overrides],
        "revisions": list(
            Revision.objects.filter(status=RevisionStatus.PENDING).select_related("proposed_by")[
                :LIMIT
            ]
        ),
    }


@dataclass
class Change:
    when: object
    who: str
    what: str
    kind: str
    label: str
    url: str


def latest_changes() -> list[Change]:
    """The newest history rows of claims, pairs and cases, newest first."""
    rows = []
    for model in (Claim, Contradiction, Case):
        history = model.history.select_related("history_user").order_by("-history_date")
        rows.extend((row, model) for row in history[:LATEST])
    changes = []
    for row, model in nlargest(LATEST, rows, key=lambda pair: pair[0].history_date):
        what = row.history_change_reason or {"+": "Created", "~": "Changed", "-": "Deleted"}.get(
            row.history_type, "Changed"
        )
        url = "" if row.history_type == "-" else change_url(model(pk=row.id))
        changes.append(
            Change(
                when=row.history_date,
                who=row.history_user.get_username() if row.history_user else "",
                what=what,
                kind=str(model._meta.verbose_name),
                label=row.slug,
                url=url,
            )
        )
    return changes


def watch_desk() -> dict:
    """The watch's open alerts (a cited passage changed, a contradicted claim said again) and
    how its re-checks go: two queries."""
    from django.db.models import Count, Max, Q

    from watch.models import Alert, Outcome, WatchedSource

    return {
        "alerts": list(Alert.objects.filter(resolved_at=None).order_by("-created_at")[:LIMIT]),
        "sources": WatchedSource.objects.aggregate(
            watched=Count("pk"),
            failing=Count("pk", filter=Q(last_outcome=Outcome.FAILED)),
            last=Max("last_checked_at"),
        ),
    }


def desk_context(user) -> dict:
    """The desk for ``user``: empty for someone who cannot read claims."""
    if not user.has_perm("claims.view_claim"):
        return {}
    return {
        "desk": True,
        "queue": review_queue(),
        "attention": attention(),
        "latest_changes": latest_changes(),
        "revisions_url": reverse("admin:claims_revision_changelist"),
        "watch": watch_desk(),
        "public_cache": public_cache_stats(),  # no SQL: counters in the cache
    }
