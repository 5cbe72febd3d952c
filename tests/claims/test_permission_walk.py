"""The permission walk: a published or retracted item changes only by an editor's act, and so
does what the public reads through it (its speaker, topics, cases, outlet, its cited sources'
archived text, its citations and corrections). A reporter edits drafts and items in review
freely, and may propose a change to a published item: the proposal changes nothing by itself.

Every URL pattern of the project is walked (the URL conf is enumerated: a pattern without an
entry in ROUTES fails), for every seeded item (published, retracted, draft, in review), as a
reporter (Reporter group, staff) and as a visitor. Each page is fetched, and every form on it
is posted back (with its CSRF token; CSRF checks on) in every variant walk_support.submissions
describes: unchanged; changed (every text a marker, ``PWNED-<n>``; every date, number, choice
changed; boxes flipped; chosen ids re-aimed: at unpublished items from a published or
retracted item's page, at published or retracted ones from any other page); changed with the
next ids; its hidden row ids re-aimed; its inline rows deleted; a file uploaded; once per
submit button (a button's own formaction honoured). A changelist's action form is posted once
per action it lists, with every seeded item of the model selected (and a confirmation page
confirmed). Every pattern is also posted to blind, with a plausible body.

After every request the rows the public reads are fingerprinted (walk_support); any that
moved is a failure, named with the request that moved it. At the end no public page, fetched
anonymously, may show a marker, and no request may have answered 500.

WALK_LOG=<file> appends every request of the walk and its answer to that file.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from claims import publishing
from claims.models import Citation, Contradiction, Correction, CorrectionKind, Status
from claims.sitemaps import SITEMAPS
from claims.verification import replace_source_text, verify_citation
from claims.views import SUGGESTERS
from tests.factories import (
    make_case,
    make_claim,
    make_contradiction,
    make_outlet,
    make_source,
    make_speaker,
    make_topic,
)
from tests.walk_support import (
    MARK_RE,
    Markers,
    Walker,
    body,
    diff,
    full_fingerprint,
    is_html,
    parse_forms,
    path_of,
    public_fingerprint,
    submissions,
    url_patterns,
)

pytestmark = pytest.mark.django_db

# --- the seeded newsroom ------------------------------------------------------------------

KIND = {  # a seeded item's state -> public (the public reads it) or unpublished
    "published": "public",
    "retracted": "public",
    "draft": "unpublished",
    "review": "unpublished",
    "draft side of the retracted pair": "unpublished",
}


@dataclass
class World:
    editor: User
    reporter: User
    items: dict[str, dict[str, object]] = field(default_factory=dict)  # model -> state -> item
    # source state -> the (start, end, sha256) of each quote its page offers to cite
    quotes: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    # model -> "public" (published, retracted) or "unpublished" (draft, review) -> ids: what a
    # changed form's ids are re-aimed at (the walked items and a few more)
    pools: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def id_of(self, model: str, kind: str, n: int = 0) -> str | None:
        pool = self.pools.get(model, {}).get(kind) or []
        return pool[n % len(pool)] if pool else None

    def ids(self, model: str) -> list[str]:
        return [str(item.pk) for item in self.items.get(model, {}).values()]


def person(role: str, name: str) -> User:
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


def seed() -> World:
    """For every model, items that are published, retracted and draft (and in review where the
    model has a status), each with more than one version in its history; for the models
    without a status, "published" is the one a published claim uses, and so on."""
    editor = person("Editor", "walk-editor")
    reporter = person("Reporter", "walk-reporter")
    world = World(editor, reporter)
    states = ("published", "retracted", "draft")

    def by_editor(obj, **changes):
        """A later version, saved by the editor: the history has an older one to revert to."""
        for name, value in changes.items():
            setattr(obj, name, value)
        obj._history_user = editor
        obj.save()
        return obj

    outlets = {s: make_outlet(slug=f"walk-outlet-{s}", name=f"Early outlet {s}") for s in states}
    speakers = {
        s: make_speaker(slug=f"walk-speaker-{s}", name=f"Early Speaker {s.title()}") for s in states
    }
    topics = {s: make_topic(slug=f"walk-topic-{s}", name=f"Early topic {s}") for s in states}
    # a case is only published and unpublished (no review, no retraction): one of each state
    cases = {
        s: make_case(slug=f"walk-case-{s}", title=f"Early case {s}", status=Status.DRAFT)
        for s in ("published", "draft")
    }
    for s in states:
        by_editor(outlets[s], name=f"Outlet {s}")
        by_editor(speakers[s], name=f"Speaker {s.title()}")
        by_editor(topics[s], name=f"Topic {s}")
    for s, case in cases.items():
        by_editor(case, title=f"Case {s}")

    said = {
        "published": [
            "The plant is safe.",
            "The plant is closed.",
            "Taxes will fall.",
            "Taxes will rise.",
        ],
        "retracted": ["The bridge is sound."],
        "draft": ["The river is clean.", "The river is dirty."],
    }
    # each source also quotes another state's speaker in words a claim of that state has (not
    # citing this source): its quote page offers that claim to cite; the draft source's
    # offers the published claim
    crossed = {
        "published": ("draft", said["draft"][0]),
        "retracted": ("published", said["published"][1]),
        "draft": ("published", said["published"][0]),
    }
    sources = {}
    for s in states:
        name = speakers[s].name
        source = make_source(
            slug=f"walk-source-{s}",
            title=f"Source {s}",
            outlet=outlets[s],
            text=f"An early capture. {name} said: “Nothing yet.”",
        )
        source._history_user = editor
        text = " ".join(f"{name} said: “{words}”" for words in said[s])
        uncited = f" {name} said: “The {s} source holds a quote no one cited yet.”"
        other, words = crossed[s]
        uncited += f" {speakers[other].name} said: “{words}”"
        replace_source_text(source=source, text=text + uncited + " The record ends here.")
        sources[s] = source

    def claim(slug: str, words: str, state: str, **links):
        item = make_claim(
            slug=f"walk-claim-{slug}",
            speaker=speakers[state],
            text=f"Early wording of {slug}.",
            status=Status.DRAFT,
        )
        by_editor(item, text=words)
        citation = Citation.objects.create(claim=item, source=sources[state], quote=words)
        verify_citation(citation=citation)
        by_editor(Citation.objects.get(pk=citation.pk), note=f"Checked by the desk ({slug}).")
        for name, values in links.items():
            getattr(item, name).set(values)
        return item

    claim_pub = claim("published", said["published"][0], "published")
    claim_pub.topics.set([topics["published"]])
    claim_pub.cases.set([cases["published"]])
    claim_pub2 = claim("published-counter", said["published"][1], "published")
    side_pub = claim("side-published", said["published"][2], "published")
    side_draft = claim("side-draft", said["published"][3], "published")
    claim_ret = claim("retracted", said["retracted"][0], "retracted")
    claim_ret.topics.set([topics["retracted"]])
    claim_ret.cases.set([cases["published"]])
    claim_draft = claim("draft", said["draft"][0], "draft")
    claim_draft.topics.set([topics["draft"]])
    claim_draft.cases.set([cases["draft"]])
    claim_review = claim("review", said["draft"][1], "draft")
    for item in (claim_pub, claim_pub2, side_pub, side_draft, claim_ret):
        publishing.publish(item=item, by=editor)
    publishing.submit_for_review(item=claim_review, by=reporter)
    publishing.retract(item=claim_ret, by=editor, reason="Walk: the bridge claim was wrong.")

    def pair(slug: str, one, other, cases_=()):
        item = make_contradiction(
            slug=f"walk-pair-{slug}",
            title=f"Early title {slug}",
            claim=one,
            counter=other,
            status=Status.DRAFT,
        )
        by_editor(item, title=f"Pair {slug}")
        item.cases.set(cases_)
        return item

    pair_pub = pair("published", claim_pub, claim_pub2, [cases["published"]])
    pair_ret = pair("retracted", side_pub, side_draft, [cases["published"]])
    pair_draft = pair("draft", claim_draft, claim_review, [cases["draft"]])
    pair_review = pair("review", claim_review, side_draft)
    publishing.publish_case(case=cases["published"], by=editor)
    publishing.publish(item=pair_pub, by=editor)
    publishing.publish(item=pair_ret, by=editor)
    publishing.retract(item=pair_ret, by=editor, reason="Walk: the pair did not hold.")
    publishing.submit_for_review(item=pair_review, by=reporter)

    def correction(slug: str, **target):
        item = Correction(
            slug=f"walk-correction-{slug}",
            kind=CorrectionKind.CORRECTION,
            published_on=timezone.localdate(),
            text=f"Early correction text ({slug}).",
            **target,
        )
        item._history_user = editor
        item.save()
        return by_editor(item, text=f"Correction {slug}: a date was wrong.")

    corr_pub = correction("published", claim=claim_pub)
    corr_draft = correction("draft", claim=side_draft)  # while it was published
    # the retracted pair's counter side goes back to draft (it is in no live pair)
    publishing.unpublish(item=side_draft, by=editor)
    corr_ret = Correction.objects.get(claim=claim_ret, kind=CorrectionKind.RETRACTION)
    corr_ret._history_user = editor
    by_editor(corr_ret, text="Walk: the bridge claim was wrong (retracted).")

    def fresh(obj):
        return type(obj).objects.get(pk=obj.pk)

    world.items = {
        "claims.claim": {
            "published": claim_pub,
            "retracted": claim_ret,
            "draft": claim_draft,
            "review": claim_review,
            "draft side of the retracted pair": side_draft,
        },
        "claims.contradiction": {
            "published": pair_pub,
            "retracted": pair_ret,
            "draft": pair_draft,
            "review": pair_review,
        },
        "claims.case": cases,
        "claims.citation": {
            s: Citation.objects.get(claim=c)
            for s, c in (("published", claim_pub), ("retracted", claim_ret), ("draft", claim_draft))
        },
        "claims.correction": {"published": corr_pub, "retracted": corr_ret, "draft": corr_draft},
        "claims.speaker": speakers,
        "claims.topic": topics,
        "sources.outlet": outlets,
        "sources.source": sources,
        "auth.user": {"self": reporter, "other": editor},
        "auth.group": {g.name: g for g in Group.objects.filter(name__in=["Reporter", "Editor"])},
    }
    world.items = {m: {s: fresh(o) for s, o in items.items()} for m, items in world.items.items()}
    for model, items in world.items.items():
        pools = world.pools.setdefault(model, {})
        for state, obj in items.items():
            if state in KIND:
                pools.setdefault(KIND[state], []).append(str(obj.pk))
    # the first two of each pool make a form that passes the rules when they are the ones a
    # form is re-aimed at: two claims not yet paired either way round; a claim and a source
    # it does not cite yet
    spare = make_source(
        slug="walk-source-spare", title="Source spare", text="Nobody said: “Spare words.”"
    )
    world.pools["claims.claim"] = {
        "public": [str(c.pk) for c in (claim_pub, claim_ret, claim_pub2, side_pub)],
        "unpublished": [str(c.pk) for c in (claim_draft, side_draft, claim_review)],
    }
    world.pools["sources.source"] = {
        "public": [str(s.pk) for s in (sources["retracted"], sources["published"])],
        "unpublished": [str(s.pk) for s in (spare, sources["draft"])],
    }
    world.pools["claims.citation"]["public"] += [
        str(c.pk) for c in Citation.objects.filter(claim__in=[claim_pub2, side_pub])
    ]
    assert fresh(pair_ret).status == Status.RETRACTED
    assert fresh(side_draft).status == Status.DRAFT

    # the quotes the source pages offer (as an editor sees them), for the quote endpoints
    client = Client()
    client.force_login(editor)
    for s, source in world.items["sources.source"].items():
        page = client.get(f"/admin/sources/source/{source.pk}/change/").content.decode()
        found = re.findall(
            rf"/admin/sources/source/{source.pk}/quotes/(\d+)-(\d+)/cite/\?sha256=([0-9a-f]+)",
            page,
        )
        assert found, f"the {s} source's page offers no quote to cite: the walk needs one\n{page}"
        world.quotes[s] = sorted({(int(a), int(b), sha) for a, b, sha in found})
    return world


# --- the table: every URL pattern, and how to fill it for each seeded item ------------------


@dataclass
class Target:
    url: str
    state: str  # the seeded item's state, or list/new/none
    model: str | None = None
    obj: object = None
    extra: dict = field(default_factory=dict)


Fill = Callable[[World], list[Target]]


def fixed(*urls: str, state: str = "none", model: str | None = None) -> Fill:
    return lambda world: [Target(url, state, model) for url in urls]


def each(model: str, url: Callable[[object], str], *, suffixes: tuple[str, ...] = ("",)) -> Fill:
    def fill(world: World) -> list[Target]:
        items = world.items.get(model) or {"none": None}
        return [
            Target(url(obj) + suffix if obj is not None else url(None) + suffix, state, model, obj)
            for state, obj in items.items()
            for suffix in suffixes
        ]

    return fill


def pk(obj) -> str:
    return str(obj.pk) if obj is not None else "1"  # "1": a model no one seeded (axes)


def history_rows(model: str, base: str) -> Fill:
    def fill(world: World) -> list[Target]:
        targets = []
        for state, obj in (world.items.get(model) or {"none": None}).items():
            if obj is None or not hasattr(obj, "history"):
                targets.append(Target(f"/{base}{pk(obj)}/history/1/", state, model, obj))
                continue
            # the oldest version (a revert changes the most) and, for what the public reads,
            # the current one too (a revert to it saves the item as it is)
            rows = list(obj.history.order_by("history_id"))
            rows = [rows[0], rows[-1]] if KIND.get(state) == "public" else rows[:1]
            for row in {row.history_id: row for row in rows}.values():
                url = f"/{base}{obj.pk}/history/{row.history_id}/"
                targets.append(Target(url, state, model, obj, {"history": row.history_id}))
        return targets

    return fill


def admin_model(app: str, model: str, *, history_rows_page: bool = True) -> dict[str, Fill]:
    """The patterns Django's admin and django-simple-history give every registered model."""
    label, base = f"{app}.{model}", f"admin/{app}/{model}/"
    entries = {
        base: fixed(f"/{base}", state="list", model=label),
        f"{base}add/": fixed(f"/{base}add/", state="new", model=label),
        f"{base}<path:object_id>/history/": each(label, lambda o: f"/{base}{pk(o)}/history/"),
        f"{base}<path:object_id>/delete/": each(label, lambda o: f"/{base}{pk(o)}/delete/"),
        f"{base}<path:object_id>/change/": each(label, lambda o: f"/{base}{pk(o)}/change/"),
        f"{base}<path:object_id>/": each(label, lambda o: f"/{base}{pk(o)}/"),
    }
    if history_rows_page:  # django-simple-history's page of one past version (a revert)
        entries[f"{base}^([^/]+)/history/([^/]+)/$"] = history_rows(label, base)
    return entries


STEPS = ("review", "publish", "unpublish", "retract", "no-such-step")


def workflow(model: str) -> Fill:
    base = f"/admin/claims/{model}/"
    return each(
        f"claims.{model}",
        lambda o: f"{base}{o.pk}/workflow/",
        suffixes=tuple(f"{s}/" for s in STEPS),
    )


def quote_endpoints(world: World) -> list[Target]:
    targets = []
    for state, source in world.items["sources.source"].items():
        for start, end, sha256 in world.quotes[state]:
            for action in ("cite", "claim", "no-such-action"):
                url = f"/admin/sources/source/{source.pk}/quotes/{start}-{end}/{action}/"
                targets.append(
                    Target(
                        f"{url}?sha256={sha256}",
                        state,
                        "sources.source",
                        source,
                        {"sha256": sha256},
                    )
                )
    return targets


def passage_endpoints(world: World) -> list[Target]:
    """Any passage of a source's text (claims/admin/quotes.py): the offered quotes' spans, and
    the same spans widened by a character, as offsets in the query."""
    targets = []
    for state, source in world.items["sources.source"].items():
        for start, end, sha256 in world.quotes[state]:
            for action in ("cite", "claim", "no-such-action"):
                for a, b in ((start, end), (max(0, start - 1), end)):
                    url = f"/admin/sources/source/{source.pk}/passage/{action}/"
                    targets.append(
                        Target(
                            f"{url}?start={a}&end={b}&sha256={sha256}",
                            state,
                            "sources.source",
                            source,
                            {"sha256": sha256},
                        )
                    )
    return targets


def capture_endpoints(action: str) -> Fill:
    """A source's captures in the admin (claims/admin/sources.py): each one's WARC record and
    supersede page, and one asked for under another source (404)."""

    def fill(world: World) -> list[Target]:
        targets = []
        sources = world.items["sources.source"]
        for state, source in sources.items():
            for capture in source.captures.order_by("pk"):
                url = f"/admin/sources/source/{source.pk}/captures/{capture.pk}/{action}/"
                targets.append(Target(url, state, "sources.source", source))
                other = next((s for s in sources.values() if s.pk != source.pk), None)
                if other is not None:
                    url = f"/admin/sources/source/{other.pk}/captures/{capture.pk}/{action}/"
                    targets.append(Target(url, state, "sources.source", other))
        return targets

    return fill


AUTOCOMPLETE = [  # (app, model, field) of every autocomplete field of the admin
    ("claims", "claim", "speaker"),
    ("claims", "claim", "topics"),
    ("claims", "claim", "cases"),
    ("claims", "citation", "claim"),
    ("claims", "citation", "source"),
    ("claims", "contradiction", "claim"),
    ("claims", "contradiction", "counter"),
    ("claims", "contradiction", "cases"),
    ("claims", "correction", "claim"),
    ("claims", "correction", "contradiction"),
    ("sources", "source", "outlet"),
]


def autocomplete(world: World) -> list[Target]:
    return [
        Target(
            f"/admin/autocomplete/?app_label={a}&model_name={m}&field_name={f}&term=walk",
            "list",
            f"{a}.{m}",
        )
        for a, m, f in AUTOCOMPLETE
    ]


def view_on_site(world: World) -> list[Target]:
    targets = []
    for model, items in world.items.items():
        if model.startswith("auth."):
            continue
        content_type = ContentType.objects.get_by_natural_key(*model.split("."))
        for state, obj in items.items():
            url = f"/admin/r/{content_type.pk}/{obj.pk}/"
            targets.append(Target(url, state, model, obj))
    return targets


def catch_all(world: World) -> list[Target]:
    claim = world.items["claims.claim"]["published"]
    return [
        Target("/admin/no-such-page/", "none"),
        Target(f"/admin/claims/claim/{claim.pk}", "published", "claims.claim", claim),
    ]


def compare(world: World) -> list[Target]:
    claims = world.items["claims.claim"]
    pairs = [("published", "retracted"), ("published", "draft"), ("draft", "review")]
    return [Target("/compare/", "none")] + [
        Target(f"/compare/?a={claims[a].pk}&b={claims[b].pk}", a, "claims.claim", claims[a])
        for a, b in pairs
    ]


REVISIONS_WALKED = 8  # the walk's own proposals: the first on each item, at most this many


def with_revisions(fill: Fill) -> Fill:
    """A proposal's patterns are filled when walked (after the other patterns, so the proposals
    the reporter made on the way are there): its first proposal on each item."""

    def lazy(world: World) -> list[Target]:
        try:
            revision = apps.get_model("claims", "revision")
        except LookupError:
            revision = None
        items, seen = {}, set()
        for row in revision.objects.order_by("pk") if revision else []:
            key = (getattr(row, "content_type_id", None), getattr(row, "object_id", row.pk))
            if key not in seen and len(items) < REVISIONS_WALKED:
                seen.add(key)
                items[f"{getattr(row, 'status', 'proposal')} #{row.pk}"] = row
        world.items["claims.revision"] = items
        return fill(world)

    return lazy


def revision_entries() -> dict[str, Fill]:
    entries = {
        route: with_revisions(fill)
        for route, fill in admin_model("claims", "revision", history_rows_page=False).items()
    }
    entries["admin/claims/revision/<int:revision_id>/decide/<slug:decision>/"] = with_revisions(
        each(
            "claims.revision",
            lambda o: f"/admin/claims/revision/{pk(o)}/decide/",
            suffixes=("accept/", "reject/", "no-such-decision/"),
        )
    )
    return entries


API_KINDS = {  # the public API's lists and details (api/views.py), by the model they read
    "claims": "claims.claim",
    "contradictions": "claims.contradiction",
    "speakers": "claims.speaker",
    "topics": "claims.topic",
    "cases": "claims.case",
    "sources": "sources.source",
    "corrections": "claims.correction",
}
API_SEARCHED = {"claims", "contradictions", "topics"}

ROUTES: dict[str, Fill] = {
    # the admin site
    "admin/": fixed("/admin/"),
    "admin/login/": fixed("/admin/login/"),
    "admin/logout/": fixed("/admin/logout/"),
    "admin/password_change/": fixed("/admin/password_change/"),
    "admin/password_change/done/": fixed("/admin/password_change/done/"),
    "admin/autocomplete/": autocomplete,
    "admin/jsi18n/": fixed("/admin/jsi18n/"),
    "admin/r/<path:content_type_id>/<path:object_id>/": view_on_site,
    "admin/^(?P<app_label>auth|axes|claims|sources|django_tasks_database|watch)/$": fixed(
        "/admin/auth/",
        "/admin/axes/",
        "/admin/claims/",
        "/admin/sources/",
        "/admin/django_tasks_database/",
        "/admin/watch/",
    ),
    "admin/(?P<url>.*)$": catch_all,
    # the models of the admin (Django's and simple-history's patterns)
    **admin_model("auth", "group", history_rows_page=False),
    **admin_model("auth", "user", history_rows_page=False),
    **admin_model("axes", "accessattempt", history_rows_page=False),
    **admin_model("axes", "accesslog", history_rows_page=False),
    **admin_model("axes", "accessfailurelog", history_rows_page=False),
    **admin_model("claims", "speaker"),
    **admin_model("claims", "topic"),
    **admin_model("claims", "claim"),
    **admin_model("claims", "citation"),
    **admin_model("claims", "contradiction"),
    **admin_model("claims", "correction"),
    **admin_model("claims", "case"),
    **admin_model("sources", "outlet"),
    **admin_model("sources", "source"),
    # the watch and the background tasks (watch/admin.py, django-tasks-db's results)
    **admin_model("django_tasks_database", "dbtaskresult", history_rows_page=False),
    **admin_model("watch", "alert", history_rows_page=False),
    **admin_model("watch", "knownrepeat", history_rows_page=False),
    **admin_model("watch", "watchedsource", history_rows_page=False),
    **admin_model("watch", "casefollower", history_rows_page=False),
    **admin_model("watch", "periodicjob", history_rows_page=False),
    **revision_entries(),  # proposed changes to what the public reads, and an editor's decision
    # the newsroom's own admin endpoints
    "admin/auth/user/<id>/password/": each(
        "auth.user", lambda o: f"/admin/auth/user/{o.pk}/password/"
    ),
    "admin/claims/claim/<int:claim_id>/link/": each(
        "claims.claim", lambda o: f"/admin/claims/claim/{o.pk}/link/"
    ),
    "admin/claims/claim/<path:object_id>/workflow/<slug:step>/": workflow("claim"),
    "admin/claims/contradiction/<path:object_id>/workflow/<slug:step>/": workflow("contradiction"),
    "admin/claims/case/<path:object_id>/workflow/<slug:step>/": workflow("case"),
    "admin/sources/source/<int:source_id>/quotes/<int:start>-<int:end>/<slug:action>/": (
        quote_endpoints
    ),
    "admin/sources/source/<int:source_id>/passage/<slug:action>/": passage_endpoints,
    "admin/sources/source/<int:source_id>/captures/<int:capture_id>/warc/": capture_endpoints(
        "warc"
    ),
    "admin/sources/source/<int:source_id>/captures/<int:capture_id>/supersede/": (
        capture_endpoints("supersede")
    ),
    # the public site
    "sitemap.xml": fixed("/sitemap.xml"),
    "sitemap-<section>.xml": fixed(*(f"/sitemap-{s}.xml" for s in SITEMAPS)),
    "": fixed("/"),
    "claims/": fixed("/claims/", "/claims/?q=plant"),
    "claims/<slug:slug>/": each("claims.claim", lambda o: f"/claims/{o.slug}/"),
    "contradictions/": fixed("/contradictions/"),
    "contradictions/<slug:slug>/": each(
        "claims.contradiction", lambda o: f"/contradictions/{o.slug}/"
    ),
    "compare/": compare,
    "speakers/<slug:slug>/": each("claims.speaker", lambda o: f"/speakers/{o.slug}/"),
    "topics/": fixed("/topics/"),
    "topics/<slug:slug>/": each("claims.topic", lambda o: f"/topics/{o.slug}/"),
    "cases/": fixed("/cases/", "/cases/?q=walk"),
    "cases/<slug:slug>/": each("claims.case", lambda o: f"/cases/{o.slug}/"),
    "cases/<slug:slug>/feed/": each("claims.case", lambda o: f"/cases/{o.slug}/feed/"),
    "cases/<slug:slug>/revisions/feed/": each(
        "claims.case", lambda o: f"/cases/{o.slug}/revisions/feed/"
    ),
    "sources/<slug:slug>/": each("sources.source", lambda o: f"/sources/{o.slug}/"),
    "sources/<slug:slug>/changes/": each("sources.source", lambda o: f"/sources/{o.slug}/changes/"),
    "corrections/": fixed("/corrections/"),
    "suggest/<slug:kind>/": fixed(*(f"/suggest/{k}/?q=walk" for k in SUGGESTERS)),
    "preview/claims/<slug:slug>/": each("claims.claim", lambda o: f"/preview/claims/{o.slug}/"),
    "preview/contradictions/<slug:slug>/": each(
        "claims.contradiction", lambda o: f"/preview/contradictions/{o.slug}/"
    ),
    "embed/contradictions/<slug:slug>/": each(
        "claims.contradiction", lambda o: f"/embed/contradictions/{o.slug}/"
    ),
    "embed/claims/<slug:slug>/": each("claims.claim", lambda o: f"/embed/claims/{o.slug}/"),
    "oembed": each(
        "claims.contradiction", lambda o: f"/oembed?url=http://testserver/contradictions/{o.slug}/"
    ),
    "feeds/contradictions/": fixed("/feeds/contradictions/"),
    "feeds/corrections/": fixed("/feeds/corrections/"),
    "desk/alerts/feed/": fixed("/desk/alerts/feed/"),  # staff only
    # the public API (api/) and its documentation
    "api/": fixed("/api/"),
    "api/v1/": fixed("/api/v1/"),
    "api/v1/openapi.json": fixed("/api/v1/openapi.json"),
    "api/v1/docs/": fixed("/api/v1/docs/"),
    **{
        f"api/v1/{kind}/": fixed(
            f"/api/v1/{kind}/?q=walk" if kind in API_SEARCHED else f"/api/v1/{kind}/"
        )
        for kind in API_KINDS
    },
    **{
        f"api/v1/{kind}/<slug>/": each(model, lambda o, kind=kind: f"/api/v1/{kind}/{o.slug}/")
        for kind, model in API_KINDS.items()
    },
}

# Walked first: the quote pages need the sources' texts as seeded (the walk may rewrite a
# draft source's, as a reporter may). Walked last: they may take away what the other patterns
# are walked over. In between, in the URL conf's order, then the proposals (the walk's own).
FIRST = (
    "admin/sources/source/<int:source_id>/quotes/<int:start>-<int:end>/<slug:action>/",
    "admin/sources/source/<int:source_id>/passage/<slug:action>/",
)
LAST = ("delete/", "admin/logout/")


def unlisted() -> str:
    """The URL patterns ROUTES does not know, in words ("" when there is none)."""
    missing = [
        f"{route!r} (name {name!r})" for route, name in url_patterns() if route not in ROUTES
    ]
    if not missing:
        return ""
    return "new URL pattern without an entry in the permission walk: " + ", ".join(missing)


def test_the_parts_of_the_walk_walk_every_pattern_in_order():
    whole = routes_of()
    parts = [routes_of(shard) for shard in range(SHARDS)]
    assert set().union(*parts) == set(whole)
    assert all(part == [r for r in whole if r in part] for part in parts)
    assert all(len(part) < len(whole) for part in parts)


def test_every_url_pattern_has_an_entry_in_the_walk():
    assert not unlisted(), unlisted()


# --- the walk -------------------------------------------------------------------------------


def _aimed_at(state: str) -> str:
    """From a published or retracted item's page, ids are re-aimed at unpublished items; from
    any other page (a draft's, a new item's, a list), at published and retracted ones."""
    return "unpublished" if KIND.get(state) == "public" else "public"


def _paired(one: str, other: str) -> bool:
    return Contradiction.objects.filter(
        Q(claim_id=one, counter_id=other) | Q(claim_id=other, counter_id=one)
    ).exists()


def _aim(world: World, state: str, page_claim: str | None = None):
    """For each variant of a form (``offset``), a picker: model -> the next id of the pool
    to re-aim at, chosen so the form passes the rules that are not about who may change
    what (a claim paired with one it is already paired with, a source its claim already
    cites): the walk's own allowed edits make new pairs and citations as it goes."""
    want = _aimed_at(state)

    def picker(offset: int):
        given: dict[str, list[str]] = collections.defaultdict(list)

        def fits(model: str, candidate: str, pool: list[str]) -> bool:
            if candidate in given[model]:
                return False
            if model == "claims.claim":
                if given[model]:
                    return not _paired(given[model][-1], candidate)
                # a first side that some other claim of the pool is not yet paired with
                return any(not _paired(candidate, c) for c in pool if c != candidate)
            claim = (given["claims.claim"] or [page_claim])[-1]
            if model == "sources.source" and claim:
                return not Citation.objects.filter(claim_id=claim, source_id=candidate).exists()
            return True

        def next_id(model: str) -> str | None:
            pool = world.pools.get(model, {}).get(want) or []
            if not pool:
                return None
            turn = offset + len(given[model])
            ordered = pool[turn % len(pool) :] + pool[: turn % len(pool)]
            found = next((c for c in ordered if fits(model, c, pool)), ordered[0])
            given[model].append(found)
            return found

        return next_id

    return picker


def _version(obj) -> str:
    if obj is None or not hasattr(obj, "version"):
        return ""
    found = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
    return str(found or "")


def _blind_body(walker: Walker, world: World, target: Target, kind: str, mark: Markers) -> dict:
    """A plausible post for any endpoint: ids of ``kind`` items, text as markers."""
    data = {
        "csrfmiddlewaretoken": walker.csrf(),
        "claim": world.id_of("claims.claim", kind),
        "counter": world.id_of("claims.claim", kind, 1),
        "contradiction": world.id_of("claims.contradiction", kind),
        "speaker": world.id_of("claims.speaker", kind),
        "source": world.id_of("sources.source", kind),
        "outlet": world.id_of("sources.outlet", kind),
        "topics": world.id_of("claims.topic", kind),
        "cases": world.id_of("claims.case", kind),
        "kind": "quote",
        "sha256": target.extra.get("sha256", ""),
        "title": mark(),
        "name": mark(),
        "text": mark(),
        "quote": mark(),
        "summary": mark(),
        "explanation": mark(),
        "reason": mark(),
        "override_reason": mark(),
        "slug": mark().lower(),
        "post": "yes",
        "version": _version(target.obj),
        "_version": _version(target.obj),
        "_save": "Save",
    }
    return {k: v for k, v in data.items() if v is not None}


def _forms(walker: Walker, target: Target, route: str):
    response = walker.send("get", target.url, route=route, variant="page")
    if response.status_code != 200 or not is_html(response):
        return []
    return [
        f
        for f in parse_forms(body(response), target.url)
        if route == "admin/logout/" or path_of(f.action).split("?")[0] != "/admin/logout/"
    ]


POSTS_PER_FORM = 60  # a form whose buttons keep changing (suggestions) stops here


def walk_target(walker: Walker, world: World, route: str, target: Target, mark: Markers):
    """GET the target; post every form on it in every variant (the page is read again after
    each post that saved, so the next one carries its new version); then post blind."""
    page_claim = str(target.obj.pk) if target.model == "claims.claim" and target.obj else None
    aim = _aim(world, target.state, page_claim)

    def select_all(model: str) -> list[str]:
        return world.ids(model)  # every walked item of the model: public and unpublished

    def label(action: str) -> str:
        to = path_of(action).split("?")[0]
        return route if to == path_of(target.url).split("?")[0] else f"{route} -> form to {to}"

    forms = first_forms = _forms(walker, target, route)
    done: dict[int, set] = collections.defaultdict(set)  # form index -> submissions posted
    index = 0
    while index < len(forms):
        form = forms[index]
        subs = submissions(form, aim=aim, select_all=select_all, page_model=target.model, mark=mark)
        stale = False
        for sub in subs:
            if sub.key in done[index] or len(done[index]) >= POSTS_PER_FORM:
                continue
            done[index].add(sub.key)
            variant = f"form {form.index} {sub.variant}" + (f" {sub.button}" if sub.button else "")
            if sub.method == "get":
                walker.send(
                    "get", path_of(sub.action), sub.data, route=label(sub.action), variant=variant
                )
                continue
            response = walker.send(
                "post", path_of(sub.action), sub.data, route=label(sub.action), variant=variant
            )
            if (
                sub.variant.startswith("action")
                and response.status_code == 200
                and is_html(response)
            ):
                # an action's confirmation page (delete_selected): confirm it
                for confirm in parse_forms(body(response), form.action):
                    if confirm.control("post") is not None:
                        data = submissions(
                            confirm,
                            aim=aim,
                            select_all=select_all,
                            page_model=target.model,
                            mark=mark,
                        )[0].data
                        walker.send(
                            "post",
                            path_of(confirm.action),
                            data,
                            route=label(confirm.action),
                            variant=f"{variant} confirmed",
                        )
            if response.status_code in (301, 302, 303):
                stale = True  # saved: the page's version and rows moved on
                break
        if stale:
            forms = _forms(walker, target, route)
            continue
        index += 1

    # blind: ids re-aimed as a form's would be; both ways when the page had no form to post
    kinds = [_aimed_at(target.state)]
    if not any(f.method == "post" for f in first_forms):
        kinds = ["public", "unpublished"]
    for kind in kinds:
        data = _blind_body(walker, world, target, kind, mark)
        walker.send("post", target.url, data, route=route, variant=f"blind post, {kind} ids")


# The walk runs in this many parts, each on a world of its own, so the test workers share it
# out (as one test it was the suite's long pole: 100 s on one worker). Together they walk every
# pattern; the patterns a part cannot do without (the quotes flow first, the revisions its
# proposals made and the deletions and sign-out last) are walked in every part.
SHARDS = 3


def is_end(route: str) -> bool:
    return route in FIRST or route.endswith(LAST) or route.startswith("admin/claims/revision/")


def routes_of(shard: int | None = None) -> list[str]:
    """The patterns in the order they are walked; with ``shard``, the ends and one part of the
    patterns between them."""
    known = {route for route, _name in url_patterns()}
    ordered = sorted(
        (route for route in ROUTES if route in known),
        key=lambda r: (r not in FIRST, r.endswith(LAST), r.startswith("admin/claims/revision/")),
    )
    if shard is None:
        return ordered
    middle = [route for route in ordered if not is_end(route)]
    return [r for r in ordered if is_end(r) or middle.index(r) % SHARDS == shard]


def targets_of(world: World, shard: int | None = None):
    """Every (pattern, target), the targets of each pattern filled when it is reached."""
    for route in routes_of(shard):
        for target in ROUTES[route](world):
            yield route, target


def walk(walker: Walker, world: World, shard: int | None = None) -> float:
    started = time.monotonic()
    mark = Markers()
    for route, target in targets_of(world, shard):
        walker.walked.add(route)
        walk_target(walker, world, route, target, mark)
    return time.monotonic() - started


def public_leaks(world: World) -> tuple[list[str], list[str]]:
    """Every public page, fetched anonymously: the markers it shows, and any 500."""
    cache.clear()
    client = Client(raise_request_exception=False)
    leaks, errors = [], []
    # the items as they are now (a slug the walk changed is the item's address now)
    world.items = {
        model: {
            state: found
            for state, obj in items.items()
            if (found := type(obj)._default_manager.filter(pk=obj.pk).first()) is not None
        }
        for model, items in world.items.items()
    }
    for route, fill in ROUTES.items():
        if route.startswith("admin/"):
            continue
        for target in fill(world):
            response = client.get(target.url)
            if response.status_code >= 500:
                errors.append(f"GET {target.url} -> {response.status_code}")
            found = set(MARK_RE.findall(body(response).decode(errors="replace")))
            # a page may name the address it was asked for (a 404 of a draft whose slug the
            # walk changed, as a reporter may): a marker only in the URL is no leak
            found = sorted(m for m in found if m.lower() not in target.url.lower())
            if found:
                leaks.append((target.url, found))
    return leaks, errors


def report(title: str, walker: Walker, seconds: float, leaks=(), public_errors=()) -> str:
    if os.environ.get("WALK_LOG"):  # every request, for a person checking the walk
        with open(os.environ["WALK_LOG"], "a", encoding="utf-8") as log:
            log.write(f"== {title}\n" + "\n".join(walker.log) + "\n")
    lines = [
        f"== {title} ==",
        f"patterns walked: {len(walker.walked)} (of {len(ROUTES)} in the table), "
        f"requests: {walker.requests}, "
        f"{seconds:.1f} s, re-signed in: {walker.relogins}",
        "time in requests by pattern (slowest): "
        + ", ".join(f"{r or '/'} {t:.1f}s" for r, t in walker.seconds.most_common(8))
        + f"; {walker.fingerprints} fingerprints {walker.fingerprint_seconds:.1f}s",
        "status codes: " + ", ".join(f"{code}: {n}" for code, n in sorted(walker.statuses.items())),
    ]
    if walker.errors:
        lines.append(f"500s ({len(walker.errors)}):")
        lines += [f"  {step}  {why}" for step, why in walker.errors]
    if walker.changes:
        lines.append(f"published data changed ({len(walker.changes)} field changes):")
        by_step = collections.defaultdict(list)
        for step, change in walker.changes:
            by_step[str(step)].append(str(change))
        for step, changes in by_step.items():
            lines.append(f"  {step}")
            lines += [f"      {c}" for c in changes]
    if leaks:
        lines.append("markers on public pages:")
        for url, found in leaks:
            planted = {str(walker.markers[m.upper()]) for m in found if m.upper() in walker.markers}
            lines.append(f"  {url}: {', '.join(found)}")
            lines += [f"      planted by {step}" for step in sorted(planted)]
    if public_errors:
        lines.append("public pages answering 500: " + "; ".join(public_errors))
    return "\n".join(lines)


@contextlib.contextmanager
def quiet_requests():
    """Django logs every 4xx and 5xx of the walk (thousands): the walk records them itself."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def run_walk(title, world: World, client: Client, fingerprint, keep_session, capsys, shard=None):
    assert not unlisted(), unlisted()
    before = fingerprint()
    with quiet_requests():
        walker = Walker(client, fingerprint=fingerprint, relogin=keep_session)
        seconds = walk(walker, world, shard)
        after = fingerprint()
        leaks, public_errors = public_leaks(world)
    summary = report(title, walker, seconds, leaks, public_errors)
    missed = [str(c) for c in diff(before, after)] if not walker.changes else []
    if missed:  # moved, yet no request was seen moving it: say so
        summary += "\nchanged between the first and last fingerprint:\n  " + "\n  ".join(missed)
    with capsys.disabled():
        print("\n" + summary)
    changed = bool(walker.changes or missed)
    return walker, summary, changed, bool(leaks or public_errors)


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_the_reporter_walk_changes_no_published_data(capsys, shard):
    world = seed()
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.reporter)

    def stay_signed_in(walker: Walker) -> None:
        if "_auth_user_id" not in walker.client.session:
            walker.client.force_login(world.reporter)
            walker.relogins += 1

    walker, summary, changed, leaked = run_walk(
        f"the permission walk, as a reporter (part {shard + 1} of {SHARDS})",
        world,
        client,
        public_fingerprint,
        stay_signed_in,
        capsys,
        shard,
    )
    answered_500 = bool(walker.errors)
    assert not answered_500, summary
    assert not changed, summary
    assert not leaked, summary


@pytest.mark.parametrize("shard", range(SHARDS))
def test_the_visitor_walk_changes_nothing(capsys, shard):
    world = seed()
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    signed_in = []

    def stay_anonymous(walker: Walker) -> None:
        if "_auth_user_id" in walker.client.session:
            signed_in.append(walker.log[-1])
            walker.client.logout()

    walker, summary, changed, leaked = run_walk(
        f"the permission walk, as a visitor (part {shard + 1} of {SHARDS})",
        world,
        client,
        full_fingerprint,
        stay_anonymous,
        capsys,
        shard,
    )
    assert not signed_in, f"a visitor was signed in by: {signed_in}\n{summary}"
    answered_500 = bool(walker.errors)
    assert not answered_500, summary
    assert not changed, summary
    assert not leaked, summary


def test_the_walk_sees_an_editors_change():
    """The canary: the same walk by an editor, on a published speaker's page, is seen
    changing it (so a walk that finds nothing has looked)."""
    world = seed()
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.editor)
    speaker = world.items["claims.speaker"]["published"]
    route = "admin/claims/speaker/<path:object_id>/change/"
    target = Target(f"/admin/claims/speaker/{speaker.pk}/change/", "published", "claims.speaker")
    target.obj = speaker
    with quiet_requests():
        walker = Walker(client, fingerprint=public_fingerprint)
        walk_target(walker, world, route, target, Markers())
    seen = {(c.key, c.field) for _step, c in walker.changes}
    assert (("claims.Speaker", speaker.pk), "name") in seen, [str(c) for _s, c in walker.changes]
