"""No draft leaks, ever: every public URL pattern, in every format, as an anonymous reader.

The URL conf is enumerated, so a new page cannot be forgotten: a pattern this test does not
know how to fill fails ``test_every_public_url_pattern_is_walked``. Unpublished material
(drafts, items in review, their speakers, sources, corrections and pairs) carries DRAFT_MARK;
retracted material carries GONE_MARK, which may appear only at the retracted item's own URL
(its notice) and on the corrections page and feed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver

from claims import publishing
from claims.models import Case, Citation, Claim, ClaimKind, Contradiction, Correction, Status
from claims.services import verify_citation
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


@pytest.fixture
def world(demo):
    editor = User.objects.create_superuser("leak-editor", password="pw")
    topic = make_topic(slug="shared-topic")
    speaker = make_speaker(slug="public-person", name="Public Person")
    source = make_source(
        slug="shared-source",
        outlet=make_outlet(),
        text="Said: “Public words here.” Also: “Other cited words.”",
    )
    public = make_claim(
        slug="public-claim", speaker=speaker, text="Public words here.", cite=source
    )
    public.topics.add(topic)
    other = make_claim(slug="other-claim", kind=ClaimKind.RECORD, text="Other public words.")
    for status in (Status.DRAFT, Status.REVIEW):
        hidden = make_claim(
            slug=f"hidden-{status}",
            speaker=speaker,
            kind=ClaimKind.RECORD,
            text=f"{DRAFT_MARK} words.",
            summary=f"{DRAFT_MARK} summary",
            said_on=dt.date(2022, 1, 1),
            status=status,
        )
        hidden.topics.add(topic)
        verify_citation(
            citation=Citation.objects.create(
                claim=hidden, source=source, quote="Other cited words.", note=DRAFT_MARK
            )
        )
        make_contradiction(
            slug=f"hidden-half-{status}",
            claim=public,
            counter=hidden,
            title=f"{DRAFT_MARK} half pair",
        )
        Correction.objects.create(
            slug=f"hidden-fix-{status}",
            claim=hidden,
            published_on=dt.date(2024, 1, 1),
            text=f"{DRAFT_MARK} correction",
        )
    draft_pair = make_contradiction(
        slug="hidden-pair",
        claim=public,
        counter=other,
        title=f"{DRAFT_MARK} pair",
        explanation=f"{DRAFT_MARK} explanation",
        status=Status.DRAFT,
    )
    Correction.objects.create(
        slug="hidden-pair-fix",
        contradiction=draft_pair,
        published_on=dt.date(2024, 1, 1),
        text=f"{DRAFT_MARK} pair correction",
    )
    draft_speaker = make_speaker(slug="hidden-person", name=f"{DRAFT_MARK} Person")
    make_claim(slug="hidden-alone", speaker=draft_speaker, status=Status.DRAFT)
    draft_source = make_source(slug="hidden-source", title=f"{DRAFT_MARK} source", text="Alone.")
    make_claim(slug="hidden-cites", text="Alone.", cite=draft_source, status=Status.DRAFT)
    make_topic(slug="hidden-topic", name=f"{DRAFT_MARK} topic").claims.add(
        make_claim(slug="hidden-topical", status=Status.DRAFT)
    )
    gone = make_claim(
        slug="gone-claim",
        speaker=speaker,
        kind=ClaimKind.RECORD,
        text=f"{GONE_MARK} words.",
    )
    gone.topics.add(topic)
    gone_pair = make_contradiction(
        slug="gone-pair", claim=other, counter=public, title=f"{GONE_MARK} pair"
    )
    publishing.retract(item=gone_pair, by=editor, reason="Retracted pair.")
    publishing.retract(item=gone, by=editor, reason="Retracted claim.")
    # every item sits in the demo's published case and in a draft case
    hidden_case = make_case(
        slug="hidden-case", title=f"{DRAFT_MARK} case", summary=DRAFT_MARK, status=Status.DRAFT
    )
    public_case = Case.objects.get(slug="rust-shooting")
    for item in (*Claim.objects.all(), *Contradiction.objects.all()):
        item.cases.add(public_case, hidden_case)
    return {
        "claims:claim_detail": ["public-claim", "hidden-draft", "hidden-review"],
        "claims:contradiction_detail": [
            "trigger-vs-fbi-finding",
            "hidden-pair",
            "hidden-half-draft",
        ],
        "claims:speaker_detail": ["public-person", "hidden-person"],
        "claims:topic_detail": ["shared-topic", "hidden-topic"],
        "claims:source_detail": ["shared-source", "hidden-source"],
        "claims:preview_claim": ["hidden-draft", "public-claim"],
        "claims:preview_contradiction": ["hidden-pair"],
        "claims:case_detail": ["rust-shooting", "hidden-case"],
        "claims:case_feed": ["rust-shooting", "hidden-case"],
        "claims:suggest": ["speakers", "topics", "outlets"],  # words: test_suggestions.py
        "sitemap_section": [
            "claims",
            "contradictions",
            "speakers",
            "sources",
            "topics",
            "cases",
            "pages",
        ],
    }


# Routes without parameters, and the query strings worth asking them.
QUERIES = {
    "claims:home": [{}],
    # searches for words the hidden items hold (a search for the mark would echo it)
    "claims:claim_list": [
        {"q": "words"},
        {"q": "summary"},
        {"topic": "shared-topic"},
        {"case": "rust-shooting"},
    ],
    "claims:contradiction_list": [
        {},
        {"q": "pair"},
        {"q": "explanation"},
        {"case": "rust-shooting"},
    ],
    "claims:compare": [
        {"a": "public-claim", "b": "other-claim"},
        {"aq": "words", "bq": "summary"},
        {"aq": "public person"},
    ],
    "claims:correction_list": [{}],
    "claims:topic_list": [{}, {"q": "topic"}],
    "claims:feed_contradictions": [{}],
    "claims:feed_corrections": [{}],
    "sitemap": [{}],
}
# Where a retracted item may still be named: its notice and the corrections.
GONE_ALLOWED = {"claims:correction_list", "claims:feed_corrections"}


def requests(world) -> list[tuple[str, str, dict, dict]]:
    """(pattern name, path, query, headers) for every pattern, format and htmx variant."""
    from django.urls import reverse

    found = []
    for name, _route in public_patterns():
        if name in QUERIES:
            for query in QUERIES[name]:
                for fmt in FORMATS:
                    for headers in ({}, HTMX):
                        found.append((name, reverse(name), {**query, **fmt}, headers))
        else:
            key = {"sitemap_section": "section", "claims:suggest": "kind"}.get(name, "slug")
            for value in world.get(name, []):
                path = reverse(name, kwargs={key: value})
                for fmt in FORMATS:
                    for headers in ({}, HTMX):
                        found.append((name, path, fmt, headers))
    return found


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace").lower()


def test_every_public_url_pattern_is_walked(world):
    names = {name for name, _route in public_patterns()}
    unknown = names - set(QUERIES) - set(world)
    assert not unknown, f"add these URL patterns to the leak walk: {sorted(unknown)}"


def test_no_public_output_shows_unpublished_material(client, world):
    walked = 0
    for name, path, query, headers in requests(world):
        response = client.get(path, query, **headers)
        assert response.status_code < 500, (path, query, response.status_code)
        text = body(response)
        assert DRAFT_MARK not in text, f"{path} {query} {headers} shows unpublished material"
        own_notice = "/gone-claim/" in path or "/gone-pair/" in path
        if name not in GONE_ALLOWED and not own_notice:
            assert GONE_MARK not in text, f"{path} {query} lists a retracted item"
        walked += 1
    assert walked > 200


def test_previews_are_404_for_readers_and_signed_in_non_staff(client, world):
    for slug in world["claims:preview_claim"]:
        assert client.get(f"/preview/claims/{slug}/").status_code == 404
    client.force_login(User.objects.create_user("reader", password="a-reader-password"))
    assert client.get("/preview/claims/hidden-draft/").status_code == 404


def test_a_retracted_item_is_named_only_at_its_url_and_in_the_corrections(client, world):
    assert GONE_MARK in body(client.get("/claims/gone-claim/"))
    assert "retracted claim." in body(client.get("/corrections/"))
