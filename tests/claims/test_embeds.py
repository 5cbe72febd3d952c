"""Embeddable cards, their framing rules and oEmbed: what a reader of another site sees."""

import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from claims import publishing
from claims.models import Status
from tests.factories import make_claim, make_contradiction, make_source, make_speaker

pytestmark = pytest.mark.django_db

TEXT = "She said: “The bridge is sound.” The engineer said: “The bridge is failing.”"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def editor():
    return User.objects.create_superuser("chief", password="pw")


@pytest.fixture
def pair():
    source = make_source(text=TEXT, title="The bridge report")
    claim = make_claim(
        slug="bridge-sound",
        text="The bridge is sound.",
        cite=source,
        speaker=make_speaker(name="Mayor Ada Brook", role="the mayor"),
    )
    counter = make_claim(
        slug="bridge-failing",
        text="The bridge is failing.",
        cite=source,
        speaker=make_speaker(name="Engineer Ben Cole"),
    )
    return make_contradiction(
        slug="bridge-pair", title="Sound or failing", claim=claim, counter=counter
    )


def text_of(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def frame_ancestors(response) -> str:
    policy = response.get("Content-Security-Policy", "")
    found = re.search(r"frame-ancestors ([^;]+)", policy)
    return found.group(1).strip() if found else ""


# --- the card ---------------------------------------------------------------------------------


def test_a_published_pairs_card_shows_both_sides_and_a_link_back(client, pair):
    response = client.get("/embed/contradictions/bridge-pair/")
    assert response.status_code == 200
    page = response.content.decode()
    words = text_of(response)
    for expected in (
        "Sound or failing",
        "Mayor Ada Brook",
        "the mayor",
        "Engineer Ben Cole",
        "“The bridge is sound.”",
        "“The bridge is failing.”",
        pair.get_relation_display(),
    ):
        assert expected in words, expected
    assert 'class="badge badge--verbatim"' in page  # the quote checks
    assert f'href="{settings.SITE_URL}/contradictions/bridge-pair/" target="_blank"' in page
    assert "<script" not in page  # no JavaScript
    assert "/static/css/embed.css" in page and "site.css" not in page


def test_a_claims_card(client, pair):
    response = client.get("/embed/claims/bridge-sound/")
    words = text_of(response)
    assert "Mayor Ada Brook" in words and "“The bridge is sound.”" in words
    assert f"{settings.SITE_URL}/claims/bridge-sound/" in response.content.decode()


def test_the_card_and_its_css_weigh_under_20_kb(client, pair):
    card = client.get("/embed/contradictions/bridge-pair/").content
    css = (ROOT / "static/css/embed.css").read_bytes()
    assert len(card) + len(css) < 20_000, (len(card), len(css))


def test_the_css_has_a_dark_theme_and_a_narrow_layout():
    css = (ROOT / "static/css/embed.css").read_text()
    assert "@media (prefers-color-scheme: dark)" in css
    assert "min-width: 300px" in css


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_a_draft_has_no_card(client, status):
    draft_pair = make_contradiction(slug="secret-pair", status=status)
    draft_claim = make_claim(slug="secret-claim", status=status)
    assert client.get(f"/embed/contradictions/{draft_pair.slug}/").status_code == 404
    assert client.get(f"/embed/claims/{draft_claim.slug}/").status_code == 404
    assert client.get("/embed/claims/no-such-thing/").status_code == 404


def test_a_retracted_items_card_is_its_notice_alone(client, pair, editor):
    publishing.retract(item=pair, by=editor, reason="The engineer's report was a draft.")
    claim = pair.claim
    claim.refresh_from_db()
    response = client.get("/embed/contradictions/bridge-pair/")
    assert response.status_code == 200
    words = text_of(response)
    assert "Retracted" in words and "The engineer's report was a draft." in words
    for gone in ("Sound or failing", "The bridge is", "Mayor Ada Brook", "Engineer Ben Cole"):
        assert gone not in words, gone

    publishing.retract(item=claim, by=editor, reason="Misattributed.")
    words = text_of(client.get("/embed/claims/bridge-sound/"))
    assert "Retracted" in words and "Misattributed." in words
    assert "The bridge is sound" not in words and "Mayor Ada Brook" not in words


# --- framing ----------------------------------------------------------------------------------


def test_only_the_cards_may_be_framed(client, pair):
    for path in ("/embed/contradictions/bridge-pair/", "/embed/claims/bridge-sound/"):
        for _ in range(3):  # rendered, then kept, then from the cache: the same headers
            response = client.get(path)
            assert "X-Frame-Options" not in response, path
            assert frame_ancestors(response) == "*", (path, response.get("X-Cache"))
            assert "script-src 'none'" in response["Content-Security-Policy"]
    for path in ("/", "/contradictions/bridge-pair/", "/claims/bridge-sound/", "/cases/"):
        for _ in range(3):
            response = client.get(path)
            assert response["X-Frame-Options"] == "DENY", path
            assert frame_ancestors(response) == "'none'", path
    response = client.get("/oembed", {"url": "http://testserver/claims/bridge-sound/"})
    assert response["X-Frame-Options"] == "DENY"


# --- oEmbed -----------------------------------------------------------------------------------


def oembed(client, url, **params):
    return client.get("/oembed", {"url": url, **params})


def test_oembed_answers_a_rich_iframe_of_the_card(client, pair):
    for url in (
        f"{settings.SITE_URL}/contradictions/bridge-pair/",
        "http://testserver/contradictions/bridge-pair/?utm_source=x",
    ):
        response = oembed(client, url, format="json")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response["Access-Control-Allow-Origin"] == "*"
        data = json.loads(response.content)
        assert data["version"] == "1.0" and data["type"] == "rich"
        assert data["title"] == "Sound or failing"
        assert data["provider_name"] == settings.SITE_NAME
        assert (data["width"], data["height"]) == (560, 640)
        src = f'src="{settings.SITE_URL}/embed/contradictions/bridge-pair/"'
        assert data["html"].startswith("<iframe ") and src in data["html"]
        assert 'width="560" height="640"' in data["html"]
    claim = json.loads(oembed(client, f"{settings.SITE_URL}/claims/bridge-sound/").content)
    assert "/embed/claims/bridge-sound/" in claim["html"]
    assert claim["title"] == "Mayor Ada Brook: “The bridge is sound.”"


def test_oembed_honours_maxwidth_and_maxheight(client, pair):
    url = f"{settings.SITE_URL}/contradictions/bridge-pair/"
    data = json.loads(oembed(client, url, maxwidth=320, maxheight=400).content)
    assert (data["width"], data["height"]) == (320, 400)
    assert 'width="320" height="400"' in data["html"]
    data = json.loads(oembed(client, url, maxwidth=2000).content)
    assert data["width"] == 560  # never wider than the card's own size


def test_oembed_of_a_retracted_item_names_no_words(client, pair, editor):
    publishing.retract(item=pair, by=editor, reason="A draft report.")
    data = json.loads(oembed(client, f"{settings.SITE_URL}/contradictions/bridge-pair/").content)
    assert data["title"] == "A retracted contradiction"
    assert "Sound or failing" not in json.dumps(data)


def test_oembed_errors(client, pair):
    draft = make_contradiction(slug="secret-pair", status=Status.DRAFT)
    site = settings.SITE_URL
    for url in (
        f"{site}/contradictions/{draft.slug}/",
        f"{site}/contradictions/no-such-pair/",
        f"{site}/cases/",  # a page, but not one with a card
        f"{site}/nowhere/",
        "https://elsewhere.example/contradictions/bridge-pair/",
    ):
        assert oembed(client, url).status_code == 404, url
    page = f"{site}/contradictions/bridge-pair/"
    assert oembed(client, page, format="xml").status_code == 501
    assert oembed(client, page, format="csv").status_code == 400
    for bad in ({"url": "not a url at all"}, {"url": ""}, {}, {"url": page, "maxwidth": "wide"}):
        response = client.get("/oembed", bad)
        assert response.status_code == 400, bad
        assert response.content  # says what was wrong
    assert oembed(client, "x" * 3000).status_code == 400


# --- the pages ------------------------------------------------------------------------------


def test_the_pages_link_to_oembed_and_give_the_embed_code(client, pair):
    for path, card in (
        ("/contradictions/bridge-pair/", "/embed/contradictions/bridge-pair/"),
        ("/claims/bridge-sound/", "/embed/claims/bridge-sound/"),
    ):
        page = client.get(path).content.decode()
        link = re.search(
            r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page
        )
        assert link, path
        discovery = html.unescape(link.group(1))
        assert discovery.startswith(f"{settings.SITE_URL}/oembed?")
        found = client.get(discovery.removeprefix(settings.SITE_URL))
        assert found.status_code == 200 and card in json.loads(found.content)["html"]
        snippet = re.search(r'<textarea id="embed-code" rows="3" readonly>([^<]+)</textarea>', page)
        assert snippet, path
        code = html.unescape(snippet.group(1))
        assert code.startswith("<iframe ") and f"{settings.SITE_URL}{card}" in code


def test_a_retracted_page_offers_no_embed(client, pair, editor):
    publishing.retract(item=pair, by=editor, reason="A draft report.")
    page = client.get("/contradictions/bridge-pair/").content.decode()
    assert "application/json+oembed" not in page and 'id="embed-code"' not in page
