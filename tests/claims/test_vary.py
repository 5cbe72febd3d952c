"""A public answer that depends on a request header says so in ``Vary``, so that no cache
(a browser's, nginx's, a CDN's) hands one request's answer to another: htmx asks for fragments
with its headers (``HX-Request``, and ``HX-Target`` for the compare pickers; a history restore,
``HX-History-Restore-Request``, wants the whole page back).

Every public URL pattern is walked with each htmx header: where the answer changes with the
header, the header must be in ``Vary`` of both answers. Also here: /topics/ refuses a search
over 200 characters, as every other list does."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from claims.filters import MAX_QUERY
from claims.models import Case, Claim, Contradiction, Correction, Speaker, Topic
from sources.models import Source

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# (the header, the request without it, the request with it)
VARIANTS = [
    ("HX-Request", {}, HTMX),
    *(
        ("HX-Target", HTMX, {**HTMX, "HX-Target": target})
        for target in ("picker-a-results", "picker-b-results", "results", "filters")
    ),
    ("HX-History-Restore-Request", HTMX, {**HTMX, "HX-History-Restore-Request": "true"}),
    ("HX-Boosted", HTMX, {**HTMX, "HX-Boosted": "true"}),
    ("HX-Trigger", HTMX, {**HTMX, "HX-Trigger": "q"}),
    ("HX-Trigger-Name", HTMX, {**HTMX, "HX-Trigger-Name": "q"}),
    ("HX-Current-URL", HTMX, {**HTMX, "HX-Current-URL": "http://testserver/"}),
    ("HX-Prompt", HTMX, {**HTMX, "HX-Prompt": "yes"}),
]

# Routes without parameters, and the query strings worth asking them.
QUERIES = {
    "claims:home": [{}],
    "claims:claim_list": [{}, {"q": "trigger"}, {"page": "2"}],
    "claims:contradiction_list": [{}, {"q": "trigger"}],
    "claims:correction_list": [{}],
    "claims:topic_list": [{}, {"q": "the"}],
    "claims:case_list": [{}, {"q": "the"}],
    "claims:oembed": [{"url": "http://testserver/contradictions/trigger-vs-fbi-finding/"}],
    "claims:compare": [
        {},
        {"aq": "trigger", "bq": "Baldwin"},
        {"a": "rust-shooting", "b": "camera-crew-walk-off"},
    ],
    "claims:feed_contradictions": [{}],
    "claims:feed_corrections": [{}],
    "sitemap": [{}],
    "api_docs": [{}],
    "api-v1:openapi-json": [{}],
    "api-v1:openapi-view": [{}],
    "api-v1:api-root": [{}],
    "api-v1:claim_list": [{}, {"q": "trigger"}],
    "api-v1:contradiction_list": [{}, {"q": "trigger"}],
    "api-v1:speaker_list": [{}],
    "api-v1:topic_list": [{}],
    "api-v1:case_list": [{}],
    "api-v1:source_list": [{}],
    "api-v1:correction_list": [{}],
}
# staff only
NOT_PUBLIC = {"claims:preview_claim", "claims:preview_contradiction", "claims:desk_alert_feed"}


def public_patterns(resolver=None, prefix="") -> list[tuple[str, str]]:
    """(name, route) of every URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("admin/"):
                namespace = entry.namespace
                found += [
                    (f"{namespace}:{name}" if namespace else name, sub)
                    for name, sub in public_patterns(entry, route)
                ]
        elif isinstance(entry, URLPattern):
            found.append((entry.name, route))
    return found


def routes_with_parameters() -> dict[str, tuple[str, list[str]]]:
    """Pattern name: (its URL argument, values from the demo)."""
    first = {
        model: list(model.objects.published().order_by("pk").values_list("slug", flat=True)[:1])
        for model in (Claim, Contradiction, Speaker, Topic, Case)
    }
    return {
        "claims:claim_detail": ("slug", first[Claim]),
        "claims:contradiction_detail": ("slug", first[Contradiction]),
        "claims:speaker_detail": ("slug", first[Speaker]),
        "claims:topic_detail": ("slug", first[Topic]),
        "claims:case_detail": ("slug", first[Case]),
        "claims:case_feed": ("slug", first[Case]),
        "claims:source_detail": (
            "slug",
            list(Source.objects.order_by("pk").values_list("slug", flat=True)[:1]),
        ),
        "claims:suggest": ("kind", ["speakers"]),
        "claims:embed_claim": ("slug", first[Claim]),
        "claims:embed_contradiction": ("slug", first[Contradiction]),
        "claims:case_revisions_feed": ("slug", first[Case]),
        "claims:source_changes": (
            "slug",
            list(Source.objects.order_by("pk").values_list("slug", flat=True)[:1]),
        ),
        "api-v1:claim_detail": ("slug", first[Claim]),
        "api-v1:contradiction_detail": ("slug", first[Contradiction]),
        "api-v1:speaker_detail": ("slug", first[Speaker]),
        "api-v1:topic_detail": ("slug", first[Topic]),
        "api-v1:case_detail": ("slug", first[Case]),
        "api-v1:correction_detail": (
            "slug",
            list(Correction.objects.published().order_by("pk").values_list("slug", flat=True)[:1]),
        ),
        "api-v1:source_detail": (
            "slug",
            list(Source.objects.order_by("pk").values_list("slug", flat=True)[:1]),
        ),
        "sitemap_section": ("section", ["claims", "topics"]),
    }


def urls() -> list[tuple[str, str, dict]]:
    with_parameters = routes_with_parameters()
    found = []
    for name, _route in public_patterns():
        if name in NOT_PUBLIC:
            continue
        if name in QUERIES:
            found += [(name, reverse(name), query) for query in QUERIES[name]]
            continue
        assert name in with_parameters, f"add the URL pattern {name} to the Vary walk"
        key, values = with_parameters[name]
        assert values, f"the demo has nothing for {name}"
        found += [(name, reverse(name, kwargs={key: value}), {}) for value in values]
    return found


def answer(client, path, query, headers):
    response = client.get(path, query, headers=headers)
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    # each answer has a CSP nonce of its own: not a difference the headers make
    return response, (response.status_code, re.sub(rb'nonce="[^"]+"', b"", raw))


def vary(response) -> set[str]:
    return {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}


def test_every_public_answer_that_changes_with_an_htmx_header_varies_on_it(client, demo):
    changed = set()
    for name, path, query in urls():
        for header, without, with_ in VARIANTS:
            plain, plain_body = answer(client, path, query, without)
            asked, asked_body = answer(client, path, query, with_)
            if plain_body == asked_body:
                continue
            changed.add((name, header))
            for response in (plain, asked):
                assert header.lower() in vary(response), (
                    f"{path}?{query} changes with {header} but its Vary is {response.get('Vary')!r}"
                )
    # the walk sees the branches it is about (it would pass vacuously otherwise)
    assert {
        ("claims:compare", "HX-Target"),
        ("claims:claim_list", "HX-Request"),
        ("claims:claim_list", "HX-History-Restore-Request"),
        ("claims:contradiction_list", "HX-History-Restore-Request"),
        ("claims:correction_list", "HX-History-Restore-Request"),
        ("claims:topic_list", "HX-History-Restore-Request"),
    } <= changed


@pytest.mark.parametrize("target", ["picker-a-results", "picker-b-results"])
def test_compare_varies_on_the_htmx_target(client, demo, target):
    """/compare/ answers a picker's options to htmx aimed at a picker, the page otherwise."""
    query = {"aq": "trigger", "bq": "trigger"}
    page = client.get("/compare/", query, headers=HTMX)
    options = client.get("/compare/", query, headers={**HTMX, "HX-Target": target})
    assert b"<html" in page.content and b"<html" not in options.content
    for response in (page, options):
        assert {"hx-request", "hx-target"} <= vary(response)


@pytest.mark.parametrize("path", ["/claims/", "/contradictions/", "/corrections/", "/topics/"])
def test_a_list_varies_on_a_history_restore(client, demo, path):
    """htmx restoring a page from history sends HX-Request too, and wants the whole page."""
    fragment = client.get(path, headers=HTMX)
    restored = client.get(path, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert b"<html" not in fragment.content and b"<html" in restored.content
    for response in (fragment, restored):
        assert {"hx-request", "hx-history-restore-request"} <= vary(response)


# --- /topics/?q= ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/topics/", "/claims/", "/contradictions/", "/cases/"])
def test_a_search_over_200_characters_is_refused_on_every_list(client, demo, path):
    """A name search at most MAX_QUERY (200) characters long, as on the other lists: a longer
    one is a 400 showing the form's error (before: /topics/ took 3,900)."""
    assert client.get(path, {"q": "t" * MAX_QUERY}).status_code == 200
    for length in (MAX_QUERY + 1, 3_900):
        response = client.get(path, {"q": "t" * length})
        assert response.status_code == 400, (path, length)
        page = response.content.decode()
        assert 'id="filter-errors"' in page
        assert f"at most {MAX_QUERY} characters" in page
    fragment = client.get(path, {"q": "t" * 3_900}, headers=HTMX)
    assert fragment.status_code == 400 and b"<html" not in fragment.content
