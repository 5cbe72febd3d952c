"""Atom feeds, the sitemap, ClaimReview JSON-LD, OpenGraph and canonical links."""

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import extruct
import feedparser
import nh3
import pytest
from django.conf import settings

from claims.models import Claim, Contradiction, Correction, Status
from tests.factories import make_claim, make_contradiction, make_speaker

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


# Feeds ---------------------------------------------------------------------------------


def test_contradictions_feed_is_atom_with_every_published_pair(client, demo):
    response = client.get("/feeds/contradictions/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.version == "atom10"
    assert not feed.bozo
    assert "contradictions" in feed.feed.title
    published = Contradiction.objects.published()
    assert len(feed.entries) == published.count()
    by_link = {entry.link: entry for entry in feed.entries}
    for item in published:
        entry = by_link[f"http://testserver{item.get_absolute_url()}"]
        assert entry.title == str(item)
        assert item.claim.speaker.name in entry.summary
        assert entry.published_parsed and entry.updated_parsed


def test_contradictions_feed_leaves_out_drafts_and_pairs_with_a_draft_side(client):
    shown = make_contradiction(title="Shown pair")
    make_contradiction(title="Draft pair", status=Status.DRAFT)
    make_contradiction(title="Half draft", counter=make_claim(status=Status.REVIEW))
    feed = feedparser.parse(client.get("/feeds/contradictions/").content)
    assert [entry.title for entry in feed.entries] == [shown.title]


def test_corrections_feed_links_each_correction_where_it_is_read(client, demo):
    response = client.get("/feeds/corrections/")
    feed = feedparser.parse(response.content)
    assert feed.version == "atom10" and not feed.bozo
    published = Correction.objects.published()
    assert len(feed.entries) == published.count() > 0
    for correction in published:
        entry = next(e for e in feed.entries if e.id == f"correction:{correction.slug}")
        assert correction.get_kind_display() in entry.title
        assert entry.summary == correction.text
        assert entry.link.endswith(f"#correction-{correction.slug}")


def test_corrections_feed_leaves_out_corrections_of_drafts(client):
    draft = make_claim(status=Status.DRAFT)
    Correction.objects.create(
        slug="hidden", claim=draft, published_on=dt.date(2024, 1, 1), text="Hidden."
    )
    Correction.objects.create(slug="standalone", published_on=dt.date(2024, 1, 2), text="Shown.")
    feed = feedparser.parse(client.get("/feeds/corrections/").content)
    assert [entry.summary for entry in feed.entries] == ["Shown."]
    assert feed.entries[0].link == "http://testserver/corrections/#correction-standalone"


def test_pages_advertise_the_feeds(client, demo):
    page = client.get("/").content.decode()
    assert 'type="application/atom+xml"' in page
    assert 'href="/feeds/contradictions/"' in page and 'href="/feeds/corrections/"' in page


# Sitemap -------------------------------------------------------------------------------


def sitemap_urls(client) -> set[str]:
    index = ET.fromstring(client.get("/sitemap.xml").content)
    urls = set()
    for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS):
        path = re.sub(r"^https?://[^/]+", "", loc.text)
        section = ET.fromstring(client.get(path).content)
        urls |= {u.text for u in section.findall("sm:url/sm:loc", SITEMAP_NS)}
    return urls


def test_sitemap_lists_every_published_page_and_no_draft(client, demo):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = sitemap_urls(client)
    site = "http://127.0.0.1:8000"
    for claim in Claim.objects.all():
        assert (f"{site}{claim.get_absolute_url()}" in urls) == (claim.status == Status.PUBLISHED)
    for item in Contradiction.objects.all():
        visible = Contradiction.objects.published().filter(pk=item.pk).exists()
        assert (f"{site}{item.get_absolute_url()}" in urls) == visible
    assert f"{site}/speakers/alec-baldwin/" in urls
    assert f"{site}/topics/the-trigger/" in urls
    assert f"{site}/sources/abc-interview-syndicated-report/" in urls
    assert f"{site}/claims/" in urls and f"{site}/" in urls and f"{site}/topics/" in urls


def test_sitemap_leaves_out_draft_only_speakers(client):
    draft = make_claim(status=Status.DRAFT)
    assert f"/speakers/{draft.speaker.slug}/" not in " ".join(sitemap_urls(client))


# ClaimReview JSON-LD -------------------------------------------------------------------


def claim_reviews(html: str) -> list[dict]:
    data = extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]
    return [item for item in data if item.get("@type") == "ClaimReview"]


def test_contradiction_page_carries_a_claim_review(client, demo):
    item = Contradiction.objects.get(slug="trigger-vs-fbi-finding")
    html = client.get(item.get_absolute_url()).content.decode()
    [review] = claim_reviews(html)
    assert review["@context"] == "https://schema.org"
    assert review["url"] == "http://127.0.0.1:8000/contradictions/trigger-vs-fbi-finding/"
    assert review["claimReviewed"] == item.claim.text
    assert review["author"] == {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": "http://127.0.0.1:8000",
    }
    assert dt.date.fromisoformat(review["datePublished"])
    assert review["reviewRating"]["@type"] == "Rating"
    assert review["reviewRating"]["alternateName"] == ("Contradicted by an official finding (FBI)")
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"]["@type"] == "Person" and claim["author"]["name"] == "Alec Baldwin"
    assert claim["datePublished"] == "2021-12-02"
    titles = {work["headline"] for work in claim["appearance"]}
    assert titles == {c.source.title for c in item.claim.citations.select_related("source")}
    assert all(work["@type"] == "CreativeWork" and work["url"] for work in claim["appearance"])
    assert claim["firstAppearance"]["headline"] in titles


def test_claim_review_script_has_the_csp_nonce_and_cannot_be_broken_out_of(client):
    item = make_contradiction(
        claim=make_claim(text="</script><script>alert(1)</script>"),
        title="A <b>title</b>",
    )
    response = client.get(item.get_absolute_url())
    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', html)
    assert block, "no JSON-LD block"
    assert block.group(1) and block.group(1) in response["Content-Security-Policy"]
    assert "<script>alert(1)" not in html
    [review] = claim_reviews(html)
    assert review["claimReviewed"] == "</script><script>alert(1)</script>"


def test_same_speaker_rating_says_own_words(client, demo):
    html = client.get("/contradictions/hammer-vs-cocked-gun/").content.decode()
    [review] = claim_reviews(html)
    assert review["reviewRating"]["alternateName"] == "Inconsistent with Alec Baldwin's own words"


def test_record_counter_is_named_in_the_rating_and_the_author_stays_a_person(client, demo):
    html = client.get("/contradictions/unlikely-charged-vs-charged/").content.decode()
    [review] = claim_reviews(html)
    assert review["reviewRating"]["alternateName"] == "Contradicted by the record"
    assert review["itemReviewed"]["author"]["@type"] == "Person"


def test_organisation_speaker_is_an_organization(client):
    from tests.factories import make_speaker

    agency = make_speaker(name="Federal Agency", kind="organization")
    item = make_contradiction(claim=make_claim(speaker=agency))
    [review] = claim_reviews(client.get(item.get_absolute_url()).content.decode())
    assert review["itemReviewed"]["author"]["@type"] == "Organization"
    assert review["itemReviewed"]["author"]["name"] == "Federal Agency"


def test_feeds_survive_control_characters_pasted_from_pdfs(client):
    item = make_contradiction(
        title="", claim=make_claim(text="Page one\x0cpage two\x0b end"), counter=make_claim()
    )
    Correction.objects.create(
        slug="fix", published_on=dt.date(2024, 1, 2), text="Fixed\x0c it", contradiction=item
    )
    for url in ("/feeds/contradictions/", "/feeds/corrections/"):
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, url
        assert len(feed.entries) == 1


def test_corrections_feed_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    """Guards against N+1: untitled pairs are named from both claims, fetched with them."""
    for n in range(4):
        item = make_contradiction(title="")
        Correction.objects.create(
            slug=f"fix-{n}", published_on=dt.date(2024, 1, 2), text="Fixed.", contradiction=item
        )
    with django_assert_num_queries(1):
        assert client.get("/feeds/corrections/").status_code == 200


# OpenGraph and canonical links on every page ------------------------------------------

PAGES = [
    "/",
    "/claims/",
    "/claims/abc-would-never-point-a-gun/",
    "/contradictions/",
    "/contradictions/trigger-vs-fbi-finding/",
    "/compare/",
    "/speakers/alec-baldwin/",
    "/sources/abc-interview-syndicated-report/",
    "/topics/the-trigger/",
    "/topics/",
    "/corrections/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_canonical_and_opengraph(client, demo, path):
    html = client.get(path, {"utm_source": "newsletter"}).content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    assert canonical == f"http://127.0.0.1:8000{path}"  # tracking tags dropped
    for prop in ("og:title", "og:description", "og:type", "og:url"):
        match = re.search(rf'<meta property="{prop}" content="([^"]*)">', html)
        assert match and match.group(1).strip(), prop
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert html.count("<h1") == 1


def test_contradiction_page_is_an_article(client, demo):
    html = client.get("/contradictions/trigger-vs-fbi-finding/").content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="“I would never … pull a trigger”' in html


def test_canonical_keeps_the_filters_of_a_list(client, demo):
    html = client.get("/claims/", {"speaker": "fbi", "format": "", "utm_x": "1"}).content.decode()
    assert '<link rel="canonical" href="http://127.0.0.1:8000/claims/?speaker=fbi">' in html


# Feed text is text ---------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "&lt;b&gt;bold&lt;/b&gt;",
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
]


class _Markup(HTMLParser):
    """The elements and attributes a reader would build from some HTML, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text += data


def _read_html(markup: str) -> _Markup:
    parser = _Markup()
    parser.feed(markup)
    parser.close()
    return parser


def _live(markup: str) -> list[str]:
    """Live markup in ``markup`` and in what nh3 (a reader's sanitiser) keeps of it."""
    found = []
    for label, version in (("as sent", markup), ("after nh3", nh3.clean(markup))):
        for tag, attrs in _read_html(version).tags:
            if tag in {"script", "img", "iframe", "svg", "object"}:
                found.append(f"<{tag}> {label}")
            found += [f"{name}= on <{tag}> {label}" for name, _ in attrs if name.startswith("on")]
    return found


def _as_html(element) -> str:
    """An Atom text construct as the HTML a reader renders (RFC 4287 §3.1): type="html" is
    HTML once the XML is read (its escaping undone once), "text" (the default) is plain text,
    "xhtml" is the markup of its div."""
    kind = element.get("type", "text")
    if kind == "html":
        return element.text or ""
    if kind == "xhtml":
        return "".join(ET.tostring(child, encoding="unicode") for child in element)
    return html.escape(element.text or "")


@pytest.fixture
def hostile(client):
    speaker = make_speaker(name="Hostile <b>Speaker</b>")
    claim = make_claim(speaker=speaker, text=" ".join(PAYLOADS), summary=" ".join(PAYLOADS))
    item = make_contradiction(title="", claim=claim, counter=make_claim(text=PAYLOADS[1]))
    Correction.objects.create(
        slug="hostile-fix",
        contradiction=item,
        published_on=dt.date(2024, 1, 2),
        text=" ".join(PAYLOADS),
    )
    return item


@pytest.mark.parametrize("url", ["/feeds/contradictions/", "/feeds/corrections/"])
def test_feeds_send_words_as_text_never_as_live_markup(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for name in ("title", "summary", "content"):
            element = entry.find(f"{ATOM}{name}")
            if element is None:
                continue
            markup = _as_html(element)
            assert not _live(markup), (url, name, element.get("type"), _live(markup))
            shown = _read_html(markup).text
            for payload in PAYLOADS:  # the reader sees the words as they were written
                assert payload in shown, (url, name, payload, shown)

    # a feed reader's own parse says the same
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    for entry in feed.entries:
        for detail in (entry.title_detail, entry.summary_detail):
            markup = detail.value if detail.type == "text/html" else html.escape(detail.value)
            assert not _live(markup), (url, detail.type, _live(markup))
            assert all(payload in _read_html(markup).text for payload in PAYLOADS)
