"""A retracted item keeps its URL, and so it keeps naming its sides: nothing of a side that has
since left the record (moved back to draft or to review, then edited) may reach the public.

Every state is reached through the publishing service, as the newsroom reaches it: a pair is
published, retracted, then one of its sides is unpublished (allowed once the pair is not live)
and its words rewritten in the draft.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import feedparser
import pytest
from django.contrib.auth.models import User

from claims import publishing
from claims.models import ClaimKind, Correction, CorrectionKind, Status
from tests.factories import make_claim, make_contradiction, make_speaker

pytestmark = pytest.mark.django_db

MARK = "zqxsidemark"
NOT_ON_RECORD = "a statement no longer on the record"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def editor():
    return User.objects.create_superuser("side-editor", password="pw")


def published_claim(editor, **kwargs):
    """A record (no quote rules), written as a draft and published by an editor."""
    claim = make_claim(status=Status.DRAFT, kind=ClaimKind.RECORD, **kwargs)
    return publishing.publish(item=claim, by=editor)


def retracted_pair(editor, *, title=""):
    """A published pair, retracted: both sides still published."""
    claim = published_claim(
        editor,
        slug="said",
        text="The bridge is sound.",
        summary="Sound bridge",
        speaker=make_speaker(name="Said Speaker"),
    )
    counter = published_claim(
        editor,
        slug="found",
        text="The bridge is failing.",
        summary="Failing bridge",
        speaker=make_speaker(name="Found Speaker"),
    )
    pair = make_contradiction(
        slug="bridge-pair", title=title, claim=claim, counter=counter, status=Status.DRAFT
    )
    publishing.publish(item=pair, by=editor)
    return publishing.retract(item=pair, by=editor, reason="The pairing was unfair.")


def move_off_the_record(editor, claim, state):
    """Unpublish ``claim`` (to draft, then to review if asked) and rewrite it there, speaker
    included (its only claim)."""
    claim = publishing.unpublish(item=claim, by=editor)
    if state == Status.REVIEW:
        claim = publishing.submit_for_review(item=claim, by=editor)
    claim.text = f"{MARK} rewritten words"
    claim.summary = f"{MARK} rewritten summary"
    claim.venue = f"{MARK} venue"
    claim.context = f"{MARK} context"
    claim.save()
    speaker = claim.speaker
    speaker.name = f"{MARK} Renamed"
    speaker.role = f"{MARK} role"
    speaker.save()
    return claim


def text_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode()


def head_texts(page: str) -> dict[str, str]:
    """What a link preview reads: <title>, the description and the OpenGraph title and
    description (unescaped, as a crawler reads them)."""
    found = {"title": re.search(r"<title>(.*?)</title>", page, re.S).group(1)}
    for key, pattern in (
        ("description", r'<meta name="description" content="([^"]*)">'),
        ("og:title", r'<meta property="og:title" content="([^"]*)">'),
        ("og:description", r'<meta property="og:description" content="([^"]*)">'),
    ):
        found[key] = re.search(pattern, page, re.S).group(1)
    return {key: html.unescape(value) for key, value in found.items()}


CORRECTION_QUERIES = [
    {},
    *({"kind": kind} for kind in CorrectionKind.values),
    {"format": "csv"},
    {"format": "json"},
    {"kind": "retraction", "format": "json"},
]


@pytest.mark.parametrize("state", [Status.DRAFT, Status.REVIEW])
@pytest.mark.parametrize("side", ["claim", "counter"])
def test_a_retracted_pair_shows_nothing_of_a_side_moved_off_the_record(client, editor, side, state):
    pair = retracted_pair(editor)
    kept = pair.counter if side == "claim" else pair.claim
    move_off_the_record(editor, getattr(pair, side), state)

    response = client.get("/contradictions/bridge-pair/")
    assert response.status_code == 200
    page = text_of(response)
    assert MARK not in page, "the pair's page shows the side that left the record"
    head = head_texts(page)
    for key, value in head.items():
        assert MARK not in value, f"{key}: {value}"
    assert NOT_ON_RECORD in head["title"].lower() and NOT_ON_RECORD in head["og:title"].lower()
    assert kept.summary in head["title"]  # the side still on the record is named
    assert 'id="retraction"' in page and "The pairing was unfair." in page
    assert "application/ld+json" not in page

    for query in CORRECTION_QUERIES:
        for headers in ({}, HTMX):
            response = client.get("/corrections/", query, **headers)
            assert response.status_code == 200, (query, headers)
            assert MARK not in text_of(response), f"/corrections/ {query} {headers}"
    listed = text_of(client.get("/corrections/"))
    assert NOT_ON_RECORD in html.unescape(listed).lower()

    feed_response = client.get("/feeds/corrections/")
    assert MARK not in text_of(feed_response), "the corrections feed names the draft side"
    [entry] = feedparser.parse(feed_response.content).entries
    assert NOT_ON_RECORD in entry.title.lower() and kept.summary in entry.title


def test_a_titled_retracted_pair_keeps_its_title_but_not_the_draft_sides_words(client, editor):
    pair = retracted_pair(editor, title="Sound, then failing")
    move_off_the_record(editor, pair.claim, Status.DRAFT)
    page = text_of(client.get("/contradictions/bridge-pair/"))
    head = head_texts(page)
    assert head["title"].startswith("Sound, then failing")
    assert head["og:title"] == "Sound, then failing"
    for key in ("description", "og:description"):
        assert MARK not in head[key] and "Said Speaker" not in head[key], head[key]
    assert MARK not in page


def test_a_retracted_pair_with_both_sides_on_the_record_still_shows_them(client, editor):
    pair = retracted_pair(editor)
    publishing.retract(item=pair.claim, by=editor, reason="Misattributed.")
    page = html.unescape(text_of(client.get("/contradictions/bridge-pair/")))
    head = head_texts(page)
    assert head["title"].startswith("Sound bridge — contradicted by — Failing bridge")
    assert "The bridge is sound." in head["description"]
    assert "The bridge is failing." in page and 'id="sides"' in page
    assert NOT_ON_RECORD not in page


def test_a_correction_on_a_claim_moved_back_to_draft_is_not_shown(client, editor):
    claim = published_claim(editor, slug="corrected", text="Corrected words.")
    Correction.objects.create(
        slug="fix-corrected",
        claim=claim,
        published_on=dt.date(2024, 1, 2),
        text="We fixed the date.",
    )
    assert "We fixed the date." in text_of(client.get("/corrections/"))
    move_off_the_record(editor, claim, Status.DRAFT)
    for path in ("/corrections/", "/corrections/?format=json", "/feeds/corrections/"):
        body = text_of(client.get(path))
        assert MARK not in body, path
        assert "We fixed the date." not in body, path
        assert "fix-corrected" not in body, path
    assert client.get("/claims/corrected/").status_code == 404
