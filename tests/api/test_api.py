"""The public API as a program reads it: every list and detail, what never appears, errors
in plain words, cursors, ETags, CORS, and the documentation."""

import base64
import json

import pytest
from django.urls import get_resolver, reverse
from openapi_spec_validator import validate

from tests.api.conftest import GONE, HIDDEN
from tests.walk_support import url_patterns

pytestmark = pytest.mark.django_db

KINDS = ("claims", "contradictions", "speakers", "topics", "cases", "sources", "corrections")


def get(client, path, **params):
    response = client.get(path, params)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response


def ids(client, path, **params) -> list[str]:
    response = get(client, path, **params)
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def every_page(client, path, **params) -> list[str]:
    """Every id of a list, following ``next`` to the end."""
    found, response = [], get(client, path, **params).json()
    while True:
        found += [item["id"] for item in response["items"]]
        if response["next"] is None:
            return found
        response = get(client, response["next"]).json()


# --- what a reader gets -----------------------------------------------------------------------


def test_each_list_holds_the_published_items(client, world):
    assert ids(client, "/api/v1/claims/") == [
        "bridge-inspected",
        # undated: last, by id, as on the page
        *sorted(["bridge-not-inspected", world.retracted_pair.counter.slug]),
    ]
    assert ids(client, "/api/v1/contradictions/") == ["bridge-pair"]
    assert "public-speaker" in ids(client, "/api/v1/speakers/")
    assert ids(client, "/api/v1/topics/") == ["public-topic"]
    assert ids(client, "/api/v1/cases/") == ["public-case"]
    assert set(ids(client, "/api/v1/sources/")) == {"public-source", "second-source"}
    assert ids(client, "/api/v1/corrections/") == ["public-fix"]


def test_a_claim_in_detail(client, world):
    data = get(client, "/api/v1/claims/bridge-inspected/").json()
    assert data["status"] == "published"
    assert data["text"] == "The bridge was inspected in May."
    assert data["speaker"] == "public-speaker"
    assert data["speaker_name"] == "Public Speaker"
    assert data["said_on"] == "2023-06-01"
    assert data["topics"] == ["public-topic"]
    assert data["cases"] == ["public-case"]  # not the draft case it also belongs to
    assert data["url"].endswith("/claims/bridge-inspected/")
    [citation] = data["citations"]
    assert citation["source"] == "public-source"
    assert citation["outlet"] == "Public Outlet"
    assert citation["verification"] == "verbatim"
    assert citation["passage_url"].endswith("/sources/public-source/#quote-bridge-inspected")


def test_a_contradiction_in_detail_holds_both_statements(client, world):
    data = get(client, "/api/v1/contradictions/bridge-pair/").json()
    assert data["status"] == "published"
    assert data["claim"]["id"] == "bridge-inspected"
    assert data["counter"]["id"] == "bridge-not-inspected"
    assert data["counter"]["kind"] == "record"
    assert data["relation"] == "contradicts"
    assert data["relation_label"] == "contradicted by"
    assert data["explanation"] == "The two *cannot* both be true."
    assert data["claim"]["citations"][0]["quote"] == "The bridge was inspected in May."


def test_the_other_details(client, world):
    speaker = get(client, "/api/v1/speakers/public-speaker/").json()
    assert speaker["name"] == "Public Speaker"
    assert speaker["aliases"] == ["Speaks"]
    assert get(client, "/api/v1/topics/public-topic/").json()["name"] == "Public topic"
    assert get(client, "/api/v1/cases/public-case/").json()["title"] == "Public case"
    source = get(client, "/api/v1/sources/public-source/").json()
    assert source["outlet"] == "public-outlet"
    assert source["outlet_name"] == "Public Outlet"
    assert "inspected in May" in source["text"]
    assert "text" not in get(client, "/api/v1/sources/").json()["items"][0]
    fix = get(client, "/api/v1/corrections/public-fix/").json()
    assert fix["text"] == "We corrected the date."
    assert fix["claim"] == "bridge-inspected"
    assert fix["url"].endswith("/claims/bridge-inspected/#correction-public-fix")


def test_a_retracted_item_answers_with_its_notice_only(client, world):
    for path, reason in (
        ("/api/v1/claims/gone-claim/", "It was misattributed."),
        ("/api/v1/contradictions/gone-pair/", "The counter was misread."),
    ):
        response = get(client, path)
        assert response.status_code == 200
        data = response.json()
        assert data["status"] == "retracted"
        assert data["retraction_reason"] == reason
        assert data["retracted_at"]
        assert GONE not in response.content.decode()
    for kind in ("claims", "contradictions"):
        assert "gone-" not in " ".join(every_page(client, f"/api/v1/{kind}/"))


# --- what never appears -----------------------------------------------------------------------


def test_drafts_and_items_in_review_never_appear(client, world):
    lists = {kind: every_page(client, f"/api/v1/{kind}/", limit=1) for kind in KINDS}
    for kind, hidden in world.hidden.items():
        for slug in hidden:
            assert slug not in lists[kind], (kind, slug)
            response = get(client, f"/api/v1/{kind}/{slug}/")
            assert response.status_code == 404, (kind, slug)
            assert "There is no published" in response.json()["detail"]
    every = b"".join(
        get(client, f"/api/v1/{kind}/", limit=100).content
        + b"".join(get(client, f"/api/v1/{kind}/{slug}/").content for slug in lists[kind])
        for kind in KINDS
    )
    assert HIDDEN.encode() not in every


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/claims/", {"q": "bridge words"}),
        ("/api/v1/claims/", {"q": "bridge words", "sort": "newest"}),
        ("/api/v1/claims/", {"q": HIDDEN}),
        ("/api/v1/claims/", {"topic": "public-topic"}),
        ("/api/v1/claims/", {"case": "public-case"}),
        ("/api/v1/claims/", {"speaker": "public-speaker"}),
        ("/api/v1/claims/", {"verification": "verbatim"}),
        ("/api/v1/claims/", {"has_contradictions": "yes"}),
        ("/api/v1/claims/", {"has_contradictions": "no"}),
        ("/api/v1/contradictions/", {"q": "bridge"}),
        ("/api/v1/contradictions/", {"speaker": "public-speaker"}),
        ("/api/v1/contradictions/", {"topic": "public-topic"}),
        ("/api/v1/topics/", {"q": "topic"}),
        ("/api/v1/corrections/", {"kind": "correction"}),
    ],
)
def test_search_and_filters_never_find_hidden_items(client, world, path, params):
    response = get(client, path, **params)
    assert response.status_code == 200
    assert HIDDEN not in response.content.decode()
    assert GONE not in response.content.decode()


@pytest.mark.parametrize("kind", ["speaker", "topic", "outlet", "case"])
def test_a_filter_naming_a_hidden_item_is_refused(client, world, kind):
    plural = {"outlet": "sources"}.get(kind, f"{kind}s")
    hidden = world.hidden[plural][0] if kind != "outlet" else f"{HIDDEN}-outlet"
    response = get(client, "/api/v1/claims/", **{kind: hidden})
    assert response.status_code == 400
    assert "no published" in response.json()["detail"]


def test_the_filters_narrow_as_on_the_page(client, world):
    assert ids(client, "/api/v1/claims/", q="inspected") == ["bridge-inspected"]
    assert ids(client, "/api/v1/claims/", kind="record") == ["bridge-not-inspected"]
    assert ids(client, "/api/v1/claims/", said_after="2023-01-01") == ["bridge-inspected"]
    assert ids(client, "/api/v1/contradictions/", relation="inconsistent") == []


# --- errors in plain words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "opinion"},
        {"said_after": "yesterday"},
        {"said_after": "2024-02-31"},
        {"said_after": "2024-05-01", "said_before": "2024-01-01"},
        {"sort": "oldest"},
        {"speaker": "nobody-at-all"},
        {"case": "no-such-case"},
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"q": "x" * 201},
        {"q": "nul\x00char"},
    ],
)
def test_bad_filter_values_are_a_400_with_a_message(client, world, params):
    response = get(client, "/api/v1/claims/", **params)
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith("Some ")


def _cursor(payload) -> str:
    raw = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "%%%",
        _cursor(b"\xff\xfe"),
        _cursor([1, 2]),
        _cursor({"o": 25}),  # an offset, on a list walked by key
        _cursor({"k": ["said_on", "slug"], "v": ["not a date", "x"]}),
        _cursor({"k": ["said_on", "slug"], "v": ["2023-01-01"]}),
        _cursor({"k": ["said_on", "slug"], "v": ["2023-01-01", None]}),
        _cursor({"k": ["said_on", "slug"], "v": [{"a": 1}, "x"]}),
        _cursor({"k": ["published_at", "slug"], "v": ["2023-01-01", "x"]}),
        _cursor({"k": ["said_on", "slug"], "v": ["99999-01-01", "x"]}),
        "x" * 2001,
    ],
)
def test_a_bad_cursor_is_a_400_with_a_message(client, world, cursor):
    response = get(client, "/api/v1/claims/", cursor=cursor)
    assert response.status_code == 400, response.content
    assert "cursor" in response.json()["detail"]


@pytest.mark.parametrize("cursor", [_cursor({"o": -1}), _cursor({"o": 10**9}), _cursor({"k": 1})])
def test_a_bad_cursor_on_a_ranked_search_is_a_400(client, world, cursor):
    response = get(client, "/api/v1/claims/", q="bridge", cursor=cursor)
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


# --- cursors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/claims/", {}),  # by key, with an undated claim (NULLS LAST)
        ("/api/v1/claims/", {"q": "bridge"}),  # ranked: by position
        ("/api/v1/claims/", {"q": "bridge", "sort": "newest"}),
        ("/api/v1/speakers/", {}),
        ("/api/v1/sources/", {}),
    ],
)
def test_following_next_walks_the_whole_list_once(client, world, path, params):
    whole = ids(client, path, limit=100, **params)
    assert len(whole) >= 2
    assert every_page(client, path, limit=1, **params) == whole
    first = get(client, path, limit=1, **params).json()
    assert "limit=1" in first["next"]
    for name, value in params.items():
        assert f"{name}={value}".replace(" ", "+") in first["next"]


# --- HTTP: cache, ETag, CORS ------------------------------------------------------------------


def test_an_unchanged_answer_is_a_304_for_its_etag(client, world):
    for path in ("/api/v1/claims/", "/api/v1/claims/bridge-inspected/", "/api/v1/openapi.json"):
        first = client.get(path)
        tag = first["ETag"]
        assert tag and "public" in first["Cache-Control"]
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304
        assert again["ETag"] == tag


def test_the_api_shares_the_page_cache(client, world):
    from rust_tracker.caching import bump_public_version

    path = "/api/v1/claims/bridge-inspected/"
    assert client.get(path)["X-Cache"] == "miss"
    assert client.get(path)["X-Cache"] == "miss"  # kept at its second request
    assert client.get(path)["X-Cache"] == "hit"
    world.claim.text = "The bridge was inspected in June."
    world.claim.save()  # a write moves the public data version on
    answer = client.get(path)
    assert answer["X-Cache"] == "miss"
    assert answer.json()["text"] == "The bridge was inspected in June."
    bump_public_version()


def test_any_site_may_read_the_api_but_not_the_pages(client, world):
    origin = {"Origin": "https://newsroom.example"}
    response = client.get("/api/v1/claims/", headers=origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/claims/",
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/claims/", headers=origin)


def test_the_api_is_read_only(client, world):
    for method in (client.post, client.put, client.delete):
        assert method("/api/v1/claims/").status_code == 405


def test_the_downloads_stay(client, world):
    response = client.get("/claims/", {"format": "json"})
    assert response.status_code == 200
    rows = json.loads(b"".join(response.streaming_content))
    assert "bridge-inspected" in {row["id"] for row in rows}


# --- the documentation ------------------------------------------------------------------------


def test_the_schema_is_valid_openapi_and_documents_every_endpoint(client, world):
    schema = get(client, "/api/v1/openapi.json").json()
    validate(schema)
    documented = set(schema["paths"])
    routed = {
        "/" + route.replace("<slug>", "{slug}")
        for route, name in url_patterns()
        if name.startswith("api-v1:")
        and name not in {"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root"}
    }
    assert documented == routed
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            assert operation["summary"] and operation.get("description"), path
            assert {"200", "400"} <= set(operation["responses"]), path


def test_the_docs_page_shows_the_schema(client, world):
    for path in ("/api/", "/api/v1/docs/"):
        response = client.get(path)
        assert response.status_code == 200
        page = response.content.decode()
        assert reverse("api-v1:openapi-json") in page
        assert "/static/ninja/swagger-ui-bundle.js" in page
        assert "<script>" not in page  # no inline script: the site's CSP holds
    assert get_resolver().resolve("/api/v1/claims/")
