"""A tester's attacks on the URLs added lately (cases, embeds, oEmbed, the API, a source's
changes, the revision and desk feeds, the passage, capture and watch admin pages, the case
workspace and the pair's swap), as an anonymous visitor and as a signed-in reporter, with an
item in every state. Each attack asks three things: no 500, no draft or in-review words where
the public reads, and no reporter's hand on published data."""

import base64
import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from claims import publishing
from claims.models import Case, Citation, Status
from claims.verification import replace_source_text, verify_citation
from sources.models import Capture
from tests.factories import (
    make_case,
    make_claim,
    make_contradiction,
    make_source,
    make_speaker,
    make_topic,
)
from tests.helpers import form_data, user
from watch.models import Alert, CaseFollower, KnownRepeat, RepeatStatus

pytestmark = pytest.mark.django_db

DRAFT = "zqxdraftword"
REVIEW = "zqxreviewword"
GONE = "zqxgoneword"  # a retracted item's words: its own page shows them, nothing else
ERA = "zqxdrafterawords"  # what a published item said while it was still a draft
PROPOSAL = "zqxproposalword"  # a reporter's proposed, undecided change to a published claim
SECRETS = (DRAFT, REVIEW, ERA, PROPOSAL)
SITE = settings.SITE_URL

HUGE = "99999999999999999999"
ODD_IDS = ["abc", "-1", "0", HUGE, "%00", "%FF", "1.5", "x" * 5000, "%C0%AE"]
NASTY = [
    "",
    "\x00",
    "%FF",
    "x" * 5000,
    "-1",
    HUGE,
    "'; DROP TABLE claims_claim; --",
    "<script>alert(1)</script>",
]


def anonymous() -> Client:
    return Client(raise_request_exception=False)


def signed(role: str, name: str | None = None) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user(role, name))
    return client


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace")


def leaked(response, secrets=SECRETS, url: str = "") -> list[str]:
    """The hidden words in a response; a search's own words echoed back (in its box, its
    canonical link, "nothing contains ...") are not a leak, the items they find would be."""
    page = body(response).lower()
    for searched in parse_qs(urlsplit(url).query).get("q", []):
        for echo in (f"q={searched}", f'value="{searched}"', f"“{searched}”"):
            page = page.replace(echo.lower(), "")
    return [s for s in secrets if s in page]


# --- the world: one item in every state -----------------------------------------------------


class World:
    pass


@pytest.fixture
def world():
    w = World()
    w.editor = user("Editor", "chief-editor")
    # a published case holding published, draft, in-review and retracted items
    w.case = make_case(slug="open-case", title="Open case")
    w.case_draft = make_case(
        slug="draft-case", title=f"Case {DRAFT}", summary=f"{DRAFT}.", status=Status.DRAFT
    )
    w.case_review = make_case(
        slug="review-case", title=f"Case {REVIEW}", summary=f"{REVIEW}.", status=Status.REVIEW
    )
    w.source = make_source(
        slug="open-source",
        text="The mayor said: “The bridge is sound.” The engineer said: “The bridge is failing.”",
    )
    w.secret_source = make_source(
        slug="secret-source", title=f"Source {DRAFT}", text=f"She said: “The {DRAFT} plan.”"
    )
    w.case.sources.add(w.source)
    w.speaker = make_speaker(slug="mayor", name="Mayor Ada Brook")
    w.secret_speaker = make_speaker(slug="secret-speaker", name=f"Speaker {DRAFT}")
    w.topic = make_topic(slug="bridges")
    w.claim = make_claim(slug="bridge-sound", text="The bridge is sound.", speaker=w.speaker)
    Citation.objects.create(claim=w.claim, source=w.source, quote="The bridge is sound.")
    w.counter = make_claim(slug="bridge-failing", text="The bridge is failing.", kind="finding")
    Citation.objects.create(claim=w.counter, source=w.source, quote="The bridge is failing.")
    for citation in Citation.objects.all():
        verify_citation(citation=citation)
    w.draft_claim = make_claim(
        slug="draft-claim",
        text=f"The {DRAFT} plan.",
        summary=f"{DRAFT} summary",
        speaker=w.secret_speaker,
        status=Status.DRAFT,
    )
    Citation.objects.create(claim=w.draft_claim, source=w.secret_source, quote=f"The {DRAFT} plan.")
    w.review_claim = make_claim(
        slug="review-claim", text=f"The {REVIEW} plan.", status=Status.REVIEW
    )
    w.gone_claim = make_claim(slug="gone-claim", text=f"The {GONE} plan.")
    # published later: its draft-era wording is kept in its history
    w.era_claim = make_claim(
        slug="era-claim", kind="record", text=f"Once {ERA}.", status=Status.DRAFT
    )
    w.era_claim.text = "The bridge will reopen."
    w.era_claim.save()
    publishing.publish(item=w.era_claim, by=w.editor)
    for claim in (w.claim, w.counter, w.draft_claim, w.review_claim, w.gone_claim, w.era_claim):
        claim.cases.add(w.case)
        claim.topics.add(w.topic)
    w.draft_claim.cases.add(w.case_draft)
    w.review_claim.cases.add(w.case_review)
    w.pair = make_contradiction(
        slug="open-pair", title="Sound or failing", claim=w.claim, counter=w.counter
    )
    w.draft_pair = make_contradiction(
        slug="draft-pair",
        title=f"Pair {DRAFT}",
        explanation=f"{DRAFT} explanation",
        claim=w.draft_claim,
        counter=w.counter,
        status=Status.DRAFT,
    )
    w.review_pair = make_contradiction(
        slug="review-pair",
        title=f"Pair {REVIEW}",
        explanation=f"{REVIEW} explanation",
        claim=w.review_claim,
        counter=w.counter,
        status=Status.REVIEW,
    )
    w.gone_pair = make_contradiction(
        slug="gone-pair",
        title=f"Pair {GONE}",
        explanation=f"{GONE} explanation",
        claim=w.gone_claim,
        counter=w.counter,
    )
    for pair in (w.pair, w.draft_pair, w.review_pair, w.gone_pair):
        pair.cases.add(w.case)
    publishing.retract(item=w.gone_pair, by=w.editor, reason="The counter was misread.")
    publishing.retract(item=w.gone_claim, by=w.editor, reason="Misattributed.")
    # a second capture of the public source, and the secret source's capture
    replace_source_text(
        source=w.source,
        text=w.source.text + " The council met on Monday.",
    )
    w.captures = list(w.source.captures.order_by("pk"))
    w.secret_capture = w.secret_source.captures.get()
    # a repeat proposed by the watch, not yet confirmed by an editor
    w.repeat = KnownRepeat.objects.create(
        contradiction=w.pair,
        side="claim",
        source=w.source,
        words="The bridge is sound, the mayor repeated zqxrepeatword.",
        speaker_name="Mayor Ada Brook",
        status=RepeatStatus.PROPOSED,
    )
    w.alert = Alert.objects.create(
        kind="cited_change",
        key="attack-alert",
        title=f"Alert {DRAFT}",
        body=f"{DRAFT} changed",
        source=w.secret_source,
    )
    w.alert.cases.add(w.case)
    return w


def every_public_url(w) -> list[str]:
    slugs = {
        "claims": [w.claim, w.draft_claim, w.review_claim, w.gone_claim, w.era_claim],
        "contradictions": [w.pair, w.draft_pair, w.review_pair, w.gone_pair],
    }
    urls = [
        "/cases/",
        f"/cases/?q={DRAFT}",
        f"/cases/?q={REVIEW}",
        "/cases/?q=case&page=2",
        f"/cases/{w.case.slug}/",
        f"/cases/{w.case.slug}/feed/",
        f"/cases/{w.case.slug}/revisions/feed/",
        f"/cases/{w.case_draft.slug}/revisions/feed/",
        f"/cases/{w.case_review.slug}/revisions/feed/",
        f"/cases/{w.case_draft.slug}/",
        f"/cases/{w.case_draft.slug}/feed/",
        f"/sources/{w.source.slug}/",
        f"/sources/{w.source.slug}/changes/",
        f"/sources/{w.source.slug}/changes/?a={w.captures[0].pk}&b={w.captures[1].pk}",
        f"/sources/{w.source.slug}/changes/?a={w.captures[0].pk}&b={w.secret_capture.pk}",
        f"/sources/{w.source.slug}/changes/?a={w.secret_capture.pk}&b={w.captures[1].pk}",
        f"/sources/{w.secret_source.slug}/changes/",
        f"/sources/{w.secret_source.slug}/changes/?a={w.secret_capture.pk}",
        "/desk/alerts/feed/",
        "/api/",
        "/api/v1/",
        "/api/v1/openapi.json",
        "/api/v1/speakers/",
        f"/api/v1/speakers/{w.secret_speaker.slug}/",
        "/api/v1/topics/",
        f"/api/v1/topics/{w.topic.slug}/",
        f"/api/v1/topics/?q={DRAFT}",
        "/api/v1/cases/",
        f"/api/v1/cases/{w.case.slug}/",
        f"/api/v1/cases/{w.case_draft.slug}/",
        f"/api/v1/cases/{w.case_review.slug}/",
        "/api/v1/sources/",
        f"/api/v1/sources/{w.source.slug}/",
        f"/api/v1/sources/{w.secret_source.slug}/",
        "/api/v1/corrections/",
        f"/api/v1/claims/?q={DRAFT}",
        f"/api/v1/claims/?case={w.case_draft.slug}",
        f"/api/v1/claims/?speaker={w.secret_speaker.slug}",
        f"/api/v1/contradictions/?q={DRAFT}",
        f"/api/v1/contradictions/?case={w.case.slug}",
        f"/api/v1/claims/?case={w.case.slug}&limit=100",
        "/feeds/contradictions/",
        "/feeds/corrections/",
        "/sitemap.xml",
    ]
    for kind, items in slugs.items():
        for item in items:
            urls += [
                f"/embed/{kind}/{item.slug}/",
                f"/oembed?url={SITE}/{kind}/{item.slug}/",
                f"/oembed?url={SITE}/embed/{kind}/{item.slug}/",
                f"/oembed?url={SITE}/preview/{kind}/{item.slug}/",
                f"/api/v1/{kind}/{item.slug}/",
            ]
        urls.append(f"/api/v1/{kind}/")
    return urls


# --- anonymous: nothing hidden is read ------------------------------------------------------


def test_anonymous_every_new_url_answers_without_a_500_or_a_hidden_word(world):
    found = []
    for url in every_public_url(world):
        for method in ("get", "head", "options"):
            response = getattr(anonymous(), method)(url)
            if response.status_code >= 500:
                found.append((method, url, response.status_code))
            elif method == "get" and leaked(response, url=url):
                found.append((method, url, response.status_code, leaked(response, url=url)))
    assert not found


def test_a_retracted_items_words_stay_out_of_embeds_oembed_api_lists_and_feeds(world):
    found = []
    for url in every_public_url(world):
        if url.startswith(("/cases/open-case/", "/sources/")) and "feed" not in url:
            continue  # a case or source page may list the retraction notice
        if url == "/feeds/corrections/":
            continue  # the retraction's own entry names what was retracted, as its page does
        response = anonymous().get(url)
        if GONE in body(response).lower():
            found.append((url, response.status_code))
    assert not found


def test_a_proposed_repeat_and_a_proposed_revision_are_not_public(world):
    reporter = signed("Reporter")
    url = reverse("admin:claims_claim_change", args=[world.claim.pk])
    page = reporter.get(url)
    reporter.post(url, {**form_data(page), "summary": f"A {PROPOSAL} summary"})
    world.claim.refresh_from_db()
    assert PROPOSAL not in world.claim.summary
    found = []
    for url in [*every_public_url(world), f"/contradictions/{world.pair.slug}/"]:
        response = anonymous().get(url)
        page = body(response).lower()
        for secret in (PROPOSAL, "zqxrepeatword"):
            if secret in page:
                found.append((url, secret))
    assert not found


def test_a_published_items_draft_era_wording_is_not_in_the_revisions_feed(world):
    response = anonymous().get(f"/cases/{world.case.slug}/revisions/feed/")
    assert response.status_code == 200
    assert ERA not in body(response).lower()


def test_a_staff_visit_first_does_not_put_hidden_words_in_the_public_cache(world):
    reporter = signed("Reporter")
    urls = every_public_url(world)
    for url in urls:
        reporter.get(url)
    found = []
    for url in urls:
        response = anonymous().get(url)
        if leaked(response, (DRAFT, REVIEW), url=url):
            found.append((url, response.status_code, response.get("X-Cache")))
    assert not found


def test_the_desk_alert_feed_is_staff_only(world):
    response = anonymous().get("/desk/alerts/feed/")
    assert response.status_code in (302, 403, 404)
    assert DRAFT not in body(response).lower()
    reader = Client(raise_request_exception=False)
    from django.contrib.auth.models import User

    reader.force_login(User.objects.create_user("plain-reader", password="pw"))
    response = reader.get("/desk/alerts/feed/")
    assert response.status_code in (302, 403, 404) and DRAFT not in body(response).lower()
    reporter = signed("Reporter")
    CaseFollower.objects.create(user=User.objects.get(username="reporter"), case=world.case)
    for query in ("", "?case=open-case", "?page=-1", f"?case={HUGE}", "?q=%00"):
        assert reporter.get(f"/desk/alerts/feed/{query}").status_code == 200, query


# --- hostile values -------------------------------------------------------------------------


def test_cases_search_and_page_take_any_value(world):
    found = []
    for name in ("q", "page"):
        for value in [*NASTY, "%FF%FE", "0", "1e9"]:
            response = anonymous().get("/cases/", {name: value})
            if response.status_code >= 500:
                found.append((name, value[:20], response.status_code))
    for raw in ("q=%FF%FE%FD", "page=%FF", "q=%C0%80", "q=%ED%A0%80"):
        response = anonymous().get(f"/cases/?{raw}")
        if response.status_code >= 500:
            found.append((raw, response.status_code))
    assert not found


@pytest.mark.parametrize("kind", ["claims", "contradictions"])
def test_embeds_refuse_odd_slugs_with_a_404(world, kind):
    for slug in ("%00", "%FF", "x" * 5000, "..", "-", "_", "%2E%2E", "draft-claim%00"):
        response = anonymous().get(f"/embed/{kind}/{slug}/")
        assert response.status_code == 404, slug


def test_oembed_never_answers_another_host_or_a_hidden_item(world):
    claim = world.claim.slug
    refused = [
        f"http://evil.example/claims/{claim}/",
        f"//evil.example/claims/{claim}/",
        f"http://127.0.0.1:8000@evil.example/claims/{claim}/",
        f"http://evil.example/?x={SITE}/claims/{claim}/",
        f"http://127.0.0.1:8000.evil.example/claims/{claim}/",
        f"javascript:alert(1)//{SITE}/claims/{claim}/",
        f"file:///etc/passwd#{SITE}/claims/{claim}/",
        f"{SITE}/claims/{world.draft_claim.slug}/",
        f"{SITE}/claims/{world.review_claim.slug}/",
        f"{SITE}/contradictions/{world.draft_pair.slug}/",
        f"{SITE}/contradictions/{world.review_pair.slug}/",
        f"{SITE}/preview/claims/{world.draft_claim.slug}/",
        f"{SITE}/preview/contradictions/{world.draft_pair.slug}/",
        f"{SITE}/embed/claims/{world.draft_claim.slug}/",
        f"{SITE}/claims/{world.draft_claim.slug}%00/",
        f"{SITE}/claims/../claims/{world.draft_claim.slug}/",
        f"{SITE}/admin/claims/claim/{world.draft_claim.pk}/change/",
        f"{SITE}/api/v1/claims/{world.draft_claim.slug}/",
    ]
    found = []
    for url in refused:
        response = anonymous().get("/oembed", {"url": url})
        if response.status_code == 200 or response.status_code >= 500 or leaked(response):
            found.append((url, response.status_code, body(response)[:120]))
    assert not found


def test_oembed_sizes_and_formats_never_give_a_500(world):
    page = f"{SITE}/contradictions/{world.pair.slug}/"
    found = []
    for name in ("maxwidth", "maxheight", "format"):
        for value in [*NASTY, "JSON", "json\x00", "1e3", "0x10", "+5", " 5 "]:
            response = anonymous().get("/oembed", {"url": page, name: value})
            if response.status_code >= 500:
                found.append((name, value[:20], response.status_code))
            elif response.status_code == 200:
                data = json.loads(response.content)
                if not (0 < int(data["width"]) <= 100000 and 0 < int(data["height"]) <= 100000):
                    found.append((name, value[:20], data["width"], data["height"]))
                if not re.search(rf'src="{re.escape(SITE)}/embed/', data["html"]):
                    found.append((name, value[:20], data["html"][:120]))
    for raw in ("url=%FF%FE", f"url={SITE}/claims/%FF/", "url=%00", "maxwidth=%FF&url=x"):
        response = anonymous().get(f"/oembed?{raw}")
        if response.status_code >= 500:
            found.append((raw, response.status_code))
    assert not found


def test_the_api_takes_any_filter_cursor_limit_and_slug(world):
    found = []
    filters = {
        "claims": [
            "q",
            "sort",
            "speaker",
            "topic",
            "case",
            "kind",
            "outlet",
            "said_after",
            "said_before",
            "has_contradictions",
            "verification",
        ],
        "contradictions": ["q", "relation", "speaker", "topic", "case"],
        "topics": ["q"],
        "corrections": ["kind"],
        "speakers": [],
        "cases": [],
        "sources": [],
    }
    for kind, names in filters.items():
        for name in [*names, "cursor", "limit"]:
            for value in [*NASTY, "1e3", "100000", "0", "eyJ4IjoxfQ", "W10", "bnVsbA"]:
                response = anonymous().get(f"/api/v1/{kind}/", {name: value})
                if response.status_code >= 500 or leaked(response):
                    found.append((kind, name, value[:20], response.status_code))
        for slug in [*ODD_IDS, "..", "ü", "café", "a%2Fb", "draft-claim%00", "DRAFT-CLAIM"]:
            response = anonymous().get(f"/api/v1/{kind}/{slug}/")
            # a slug the API's pattern refuses is a 400 that says so, an unknown one a 404
            # (a non-API answer, e.g. an HTML 404 for a path no API route matches, is fine)
            said = response["Content-Type"] != "application/json" or response.json()["detail"]
            refused = response.status_code in (400, 404) and said
            if not refused or leaked(response):
                found.append((kind, "slug", slug[:20], response.status_code))
    assert not found


def tampered(cursor: str) -> list[str]:
    """The cursor the API gave, decoded and changed in every way a visitor could."""
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded)
    except ValueError:
        return [cursor[:-1], cursor + "A", cursor[::-1]]
    variants = [cursor[:-1], cursor + "A", cursor[::-1]]
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    values = [None, -1, HUGE, "x" * 5000, "\x00", [], {}, "2021-13-45", 1.5, True]
    shapes = []
    if isinstance(data, dict):
        for key in data:
            shapes += [{**data, key: v} for v in values]
        shapes.append({k: data[k] for k in list(data)[:-1]})
    elif isinstance(data, list):
        for i in range(len(data)):
            shapes += [[*data[:i], v, *data[i + 1 :]] for v in values]
        shapes += [data[:-1], [*data, 1]]
    shapes += [None, 1, "x", [], {}]
    for shape in shapes:
        encoded = base64.urlsafe_b64encode(json.dumps(shape).encode()).decode()
        variants += [encoded, encoded.rstrip("=")]
    variants.append(base64.urlsafe_b64encode(b"\xff\xfe\x00").decode())
    return variants


def test_a_tampered_cursor_is_a_4xx_and_never_reaches_hidden_items(world):
    found = []
    for kind in ("claims", "contradictions", "cases", "sources", "topics", "speakers"):
        first = anonymous().get(f"/api/v1/{kind}/", {"limit": 1})
        assert first.status_code == 200
        following = first.json().get("next")
        if not following:
            continue
        cursor = parse_qs(urlsplit(following).query)["cursor"][0]
        for variant in tampered(cursor):
            response = anonymous().get(f"/api/v1/{kind}/", {"cursor": variant, "limit": 1})
            if response.status_code >= 500 or leaked(response, (DRAFT, REVIEW, GONE)):
                found.append((kind, variant[:40], response.status_code))
    assert not found


def test_the_api_is_read_only_for_every_method(world):
    found = []
    for url in (
        "/api/",
        "/api/v1/",
        "/api/v1/claims/",
        f"/api/v1/claims/{world.claim.slug}/",
        "/api/v1/cases/",
    ):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(anonymous(), method)(url, "{}", content_type="application/json")
            if response.status_code != 405:
                found.append((method, url, response.status_code))
        response = anonymous().options(url)
        if response.status_code >= 500:
            found.append(("options", url, response.status_code))
    assert not found


def test_head_answers_as_get_does_on_the_api(world):
    found = []
    for url in (
        "/api/",
        "/api/v1/openapi.json",
        "/api/v1/claims/",
        f"/api/v1/claims/{world.claim.slug}/",
        "/api/v1/contradictions/",
        f"/api/v1/contradictions/{world.pair.slug}/",
        "/api/v1/cases/",
        f"/api/v1/cases/{world.case.slug}/",
    ):
        get, head = anonymous().get(url), anonymous().head(url)
        if head.status_code != get.status_code or head.content:
            found.append((url, get.status_code, head.status_code))
    assert not found
    # HEADs first (the cache keeps a page at its second request): the GET after has its body
    url = f"/api/v1/cases/{world.case.slug}/"
    cache.clear()
    for _ in range(3):
        anonymous().head(url)
    assert anonymous().get(url).json()["id"] == world.case.slug


def test_a_sources_changes_take_any_a_and_b(world):
    found = []
    url = f"/sources/{world.source.slug}/changes/"
    first = str(world.captures[0].pk)
    for name in ("a", "b"):
        for value in ODD_IDS + NASTY + [str(world.secret_capture.pk), "1,2", "[1]"]:
            response = anonymous().get(url, {name: value, ("b" if name == "a" else "a"): first})
            if response.status_code >= 500 or leaked(response):
                found.append((name, value[:20], response.status_code))
    for raw in ("a=%FF", "b=%00", f"a={first}&a={world.secret_capture.pk}"):
        response = anonymous().get(f"{url}?{raw}")
        if response.status_code >= 500 or leaked(response):
            found.append((raw, response.status_code))
    assert not found


def test_the_revision_feeds_take_odd_slugs_and_queries(world):
    found = []
    for slug in ("%00", "%FF", "x" * 5000, world.case_draft.slug, world.case_review.slug):
        response = anonymous().get(f"/cases/{slug}/revisions/feed/")
        if response.status_code != 404 or leaked(response):
            found.append((slug[:20], response.status_code))
    for value in NASTY:
        response = anonymous().get(f"/cases/{world.case.slug}/revisions/feed/", {"page": value})
        if response.status_code >= 500:
            found.append(("page", value[:20], response.status_code))
    assert not found


# --- framing --------------------------------------------------------------------------------


def test_only_published_cards_may_be_framed(world):
    found = []
    framable = {f"/embed/claims/{world.claim.slug}/", f"/embed/contradictions/{world.pair.slug}/"}
    others = [
        "/cases/",
        f"/cases/{world.case.slug}/",
        "/api/",
        "/api/v1/docs/",
        f"/sources/{world.source.slug}/changes/",
        f"/embed/claims/{world.draft_claim.slug}/",
        "/embed/claims/no-such-claim/",
    ]
    for url in [*framable, *others]:
        for _ in range(2):  # rendered, then from the cache
            response = anonymous().get(url)
            policy = response.get("Content-Security-Policy", "")
            denied = response.get("X-Frame-Options") == "DENY" or "frame-ancestors 'none'" in policy
            if url in framable and denied:
                found.append(("not framable", url))
            if url not in framable and response.status_code == 200 and not denied:
                found.append(("framable", url, response.status_code))
    reporter = signed("Reporter")
    for url in (
        reverse("admin:claims_case_change", args=[world.case.pk]),
        reverse("admin:sources_source_passage", args=[world.source.pk, "claim"])
        + f"?start=0&end=5&sha256={world.source.sha256}",
        reverse("admin:watch_alert_changelist"),
        f"/preview/claims/{world.draft_claim.slug}/",
    ):
        response = reporter.get(url)
        if response.get("X-Frame-Options") != "DENY":
            found.append(("staff page framable", url, response.status_code))
    assert not found


# --- a reporter -----------------------------------------------------------------------------


def test_a_reporter_cannot_supersede_a_capture_or_break_the_capture_urls(world):
    reporter = signed("Reporter")
    source, capture = world.source, world.captures[-1]
    url = reverse("admin:sources_source_capture_supersede", args=[source.pk, capture.pk])
    assert reporter.get(url).status_code == 403
    assert reporter.post(url, {"reason": "Mine now."}).status_code == 403
    capture.refresh_from_db()
    assert not capture.superseded_at
    found = []
    base = "/admin/sources/source"
    for sid in ("abc", "-1", "0", HUGE, str(source.pk)):
        for cid in ("abc", "-1", "0", HUGE, str(world.secret_capture.pk)):
            for action in ("warc", "supersede"):
                path = f"{base}/{sid}/captures/{cid}/{action}/"
                for method in ("get", "post"):
                    response = getattr(reporter, method)(path)
                    if response.status_code >= 500:
                        found.append((method, path, response.status_code))
    editor = signed("Editor", "e-attack")
    path = reverse(
        "admin:sources_source_capture_supersede", args=[source.pk, world.secret_capture.pk]
    )
    if editor.post(path, {"reason": "Cross-source."}).status_code not in (400, 404):
        found.append(("editor supersedes another source's capture", path))
    for reason in ("\x00", "x" * 5000, "%FF"):
        response = editor.post(url, {"reason": reason})
        if response.status_code >= 500:
            found.append(("reason", reason[:10], response.status_code))
    assert not found
    assert not Capture.objects.filter(pk=world.secret_capture.pk, superseded_at__isnull=False)


def test_a_reporter_cannot_add_a_passage_to_a_published_or_retracted_claim(world):
    reporter = signed("Reporter")
    source = world.source
    start = source.text.index("The bridge is failing")
    end = start + len("The bridge is failing")
    url = reverse("admin:sources_source_passage", args=[source.pk, "cite"])
    query = f"?start={start}&end={end}&sha256={source.sha256}"
    found = []
    for claim in (world.claim, world.gone_claim, world.era_claim):
        before = claim.citations.count()
        response = reporter.post(url + query, {"claim": claim.pk, "sha256": source.sha256})
        if claim.citations.count() != before:
            found.append(("cited", claim.slug, response.status_code))
    for value in ("abc", "", HUGE, "-1", "\x00", "x" * 5000):
        response = reporter.post(url + query, {"claim": value, "sha256": source.sha256})
        if response.status_code >= 500:
            found.append(("claim", value[:10], response.status_code))
    assert not found


def test_the_passage_url_takes_any_value(world):
    reporter = signed("Reporter")
    found = []
    good = f"start=0&end=10&sha256={world.source.sha256}"
    for sid in ("abc", "-1", HUGE, "0"):
        for action in ("claim", "cite", "delete", "%00"):
            path = f"/admin/sources/source/{sid}/passage/{action}/?{good}"
            for method in ("get", "post"):
                response = getattr(reporter, method)(path)
                if response.status_code >= 500:
                    found.append((method, path, response.status_code))
    for action in ("claim", "cite"):
        base = reverse("admin:sources_source_passage", args=[world.source.pk, action])
        for name in ("start", "end", "sha256"):
            for value in [*NASTY, "1e3", "%FF"]:
                query = {"start": "0", "end": "10", "sha256": world.source.sha256, name: value}
                for method in ("get", "post"):
                    response = getattr(reporter, method)(f"{base}?{urlencode(query)}")
                    if response.status_code >= 500:
                        found.append((method, action, name, value[:10], response.status_code))
            raw = f"{base}?{good}&{name}=%FF%FE"
            if reporter.get(raw).status_code >= 500:
                found.append(("raw", action, name))
    assert not found


def test_the_workspace_keeps_a_published_case_from_a_reporter(world):
    reporter = signed("Reporter")
    url = reverse("admin:claims_case_change", args=[world.case.pk])
    page = reporter.get(url)
    assert page.status_code == 200
    before = (world.case.title, world.case.summary, world.case.status)
    response = reporter.post(
        url,
        {
            **form_data(page),
            "title": "Hijacked",
            "summary": "Hijacked.",
            "status": Status.DRAFT,
            "_save": "Save",
        },
    )
    assert response.status_code < 500
    world.case.refresh_from_db()
    assert (world.case.title, world.case.summary, world.case.status) == before
    # a draft case cannot be published from its form by a reporter either
    url = reverse("admin:claims_case_change", args=[world.case_draft.pk])
    page = reporter.get(url)
    reporter.post(url, {**form_data(page), "status": Status.PUBLISHED, "_save": "Save"})
    assert Case.objects.get(pk=world.case_draft.pk).status == Status.DRAFT
    found = []
    for oid in ODD_IDS:
        response = reporter.get(f"/admin/claims/case/{oid}/change/")
        if response.status_code >= 500:
            found.append((oid[:20], response.status_code))
    assert not found


def test_a_reporter_cannot_swap_a_published_in_review_or_retracted_pair(world):
    reporter = signed("Reporter")
    found = []
    for pair in (world.pair, world.review_pair, world.gone_pair):
        url = reverse("admin:claims_contradiction_change", args=[pair.pk])
        page = reporter.get(url)
        sides = (pair.claim_id, pair.counter_id)
        data = {**(form_data(page) if page.status_code == 200 else {}), "_swap_sides": "Swap"}
        response = reporter.post(url, data)
        pair.refresh_from_db()
        if (pair.claim_id, pair.counter_id) != sides or response.status_code >= 500:
            found.append((pair.slug, response.status_code))
        # the bare button, with nothing else of the form
        response = reporter.post(url, {"_swap_sides": "Swap"})
        pair.refresh_from_db()
        if (pair.claim_id, pair.counter_id) != sides or response.status_code >= 500:
            found.append((pair.slug, "bare", response.status_code))
    for oid in ODD_IDS:
        response = reporter.post(
            f"/admin/claims/contradiction/{oid}/change/", {"_swap_sides": "Swap"}
        )
        if response.status_code >= 500:
            found.append((oid[:20], response.status_code))
    assert not found


def test_a_reporter_cannot_confirm_a_repeat_on_a_published_pair(world):
    reporter = signed("Reporter")
    url = reverse("admin:watch_knownrepeat_change", args=[world.repeat.pk])
    page = reporter.get(url)
    data = form_data(page) if page.status_code == 200 and page.context else {}
    reporter.post(url, {**data, "status": RepeatStatus.CONFIRMED, "_save": "Save"})
    changelist = reverse("admin:watch_knownrepeat_changelist")
    listing = reporter.get(changelist)
    actions = []
    if listing.status_code == 200 and listing.context and listing.context.get("action_form"):
        actions = [name for name, _ in listing.context["action_form"].fields["action"].choices]
    for action in [a for a in actions if a and "delete" not in a]:
        reporter.post(
            changelist,
            {"action": action, "_selected_action": [world.repeat.pk], "index": 0},
        )
        world.repeat.refresh_from_db()
        if world.repeat.status == RepeatStatus.CONFIRMED:
            break
    world.repeat.refresh_from_db()
    assert world.repeat.status != RepeatStatus.CONFIRMED, actions
    public = anonymous().get(f"/contradictions/{world.pair.slug}/")
    assert "zqxrepeatword" not in body(public).lower()


def test_the_watch_admin_pages_take_any_id_and_query(world):
    reporter = signed("Reporter")
    found = []
    for model in ("alert", "knownrepeat", "watchedsource", "casefollower", "periodicjob"):
        base = f"/admin/watch/{model}/"
        for query in ("", "?q=%00", "?q=" + "x" * 5000, "?p=-1", f"?p={HUGE}", "?o=99", "?e=1"):
            response = reporter.get(base + query)
            if response.status_code >= 500:
                found.append((base + query[:20], response.status_code))
        for oid in ODD_IDS:
            for suffix in ("change/", "history/", "delete/"):
                response = reporter.get(f"{base}{oid}/{suffix}")
                if response.status_code >= 500:
                    found.append((model, oid[:20], suffix, response.status_code))
    assert not found
