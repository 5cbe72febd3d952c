"""Retraction, not disappearance: the permanent URL answers with a notice, the item leaves
lists, search, exports and live feeds, and the retraction stays on /corrections/ and its feed."""

import html

import feedparser
import pytest
from django.contrib.auth.models import User

from claims import publishing
from claims.models import Status
from tests.factories import make_claim, make_contradiction, make_source

pytestmark = pytest.mark.django_db

TEXT = "She said: “The bridge is sound.” The engineer said: “The bridge is failing.”"
MARK = "Qwertymark"


@pytest.fixture
def editor():
    return User.objects.create_superuser("chief", password="pw")


@pytest.fixture
def world(editor):
    source = make_source(text=TEXT)
    claim = make_claim(
        slug="bridge-sound", text="The bridge is sound.", summary=f"{MARK} sound", cite=source
    )
    counter = make_claim(slug="bridge-failing", text="The bridge is failing.", cite=source)
    live = make_claim(slug="live", kind="record", text="A live record.")
    pair = make_contradiction(
        slug="bridge-pair", title=f"{MARK} pair", claim=claim, counter=counter
    )
    publishing.retract(item=pair, by=editor, reason="The engineer's report was a draft.")
    publishing.retract(item=claim, by=editor, reason="Misattributed: another official said it.")
    return {"claim": claim, "counter": counter, "pair": pair, "live": live}


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return html.unescape(raw.decode())


def test_a_retracted_claim_keeps_its_url_with_a_notice(client, world):
    response = client.get("/claims/bridge-sound/")
    assert response.status_code == 200
    page = body(response)
    assert 'id="retraction"' in page
    assert "Misattributed: another official said it." in page
    assert "The bridge is sound." in page  # the original, shown as retracted
    assert "is-retracted" in page


def test_a_retracted_contradiction_keeps_its_url_with_a_notice(client, world):
    response = client.get("/contradictions/bridge-pair/")
    assert response.status_code == 200
    page = body(response)
    assert 'id="retraction"' in page and "The engineer's report was a draft." in page
    assert "application/ld+json" not in page  # no longer a fact-check
    assert client.get("/contradictions/bridge-pair/?format=json").status_code == 404


def test_a_retracted_pair_whose_side_left_the_record_shows_the_notice_alone(client, world):
    counter = world["counter"]
    counter.status = Status.DRAFT
    counter.save()
    page = body(client.get("/contradictions/bridge-pair/"))
    assert 'id="retraction"' in page
    assert "The bridge is failing." not in page


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/claims/",
        "/claims/?q=bridge",
        "/claims/?format=json",
        "/claims/?format=csv",
        "/contradictions/",
        "/contradictions/?format=json",
        "/feeds/contradictions/",
        "/sitemap-claims.xml",
        "/sitemap-contradictions.xml",
        "/compare/?aq=bridge&bq=bridge",
    ],
)
def test_retracted_items_are_out_of_lists_search_exports_and_live_feeds(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert MARK not in body(response)
    assert "bridge-sound" not in body(response)


def test_retractions_stay_on_the_corrections_page_and_feed(client, world):
    page = body(client.get("/corrections/"))
    assert "Misattributed: another official said it." in page
    assert "The engineer's report was a draft." in page
    feed = feedparser.parse(body(client.get("/feeds/corrections/")))
    summaries = " ".join(entry.summary for entry in feed.entries)
    assert "Misattributed" in summaries and "report was a draft" in summaries


def test_retraction_pages_run_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    # claim, citations, topics, contradictions as claim and as counter, corrections
    with django_assert_num_queries(6):
        assert client.get("/claims/bridge-sound/").status_code == 200
    # pair, each side's citations, corrections, timeline events, confirmed repeats
    with django_assert_num_queries(6):
        assert client.get("/contradictions/bridge-pair/").status_code == 200


def test_preview_pages_run_a_fixed_number_of_queries(
    client, editor, world, django_assert_num_queries
):
    draft = make_claim(slug="draft", status=Status.DRAFT)
    make_contradiction(slug="draft-pair", claim=draft, status=Status.DRAFT)
    client.force_login(editor)
    # the session and its user, then the public page's own queries
    with django_assert_num_queries(8):
        assert client.get("/preview/claims/draft/").status_code == 200
    with django_assert_num_queries(7):
        assert client.get("/preview/contradictions/draft-pair/").status_code == 200
