"""No draft leaks, ever: every public URL pattern, in every format, as an anonymous reader,
over a database holding every state an item can be in.

The world is reached as the newsroom reaches it, through the publishing service (publish,
submit for review, unpublish, retract) and the revisions service; only cases (an editor's
admin choice, no service) get their status written. Every text field of every item the public
must not read carries DRAFT_MARK: drafts, items in review, items published then moved back to
draft, the sides of retracted pairs moved off the record, their speakers, topics, cited sources
and outlets, citations, corrections and cases, proposed revisions, and the editorial reason a
published item was published over a quote rule. Retracted material carries GONE_MARK, which
may appear only at the retracted item's own URL (its notice) and on the corrections page and
feed.

Nothing is forgotten by accident:

* the URL conf is enumerated: a pattern the walk does not know how to fill fails
  ``test_every_public_url_pattern_is_walked``; the list filters' values are read from the
  filter sets (a new filter of an unknown type fails);
* the models are enumerated: a new model, or a new text field (CharField, TextField,
  ArrayField, JSONField) the walk does not fill, fails ``test_the_walk_fills_every_text_field``;
* the status choices are enumerated: a new status value no seeded item holds fails
  ``test_the_walk_holds_every_status``.
"""

from __future__ import annotations

import datetime as dt
import itertools

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from claims import publishing, revisions
from claims.filters import ClaimFilter, ContradictionFilter, CorrectionFilter, TopicFilter
from claims.models import (
    Case,
    Citation,
    Claim,
    ClaimKind,
    Contradiction,
    Correction,
    CorrectionKind,
    Revision,
    Speaker,
    Status,
    Topic,
)
from claims.verification import verify_citation
from claims.views import CaseIndexFilter
from sources.models import Capture, CaptureHow, Outlet, Source
from tests.factories import (
    make_case,
    make_claim,
    make_contradiction,
    make_outlet,
    make_source,
    make_speaker,
    make_topic,
)

pytestmark = pytest.mark.django_db

DRAFT_MARK = "zqxdraftmark"
GONE_MARK = "zqxgonemark"
FORMATS = [{}, {"format": "csv"}, {"format": "json"}]
HTMX = {"HTTP_HX_REQUEST": "true"}

# --- what the walk covers ---------------------------------------------------------------------

APPS = ("claims", "sources")
# Per model: the text fields the walk writes DRAFT_MARK into, on every item the public must not
# read (``hide``). A model or a text field missing here fails test_the_walk_fills_every_text_field.
TEXT_FIELDS: dict[str, set[str]] = {
    "sources.outlet": {"slug", "name", "homepage"},
    "sources.source": {"slug", "title", "url", "archive_url", "author", "text"},
    "sources.capture": {"text", "url", "superseded_reason"},
    "claims.speaker": {"slug", "name", "role", "aliases", "misspellings"},
    "claims.topic": {"slug", "name", "description"},
    "claims.case": {"slug", "title", "summary"},
    "claims.claim": {
        "slug",
        "text",
        "summary",
        "venue",
        "context",
        "override_reason",
        "retraction_reason",
    },
    "claims.citation": {"quote", "note"},
    "claims.contradiction": {
        "slug",
        "title",
        "explanation",
        "override_reason",
        "retraction_reason",
    },
    "claims.correction": {"slug", "text"},
    "claims.revision": {"item_label", "changes", "decision_note"},
}
# Text fields no one types: derived from fields the walk fills.
DERIVED: dict[str, set[str]] = {
    "sources.source": {"sha256"},  # the digest of its text (hexadecimal, by constraint)
    "sources.capture": {"sha256"},
    # where verification found the quote in the source's text
    "claims.citation": {"anchor_exact", "anchor_prefix", "anchor_suffix", "anchor_parts"},
}


def models_in_scope() -> list[type[models.Model]]:
    """The concrete models of the project's apps, without simple_history's copies."""
    found = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.auto_created or model.__name__.startswith("Historical"):
                continue
            found.append(model)
    return found


def text_fields(model) -> set[str]:
    """Fields that hold words: CharField and TextField (not a choice of values), ArrayFields
    of them, JSONField. Generated columns (search vectors, name indexes) are read from these."""
    found = set()
    for field in model._meta.concrete_fields:
        if isinstance(field, models.GeneratedField):
            continue
        if isinstance(field, ArrayField):
            field_is_text = isinstance(field.base_field, models.CharField | models.TextField)
        else:
            field_is_text = isinstance(field, models.CharField | models.TextField)
            field_is_text = field_is_text and not field.choices
        if field_is_text or isinstance(field, models.JSONField):
            found.add(field.name)
    return found


def status_choices(model) -> set[str]:
    try:
        field = model._meta.get_field("status")
    except FieldDoesNotExist:
        return set()
    return {value for value, _label in field.choices or ()}


def _marked(field, mark: str, value, pk: int):
    name = field.name
    if isinstance(field, models.SlugField):
        return f"{mark}-{field.model._meta.model_name}-{pk}"
    if isinstance(field, models.URLField):
        return f"https://{mark}.example/{name}"
    if isinstance(field, ArrayField):
        return [f"{mark} {name}"]
    if isinstance(field, models.JSONField):
        return _marked_json(value, f"{mark} {name}")
    text = f"{mark} {name} {field.model._meta.model_name}"
    return text[: field.max_length] if field.max_length else text


def _marked_json(value, text: str):
    """``value`` with every string in it (keys kept) replaced by ``text``."""
    if isinstance(value, dict):
        return {key: _marked_json(item, text) for key, item in value.items()} or {"note": text}
    if isinstance(value, list):
        return [_marked_json(item, text) for item in value] or [text]
    return text


# --- the world --------------------------------------------------------------------------------


class Newsroom:
    """Builds the world through the services; keeps the items it hid and the named states."""

    def __init__(self, editor: User):
        self.editor = editor
        self.hidden: list[models.Model] = []
        self.states: dict[str, models.Model] = {}
        self._n = itertools.count(1)

    def hide(self, *items: models.Model) -> None:
        """DRAFT_MARK into every text field of ``items`` (an edit made where the public does
        not look: a draft, a reporter's proposal, a correction of a draft)."""
        for item in items:
            model = type(item)
            item.refresh_from_db()
            values = {
                name: _marked(model._meta.get_field(name), DRAFT_MARK, getattr(item, name), item.pk)
                for name in TEXT_FIELDS[model._meta.label_lower]
            }
            model._default_manager.filter(pk=item.pk).update(**values)
            item.refresh_from_db()
            self.hidden.append(item)

    def draft(self, **kwargs) -> Claim:
        """A claim as a reporter writes it: a draft (a record unless ``kind`` says otherwise)."""
        kwargs.setdefault("kind", ClaimKind.RECORD)
        kwargs.setdefault("said_on", dt.date(2022, 1, next(self._n) % 28 + 1))
        return make_claim(status=Status.DRAFT, **kwargs)

    def publish(self, item, **kwargs):
        return publishing.publish(item=item, by=self.editor, **kwargs)

    def claim(self, **kwargs) -> Claim:
        return self.publish(self.draft(**kwargs))

    def pair(self, claim, counter, *, publish=True, **kwargs) -> Contradiction:
        pair = make_contradiction(claim=claim, counter=counter, status=Status.DRAFT, **kwargs)
        return self.publish(pair) if publish else pair

    def review(self, item):
        return publishing.submit_for_review(item=item, by=self.editor)

    def unpublish(self, item):
        return publishing.unpublish(item=item, by=self.editor)

    def retract(self, item, reason: str):
        return publishing.retract(item=item, by=self.editor, reason=reason)

    def correct(self, item, text: str) -> Correction:
        field = "contradiction" if isinstance(item, Contradiction) else "claim"
        return Correction.objects.create(
            slug=f"fix-{next(self._n)}",
            kind=CorrectionKind.CORRECTION,
            published_on=dt.date(2024, 1, 2),
            text=text,
            **{field: item},
        )

    def propose(self, claim: Claim, text: str) -> Revision:
        form_class = forms.modelform_factory(Claim, fields=["text"])
        form = form_class({"text": text}, instance=claim)
        assert form.is_valid(), form.errors
        return revisions.propose(obj=claim, form=form, by=self.editor)

    def off_the_record(self, side: Claim, *, review: bool = False) -> Claim:
        """Unpublish a side of a retracted pair (and send it to review), then hide it: its
        words, its own speaker and its citations rewritten where the public does not look."""
        side = self.unpublish(side)
        if review:
            side = self.review(side)
        self.hide(side, side.speaker, *side.citations.all(), *side.corrections.all())
        return side


# The models whose items have pages (and the outlets the lists filter by): their ids are walked.
WALKED = (Claim, Contradiction, Speaker, Topic, Source, Case, Outlet)
CLAIMS_OFF_THE_RECORD = (
    "draft claim",
    "claim in review",
    "claim published then moved back to draft",
)
PAIRS_OFF_THE_RECORD = ("draft pair", "pair in review", "pair with a draft side")


@pytest.fixture
def world(demo):
    room = Newsroom(User.objects.create_superuser(f"{DRAFT_MARK}-editor", password="pw"))
    states = room.states
    demo_ids = {model: set(model.objects.values_list("pk", flat=True)) for model in WALKED}

    # What the public reads.
    topic = make_topic(slug="shared-topic", name="Shared topic")
    speaker = make_speaker(slug="public-person", name="Public Person", role="A public role")
    source = make_source(
        slug="shared-source",
        outlet=make_outlet(slug="shared-outlet", name="Shared Outlet"),
        text="Said: “Public words here.” Also: “Other cited words.”",
    )
    public = room.claim(
        slug="public-claim",
        speaker=speaker,
        kind=ClaimKind.QUOTE,
        text="Public words here.",
        cite=source,
    )
    public.topics.add(topic)
    other = room.claim(slug="other-claim", text="Other public words.", speaker=speaker)
    room.correct(public, "Public correction of a public claim.")
    Correction.objects.create(
        slug="standalone-fix", published_on=dt.date(2024, 1, 3), text="A standalone note."
    )
    # published over the quote rule: the page says so with the editor's reason (issue 19,
    # point 5: includes/override_notice.html), so the reason is public words here
    states["published over a quote rule"] = room.publish(
        room.draft(slug="overridden", kind=ClaimKind.QUOTE, text="Unsourced public words."),
        override_reason="The recording holds these words.",
    )
    live_pair = room.pair(public, other, slug="live-pair", title="A live pair")
    room.correct(live_pair, "Public correction of a live pair.")

    def hidden_claim(slug, **kwargs):
        claim = room.draft(slug=slug, speaker=speaker, **kwargs)
        claim.topics.add(topic)
        citation = Citation.objects.create(claim=claim, source=source, quote="Other cited words.")
        verify_citation(citation=citation)
        return claim

    # Claims in every state off the record.
    states["draft claim"] = hidden_claim("claim-draft")
    states["claim in review"] = room.review(hidden_claim("claim-review"))
    was = room.publish(hidden_claim("claim-was-published"))
    fix_of_was = room.correct(was, "A correction made while it was published.")
    states["claim published then moved back to draft"] = room.unpublish(was)
    for name in CLAIMS_OFF_THE_RECORD:
        claim = states[name]
        room.correct(claim, "A correction of a draft.")
        room.hide(claim, *claim.citations.all(), *claim.corrections.all())
    states["correction of a claim moved back to draft"] = fix_of_was

    # A draft's own speaker, topic, cited source and outlet: read by no public page.
    lonely = room.draft(
        slug="lonely-draft",
        speaker=make_speaker(slug="draft-only-speaker", aliases=["x"], misspellings=["y"]),
        cite=make_source(
            slug="draft-only-source", outlet=make_outlet(slug="draft-only-outlet"), text="Alone."
        ),
        kind=ClaimKind.QUOTE,
        text="Alone.",
    )
    lonely.topics.add(make_topic(slug="draft-only-topic"))
    citation = lonely.citations.get()
    room.hide(
        lonely,
        lonely.speaker,
        *lonely.topics.all(),
        citation,
        citation.source,
        citation.source.outlet,
    )
    states["speaker only a draft uses"] = lonely.speaker
    states["topic only a draft uses"] = lonely.topics.get()
    states["source only a draft cites"] = citation.source
    # its captures (never changed: made marked), one in use, one superseded
    for superseded in (None, timezone.now()):
        room.hidden.append(
            Capture.objects.create(
                source=citation.source,
                text=f"{DRAFT_MARK} text capture",
                sha256=Source.digest(f"{DRAFT_MARK} text capture"),
                taken_at=timezone.now(),
                how=CaptureHow.FETCHED,
                url=f"https://{DRAFT_MARK}.example/url",
                superseded_at=superseded,
                superseded_reason=f"{DRAFT_MARK} superseded_reason capture",
            )
        )
    states["outlet only a draft's source names"] = citation.source.outlet

    # Pairs in every state off the record.
    states["draft pair"] = room.pair(public, room.claim(slug="p1"), publish=False)
    states["pair in review"] = room.review(room.pair(public, room.claim(slug="p2"), publish=False))
    states["pair with a draft side"] = room.pair(
        public, room.draft(slug="p3-draft-side"), publish=False
    )
    unpublished = room.pair(public, room.claim(slug="p4"))
    room.correct(unpublished, "A correction made while the pair was published.")
    states["pair published then moved back to draft"] = room.unpublish(unpublished)
    for name in PAIRS_OFF_THE_RECORD:
        room.correct(states[name], "A correction of a draft pair.")
    for name in (*PAIRS_OFF_THE_RECORD, "pair published then moved back to draft"):
        pair = states[name]
        room.hide(pair, *pair.corrections.all())
    draft_side = states["pair with a draft side"].counter
    room.hide(draft_side, draft_side.speaker)

    # Retracted: kept at its URL with a notice, listed with the corrections.
    def gone_claim(slug, **kwargs):
        return room.claim(
            slug=slug,
            speaker=speaker,
            text=f"{GONE_MARK} words.",
            summary=f"{GONE_MARK} summary",
            venue=f"{GONE_MARK} venue",
            context=f"{GONE_MARK} context",
            **kwargs,
        )

    def gone_pair(slug, title="", said=None):
        said = said or f"{slug} said."
        claim = room.claim(slug=f"{slug}-claim", speaker=make_speaker(), text=said)
        counter = room.claim(slug=f"{slug}-counter", speaker=make_speaker(), text=f"{slug} found.")
        room.correct(claim, "A correction made while the side was published.")
        pair = room.pair(
            claim, counter, slug=slug, title=title, explanation=f"{GONE_MARK} explanation"
        )
        return room.retract(pair, f"{GONE_MARK} retracted pair.")

    states["retracted claim"] = room.retract(gone_claim("gone-claim"), "Retracted claim.")
    states["retracted claim"].topics.add(topic)
    states["retracted pair"] = gone_pair("gone-pair", title=f"{GONE_MARK} pair")
    pair = states["retracted pair, its claim side moved back to draft"] = gone_pair("gone-a")
    room.off_the_record(pair.claim)
    pair = states["retracted pair, its counter moved back to draft"] = gone_pair(
        "gone-b", title=f"{GONE_MARK} titled pair"
    )
    room.off_the_record(pair.counter)
    pair = states["retracted pair, a side sent to review"] = gone_pair("gone-c")
    room.off_the_record(pair.counter, review=True)
    pair = states["retracted pair, a side retracted"] = gone_pair(
        "gone-d", said=f"{GONE_MARK} side."
    )
    room.retract(pair.claim, f"{GONE_MARK} retracted side.")

    # Proposed revisions of a published claim: pending, rejected, accepted.
    states["pending revision"] = room.propose(other, "Words a reporter proposes.")
    states["rejected revision"] = revisions.reject(
        revision=room.propose(other, "Words an editor turns down."), by=room.editor, note="No."
    )
    states["accepted revision"] = revisions.accept(
        revision=room.propose(other, "Other public words, revised."), by=room.editor
    )
    room.hide(*Revision.objects.all())

    # Cases: only an editor's admin choice sets their status (no service).
    public_case = Case.objects.get(slug="rust-shooting")
    cases = {status: make_case(status=status) for status in Status.values}
    states["draft case"] = make_case(status=Status.DRAFT)
    was_case = make_case(status=Status.PUBLISHED)
    was_case.status = Status.DRAFT
    was_case.save()
    states["case published then moved back to draft"] = was_case
    states["draft case holding published items"] = cases[Status.DRAFT]
    hidden_cases = [case for status, case in cases.items() if status != Status.PUBLISHED]
    for item in (*Claim.objects.all(), *Contradiction.objects.all()):
        item.cases.add(public_case, cases[Status.PUBLISHED], *hidden_cases, was_case)
    room.hide(*hidden_cases, states["draft case"], was_case)

    for item in states.values():
        item.refresh_from_db()
    slugs = {
        model: list(
            model.objects.exclude(pk__in=demo_ids[model])
            .order_by("pk")
            .values_list("slug", flat=True)
        )
        for model in WALKED
    }
    return {
        "room": room,
        "states": states,
        "claims:claim_detail": [*slugs[Claim], "abc-would-never-point-a-gun"],
        "claims:contradiction_detail": [*slugs[Contradiction], "trigger-vs-fbi-finding"],
        "claims:speaker_detail": [*slugs[Speaker], "alec-baldwin"],
        "claims:topic_detail": [*slugs[Topic], "the-trigger"],
        "claims:source_detail": [*slugs[Source], "abc-interview-syndicated-report"],
        "claims:source_changes": [*slugs[Source], "abc-interview-syndicated-report"],
        "claims:case_detail": [*slugs[Case], "rust-shooting"],
        "claims:case_feed": [*slugs[Case], "rust-shooting"],
        "claims:case_revisions_feed": [*slugs[Case], "rust-shooting"],
        "claims:preview_claim": [*slugs[Claim][:8], "public-claim"],
        "claims:preview_contradiction": [*slugs[Contradiction][:4], "live-pair"],
        "claims:suggest": ["speakers", "topics", "outlets"],
        "claims:embed_claim": [*slugs[Claim], "abc-would-never-point-a-gun"],
        "claims:embed_contradiction": [*slugs[Contradiction], "trigger-vs-fbi-finding"],
        # the public API's details (api/views.py)
        **{
            f"api-v1:{name}_detail": [*slugs[model], *demo_slugs]
            for name, model, demo_slugs in (
                ("claim", Claim, ["abc-would-never-point-a-gun"]),
                ("contradiction", Contradiction, ["trigger-vs-fbi-finding"]),
                ("speaker", Speaker, ["alec-baldwin"]),
                ("topic", Topic, ["the-trigger"]),
                ("case", Case, ["rust-shooting"]),
                ("source", Source, ["abc-interview-syndicated-report"]),
            )
        },
        "api-v1:correction_detail": list(
            Correction.objects.order_by("pk").values_list("slug", flat=True)
        ),
        "sitemap_section": [
            "claims",
            "contradictions",
            "speakers",
            "sources",
            "topics",
            "cases",
            "pages",
        ],
        # a list filter is asked for every hidden item and one public one
        "filter_slugs": {
            model: [slug for slug in found if DRAFT_MARK in slug]
            + [slug for slug in found if DRAFT_MARK not in slug][:1]
            for model, found in slugs.items()
        },
    }


# The states the walk must hold, as the issue lists them: name -> the check that it holds.
EXPECTED_STATES = {
    "draft claim": lambda c: c.status == Status.DRAFT,
    "claim in review": lambda c: c.status == Status.REVIEW,
    "claim published then moved back to draft": lambda c: (
        c.status == Status.DRAFT and c.published_at is not None
    ),
    "correction of a claim moved back to draft": lambda fix: fix.claim.status == Status.DRAFT,
    "published over a quote rule": lambda c: c.status == Status.PUBLISHED and c.override_reason,
    "retracted claim": lambda c: c.status == Status.RETRACTED,
    "draft pair": lambda p: p.status == Status.DRAFT,
    "pair in review": lambda p: p.status == Status.REVIEW,
    "pair with a draft side": lambda p: p.counter.status == Status.DRAFT,
    "pair published then moved back to draft": lambda p: (
        p.status == Status.DRAFT and p.published_at is not None
    ),
    "retracted pair": lambda p: p.status == Status.RETRACTED,
    "retracted pair, its claim side moved back to draft": lambda p: (
        p.status == Status.RETRACTED and p.claim.status == Status.DRAFT
    ),
    "retracted pair, its counter moved back to draft": lambda p: (
        p.status == Status.RETRACTED and p.counter.status == Status.DRAFT
    ),
    "retracted pair, a side sent to review": lambda p: (
        p.status == Status.RETRACTED and p.counter.status == Status.REVIEW
    ),
    "retracted pair, a side retracted": lambda p: p.claim.status == Status.RETRACTED,
    "speaker only a draft uses": lambda s: not Speaker.objects.published().filter(pk=s.pk),
    "topic only a draft uses": lambda t: not Topic.objects.published().filter(pk=t.pk),
    "source only a draft cites": lambda s: s.citations.get().claim.status == Status.DRAFT,
    "outlet only a draft's source names": lambda o: o.sources.count() == 1,
    "pending revision": lambda r: r.status == "pending",
    "rejected revision": lambda r: r.status == "rejected",
    "accepted revision": lambda r: r.status == "accepted",
    "draft case": lambda c: c.status == Status.DRAFT and not c.claims.exists(),
    "draft case holding published items": lambda c: (
        c.status == Status.DRAFT and c.claims.filter(status=Status.PUBLISHED).exists()
    ),
    "case published then moved back to draft": lambda c: c.status == Status.DRAFT,
}


# --- the URLs ---------------------------------------------------------------------------------


def public_patterns(resolver=None, prefix="") -> list[tuple[str, str]]:
    """(name, route) of every URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            namespace = entry.namespace
            for name, sub in public_patterns(entry, route):
                found.append((f"{namespace}:{name}" if namespace else name, sub))
        elif isinstance(entry, URLPattern):
            found.append((entry.name, route))
    return found


# Words the hidden items hold (a search for the mark itself would only echo it back).
WORDS = ["words", "text", "summary", "venue", "context", "name"]
FILTERSETS = {
    "claims:claim_list": ClaimFilter,
    "claims:contradiction_list": ContradictionFilter,
    "claims:correction_list": CorrectionFilter,
    "claims:topic_list": TopicFilter,
    "claims:case_list": CaseIndexFilter,  # drafts never listed
    # the public API's lists take the same filters (api/views.py)
    "api-v1:claim_list": ClaimFilter,
    "api-v1:contradiction_list": ContradictionFilter,
    "api-v1:correction_list": CorrectionFilter,
    "api-v1:topic_list": TopicFilter,
}


def filter_values(name, spec, world) -> list[str]:
    """Every value worth asking a list filter for: each choice, each item's id, some words."""
    queryset = spec.extra.get("queryset")
    if queryset is not None:
        return world["filter_slugs"][queryset.model]
    if isinstance(spec, django_filters.ChoiceFilter):
        return [str(value) for value, _label in spec.extra["choices"]]
    if isinstance(spec, django_filters.DateFilter):
        return ["2022-01-01"]
    if isinstance(spec, django_filters.CharFilter):
        return WORDS
    raise AssertionError(f"the leak walk does not know how to fill the filter {name!r} ({spec})")


def list_queries(pattern, world) -> list[dict]:
    filterset = FILTERSETS[pattern]
    queries = [{}]
    for name, spec in filterset.base_filters.items():
        queries += [{name: value} for value in filter_values(name, spec, world)]
    return queries


QUERIES = {
    "claims:home": [{}],
    "claims:compare": [
        {"a": "public-claim", "b": "other-claim"},
        {"a": "public-claim", "b": "gone-d-claim"},
        {"aq": "words", "bq": "summary"},
        {"aq": "public person"},
        {"aq": "text", "bq": "name"},
    ],
    "claims:feed_contradictions": [{}],
    "claims:feed_corrections": [{}],
    "claims:desk_alert_feed": [{}],  # staff only: a visitor is sent to the login
    # a claim's or a pair's page: published, retracted (named by no words), draft, in review
    "claims:oembed": [
        *(
            {"url": f"http://testserver/claims/{slug}/"}
            for slug in ("public-claim", "gone-claim", "lonely-draft", "p3-draft-side", "p4")
        ),
        *(
            {"url": f"http://testserver/contradictions/{slug}/"}
            for slug in ("live-pair", "gone-pair", "gone-a", "gone-b", "gone-c", "gone-d")
        ),
    ],
    "sitemap": [{}],
    # the public API's other lists, its schema and its documentation
    "api-v1:speaker_list": [{}, {"limit": "100"}],
    "api-v1:case_list": [{}, {"limit": "100"}],
    "api-v1:source_list": [{}, {"limit": "100"}],
    "api-v1:openapi-json": [{}],
    "api-v1:openapi-view": [{}],
    "api-v1:api-root": [{}],
    "api_docs": [{}],
}
# Where a retracted item may still be named: its notice and the corrections.
GONE_ALLOWED = {
    "claims:correction_list",
    "claims:feed_corrections",
    "api-v1:correction_list",
    "api-v1:correction_detail",
}


def requests(world) -> list[tuple[str, str, dict, dict]]:
    """(pattern name, path, query, headers) for every pattern, format and htmx variant."""
    found = []

    def every_variant(name, path, queries):
        for query in queries:
            for fmt in FORMATS:
                for headers in ({}, HTMX):
                    found.append((name, path, {**query, **fmt}, headers))

    for name, _route in public_patterns():
        if name in FILTERSETS:
            every_variant(name, reverse(name), list_queries(name, world))
        elif name in QUERIES:
            every_variant(name, reverse(name), QUERIES[name])
        else:
            key = {"sitemap_section": "section", "claims:suggest": "kind"}.get(name, "slug")
            queries = [{}]
            if name == "claims:suggest":  # names the hidden speakers, topics, outlets share
                queries = [{"q": word} for word in ("name", "speaker", "topic", "outlet", "pu")]
            for value in world.get(name, []):
                every_variant(name, reverse(name, kwargs={key: value}), queries)
    return found


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{key}: {value}" for key, value in response.items())
    return (headers + "\n" + raw.decode("utf-8", "replace")).lower()


def without_echoes(text: str, path: str, query: dict) -> str:
    """``text`` without the request's own marked words (a 404 names its address, a filter form
    shows what was typed): asking for a hidden item by its id is not a leak of it."""
    echoes = [echo for echo in (path, *map(str, query.values())) if DRAFT_MARK in echo]
    for echo in sorted(echoes, key=len, reverse=True):
        text = text.replace(echo.lower(), "")
    return text


# --- the tests --------------------------------------------------------------------------------


def test_every_public_url_pattern_is_walked(world):
    names = {name for name, _route in public_patterns()}
    unknown = names - set(QUERIES) - set(FILTERSETS) - set(world)
    assert not unknown, f"add these URL patterns to the leak walk: {sorted(unknown)}"


def test_the_walk_fills_every_text_field():
    for model in models_in_scope():
        label = model._meta.label_lower
        assert label in TEXT_FIELDS, (
            f"the model {label} is not in the leak walk: seed its items in every state in "
            "tests/claims/test_no_leaks.py and list its text fields in TEXT_FIELDS"
        )
        found = text_fields(model)
        known = TEXT_FIELDS[label] | DERIVED.get(label, set())
        assert found == known, (
            f"{label}: text fields {sorted(found - known)} are not filled by the leak walk "
            f"(add them to TEXT_FIELDS in tests/claims/test_no_leaks.py); {sorted(known - found)} "
            "no longer exist"
        )


def test_the_walk_holds_every_status(world):
    for model in models_in_scope():
        choices = status_choices(model)
        seeded = set(model._default_manager.values_list("status", flat=True)) if choices else set()
        assert seeded == choices, (
            f"{model._meta.label_lower}: no item of the leak walk is {sorted(choices - seeded)}: "
            "seed one in that state in tests/claims/test_no_leaks.py"
        )
    states = world["states"]
    assert set(states) == set(EXPECTED_STATES)
    for name, holds in EXPECTED_STATES.items():
        assert holds(states[name]), f"the walk's {name!r} is not in that state"


def test_every_hidden_item_holds_the_mark_in_every_text_field(world):
    hidden = world["room"].hidden
    by_model = {type(item)._meta.label_lower for item in hidden}
    assert by_model == set(TEXT_FIELDS), f"no hidden item of {set(TEXT_FIELDS) - by_model}"
    for item in hidden:
        item.refresh_from_db()
        for name in TEXT_FIELDS[item._meta.label_lower]:
            value = getattr(item, name)
            assert DRAFT_MARK in str(value), (item._meta.label_lower, item.pk, name, value)


@pytest.mark.slow
def test_no_public_output_shows_unpublished_material(client, world):
    walked = 0
    for name, path, query, headers in requests(world):
        response = client.get(path, query, **headers)
        assert response.status_code < 500, (path, query, response.status_code)
        text = without_echoes(body(response), path, query)
        assert DRAFT_MARK not in text, (
            f"{path} {query} {headers} shows unpublished material: "
            f"…{text[max(0, text.find(DRAFT_MARK) - 150) : text.find(DRAFT_MARK) + 60]}…"
        )
        own_notice = path.startswith(
            (
                "/claims/gone-",
                "/contradictions/gone-",
                "/embed/claims/gone-",  # a retracted item's card: its notice alone
                "/embed/contradictions/gone-",
                "/api/v1/claims/gone-",  # the API's answer there: the notice alone
                "/api/v1/contradictions/gone-",
            )
        )
        if name not in GONE_ALLOWED and not own_notice:
            assert GONE_MARK not in text, f"{path} {query} lists a retracted item"
        walked += 1
    assert walked > 1000


def test_previews_are_404_for_readers_and_signed_in_non_staff(client, world):
    for slug in world["claims:preview_claim"]:
        assert client.get(f"/preview/claims/{slug}/").status_code == 404
    client.force_login(User.objects.create_user("reader", password="a-reader-password"))
    draft = world["states"]["draft claim"]
    assert client.get(f"/preview/claims/{draft.slug}/").status_code == 404


def test_a_retracted_item_is_named_only_at_its_url_and_in_the_corrections(client, world):
    assert GONE_MARK in body(client.get("/claims/gone-claim/"))
    assert GONE_MARK in body(client.get("/contradictions/gone-pair/"))
    corrections = body(client.get("/corrections/"))
    assert "retracted claim." in corrections and f"{GONE_MARK} retracted pair." in corrections
    # a retracted pair whose side left the record is still listed, its side named by nothing
    assert "a statement no longer on the record" in corrections
