"""Public pages cached for anonymous visitors until what they show changes; never for staff."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from claims import publishing
from claims.models import Citation, Claim, Correction, CorrectionKind, Status
from rust_tracker.caching import bump_public_version
from tests.factories import make_claim, make_contradiction, make_source

pytestmark = pytest.mark.django_db

TEXT = "She said: “The bridge is sound.” The engineer said: “The bridge is failing.”"


@pytest.fixture
def editor():
    return User.objects.create_superuser("chief", password="pw")


@pytest.fixture
def pair():
    source = make_source(text=TEXT)
    claim = make_claim(slug="bridge-sound", text="The bridge is sound.", cite=source)
    counter = make_claim(slug="bridge-failing", text="The bridge is failing.", cite=source)
    return make_contradiction(
        slug="bridge-pair", title="Sound or failing", claim=claim, counter=counter
    )


PAGES = ["/", "/claims/", "/claims/bridge-sound/", "/contradictions/bridge-pair/", "/corrections/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_is_served_without_sql(client, pair, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "miss"  # asked again: now kept
    with django_assert_num_queries(0):
        third = client.get(url)
    assert third["X-Cache"] == "hit"
    assert without_nonces(third.content) == without_nonces(first.content)


def without_nonces(content: bytes) -> bytes:
    """The page with its CSP nonces blanked: each answer has its own (below)."""
    return re.sub(rb'nonce="[^"]+"', b'nonce=""', content)


def test_headers_for_browsers_and_cdns(client, pair):
    response = client.get("/contradictions/bridge-pair/")
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"] and "s-maxage=" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]
    assert response["ETag"] and response["Last-Modified"]
    assert not response.cookies, "a public page sets no cookie (no CSRF cookie)"
    again = client.get("/contradictions/bridge-pair/", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    since = client.get(
        "/contradictions/bridge-pair/", headers={"If-Modified-Since": response["Last-Modified"]}
    )
    assert since.status_code == 304


def test_htmx_fragment_and_full_page_are_cached_apart(client, pair):
    page = client.get("/claims/?q=bridge")
    fragment = client.get("/claims/?q=bridge", headers={"HX-Request": "true"})
    assert fragment["X-Cache"] == "miss"
    assert b"<html" in page.content and b"<html" not in fragment.content
    assert (
        client.get("/claims/?q=bridge", headers={"HX-Request": "true"}).content == fragment.content
    )
    assert b"<html" in client.get("/claims/?q=bridge").content


def nonces(response) -> tuple[set[str], str]:
    """The nonces in the page's tags, and the one its Content-Security-Policy names."""
    in_page = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
    in_header = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert len(in_header) == 1, response["Content-Security-Policy"]
    return in_page, in_header[0]


@pytest.mark.parametrize("url", ["/", "/contradictions/bridge-pair/"])
def test_every_answer_from_the_cache_has_a_nonce_of_its_own(client, pair, url):
    """A nonce used by every visitor is no nonce: each answer, cached or not, carries a new one,
    the same in its tags (htmx's script, the JSON-LD) and in its policy."""
    seen, etags = set(), set()
    for n in range(4):
        response = client.get(url)
        assert response["X-Cache"] == ("miss" if n < 2 else "hit")  # kept at the second
        in_page, in_header = nonces(response)
        assert in_page == {in_header}
        seen.add(in_header)
        etags.add(response["ETag"])
    assert len(seen) == 4
    assert len(etags) == 1  # the same page: only its nonce differs


def test_a_not_modified_answer_leaves_the_browsers_policy_alone(client, pair):
    """A 304 sends no policy: a browser keeps the page it has with the policy that came with
    it (a new policy on the 304 would name a nonce the kept page does not carry)."""
    url = "/contradictions/bridge-pair/"
    first = client.get(url)
    for _ in range(3):  # revalidations after a miss (the second keeps it), then from the cache
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        assert "Content-Security-Policy" not in again


def test_an_edit_is_seen_by_the_next_anonymous_request(client, pair):
    url = "/contradictions/bridge-pair/"
    assert b"Sound or failing" in client.get(url).content
    pair.title = "Sound, or failing?"
    pair.save()
    assert b"Sound, or failing?" in client.get(url).content


def test_a_bulk_update_is_seen_too(client, pair):
    assert b"Sound or failing" in client.get("/contradictions/").content
    type(pair).objects.filter(pk=pair.pk).update(title="Updated in bulk")
    assert b"Updated in bulk" in client.get("/contradictions/").content


def test_publishing_retracting_and_correcting(client, pair, editor):
    draft = make_claim(
        slug="late-draft",
        text="The bridge is failing.",
        status=Status.DRAFT,
        cite=Citation.objects.first().source,
    )
    assert client.get("/claims/late-draft/").status_code == 404
    assert b"late-draft" not in client.get("/claims/").content
    publishing.publish(item=draft, by=editor)
    assert client.get("/claims/late-draft/").status_code == 200
    assert b"late-draft" in client.get("/claims/").content

    assert b"report was a draft" not in client.get("/corrections/").content
    publishing.retract(item=pair, by=editor, reason="The engineer's report was a draft.")
    page = client.get("/contradictions/bridge-pair/")
    assert b"The engineer&#x27;s report was a draft." in page.content
    assert b"engineer&#x27;s report was a draft" in client.get("/corrections/").content

    claim = Claim.objects.get(slug="bridge-sound")
    client.get("/claims/bridge-sound/")
    Correction.objects.create(
        slug="tuesday",
        claim=claim,
        kind=CorrectionKind.CORRECTION,
        published_on=dt.date(2024, 1, 2),
        text="The date was wrong: it was a Tuesday.",
    )
    assert b"it was a Tuesday" in client.get("/claims/bridge-sound/").content


def test_an_explicit_bump_empties_the_cache(client, pair):
    client.get("/")
    bump_public_version()
    assert client.get("/")["X-Cache"] == "miss"


def test_staff_never_get_or_fill_the_cache(client, pair, editor):
    staff = Client()
    staff.force_login(editor)
    seen = staff.get("/contradictions/bridge-pair/")
    assert "X-Cache" not in seen and "private" in seen["Cache-Control"]
    assert client.get("/contradictions/bridge-pair/")["X-Cache"] == "miss"
    assert "X-Cache" not in staff.get("/contradictions/bridge-pair/")


def test_a_draft_preview_never_leaks_through_the_cache(client, editor):
    draft = make_claim(slug="secret-draft", text="Not yet on record.", status=Status.DRAFT)
    staff = Client()
    staff.force_login(editor)
    preview = staff.get(f"/preview/claims/{draft.slug}/")
    assert preview.status_code == 200 and b"Not yet on record." in preview.content
    assert "X-Cache" not in preview
    assert client.get(f"/preview/claims/{draft.slug}/").status_code == 404
    assert client.get(f"/claims/{draft.slug}/").status_code == 404
    assert b"Not yet on record." not in client.get("/claims/").content


def test_posts_and_errors_are_not_cached(client, pair):
    assert client.get("/claims/no-such-claim/").status_code == 404
    assert "X-Cache" not in client.get("/claims/no-such-claim/")


@pytest.fixture
def redis_cache():
    import redis

    url = "redis://127.0.0.1:6379/11"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (the tests need it)")
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "rust-tracker-tests",
        }
    }
    with override_settings(CACHES=caches):
        from django.core.cache import cache

        cache.clear()
        yield redis.Redis.from_url(url)
        cache.clear()


def test_the_redis_path(client, pair, redis_cache, django_assert_num_queries):
    url = "/contradictions/bridge-pair/"
    assert client.get(url)["X-Cache"] == "miss"
    keys = redis_cache.keys("*")
    assert not any(b"public-page:" in key for key in keys), "asked once: not kept"
    assert any(b"public-seen:" in key for key in keys), "but marked as asked"
    assert client.get(url)["X-Cache"] == "miss"
    assert any(b"public-page:" in key for key in redis_cache.keys("*")), "the page is in Redis"
    with django_assert_num_queries(0):
        assert client.get(url)["X-Cache"] == "hit"
    pair.title = "Edited while cached in Redis"
    pair.save()
    assert b"Edited while cached in Redis" in client.get(url).content


# Downloads -------------------------------------------------------------------------------

EXPORTS = [
    "/claims/?format=csv",
    "/claims/?format=json&q=bridge",
    "/contradictions/?format=json",
    "/speakers/" + "{speaker}" + "/?format=csv",
    "/corrections/?format=csv",
    "/contradictions/bridge-pair/?format=json",  # the evidence: not streamed
]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("url", EXPORTS)
def test_a_download_is_public_and_revalidates_with_304(
    client, pair, url, django_assert_num_queries
):
    url = url.format(speaker=pair.claim.speaker.slug)
    first = client.get(url)
    assert first.status_code == 200
    data = body(first)
    assert data and first["X-Cache"] == "miss"
    assert "public" in first["Cache-Control"] and "s-maxage=" in first["Cache-Control"]
    assert first["ETag"] and first["Last-Modified"]
    for validator in (
        {"If-None-Match": first["ETag"]},
        {"If-Modified-Since": first["Last-Modified"]},
    ):
        again = client.get(url, headers=validator)
        assert again.status_code == 304, validator
        assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]
    assert body(client.get(url)) == data  # asked again: kept whole in the cache as it goes out
    with django_assert_num_queries(0):
        kept = client.get(url)
    assert kept["X-Cache"] == "hit" and kept.content == data
    for header in ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin"):
        assert kept[header] == first[header]
    if "X-Export-Matches" in first:
        assert kept["X-Export-Matches"] == first["X-Export-Matches"]
    with django_assert_num_queries(0):
        assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_a_download_the_visitor_holds_answers_304_before_the_view_runs(
    client, pair, django_assert_num_queries, settings
):
    settings.PUBLIC_CACHE_MAX_BYTES = 10  # too big to keep: every answer streams again
    first = client.get("/claims/?format=json")
    data = body(first)
    assert data and first["ETag"].startswith('W/"')
    second = client.get("/claims/?format=json")
    assert second["X-Cache"] == "miss" and body(second) == data
    assert second["ETag"] == first["ETag"]  # the same data by the same code: the same tag
    with django_assert_num_queries(0):
        again = client.get("/claims/?format=json", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and "Content-Security-Policy" not in again
    # If-None-Match compares weakly (RFC 9110), as Django does for a page: the tag in its
    # strong form, or among others with odd spacing, is still the download held
    strong = first["ETag"].removeprefix("W/")
    for held in (strong, f'"other",{first["ETag"]}', f' W/"x" ,  {strong} '):
        with django_assert_num_queries(0):
            again = client.get("/claims/?format=json", headers={"If-None-Match": held})
        assert again.status_code == 304, held
    # another list's tag is not this one's
    other = client.get("/claims/?format=csv")
    body(other)
    assert other["ETag"] != first["ETag"]
    stale = client.get("/claims/?format=csv", headers={"If-None-Match": first["ETag"]})
    assert stale.status_code == 200 and body(stale)


def test_a_change_gives_a_download_a_new_tag_and_new_rows(client, pair):
    url = "/claims/?format=csv"
    first = client.get(url)
    assert b"bridge-sound" in body(first)
    Claim.objects.filter(slug="bridge-sound").update(text="The bridge was sound.")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200 and again["X-Cache"] == "miss"
    assert again["ETag"] != first["ETag"]
    assert b"The bridge was sound." in body(again)


def test_a_staff_download_is_private_and_never_kept(client, pair, editor):
    staff = Client()
    staff.force_login(editor)
    seen = staff.get("/claims/?format=json")
    assert body(seen)
    assert "private" in seen["Cache-Control"] and "public" not in seen["Cache-Control"]
    assert "X-Cache" not in seen and "ETag" not in seen
    anonymous = client.get("/claims/?format=json")
    assert anonymous["X-Cache"] == "miss" and "public" in anonymous["Cache-Control"]
    body(anonymous)
    assert "X-Cache" not in staff.get("/claims/?format=json")  # nor served from the cache


def test_just_after_a_change_a_download_is_neither_validated_nor_kept(client, pair, settings):
    """While a read replica may still lag, a download may hold rows from before the change:
    no validator could later vouch for it, and the cache does not keep it."""
    settings.DATABASE_REPLICA_URL = "postgresql://replica.invalid/x"  # only the lag is read
    settings.REPLICA_LAG_SECONDS = 3600
    bump_public_version()
    first = client.get("/claims/?format=csv")
    assert body(first)
    assert "ETag" not in first and "Last-Modified" not in first
    assert "no-cache" in first["Cache-Control"]
    assert "X-Cache" not in client.get("/claims/?format=csv")
