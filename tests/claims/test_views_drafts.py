"""Drafts never reach the public: no page, fragment, export, feed or sitemap shows them."""

import datetime as dt

import pytest

from claims.models import Case, Citation, Claim, ClaimKind, Contradiction, Correction, Status
from claims.verification import verify_citation
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

SECRET = "zanzibarsecret"


@pytest.fixture
def world(demo):
    """Published material next to unpublished material whose every text holds SECRET."""
    topic = make_topic(name="Shared topic")
    speaker = make_speaker(name="Public Person")
    source = make_source(
        outlet=make_outlet(),
        title="Shared source",
        text="Said: “Public words here.” Also: “Other cited words.”",
    )
    public = make_claim(speaker=speaker, text="Public words here.", cite=source)
    public.topics.add(topic)
    for status in (Status.DRAFT, Status.REVIEW):  # retracted items: tests/claims/test_retraction.py
        hidden = make_claim(
            speaker=speaker,
            kind=ClaimKind.RECORD,
            text=f"{SECRET} words in a draft.",
            summary=f"{SECRET} {status}",
            said_on=dt.date(2022, 1, 1),
            slug=f"{SECRET}-{status}",
            status=status,
        )
        hidden.topics.add(topic)
        verify_citation(
            citation=Citation.objects.create(
                claim=hidden, source=source, quote="Other cited words.", note=SECRET
            )
        )
        make_contradiction(
            claim=public, counter=hidden, title=f"{SECRET} half pair {status}"
        )  # published pair, unpublished side
        Correction.objects.create(
            slug=f"{SECRET}-fix-{status}",
            claim=hidden,
            published_on=dt.date(2024, 1, 1),
            text=f"{SECRET} correction",
        )
    other = make_claim(text="Other public words.")
    draft_pair = make_contradiction(
        claim=public, counter=other, title=f"{SECRET} draft pair", status=Status.DRAFT
    )
    Correction.objects.create(
        slug=f"{SECRET}-pair-fix",
        contradiction=draft_pair,
        published_on=dt.date(2024, 1, 1),
        text=f"{SECRET} pair correction",
    )
    draft_speaker = make_speaker(name=f"{SECRET} Person", slug=f"{SECRET}-person")
    make_claim(speaker=draft_speaker, status=Status.DRAFT)
    draft_source = make_source(title=f"{SECRET} source", slug=f"{SECRET}-source", text="Alone.")
    make_claim(text="Alone.", cite=draft_source, status=Status.DRAFT)
    # the demo's published case holds drafts; a draft case holds published items
    case = Case.objects.get(slug="rust-shooting")
    draft_case = make_case(
        slug=f"{SECRET}-case", title=f"{SECRET} case", summary=SECRET, status=Status.DRAFT
    )
    public.cases.add(case, draft_case)
    for item in (*Claim.objects.exclude(status=Status.PUBLISHED), *Contradiction.objects.all()):
        item.cases.add(case, draft_case)
    return {"public": public, "other": other, "speaker": speaker, "topic": topic, "source": source}


def urls(w) -> list[tuple[str, dict]]:
    public = w["public"]
    htmx = {"HTTP_HX_REQUEST": "true"}
    return [
        ("/", {}),
        ("/claims/", {}),
        ("/claims/?q=draft", {}),
        ("/claims/?q=draft", htmx),
        ("/claims/?q=words&format=csv", {}),
        ("/claims/?q=words&format=json", {}),
        (public.get_absolute_url(), {}),
        ("/contradictions/", {}),
        ("/contradictions/?format=csv", {}),
        ("/contradictions/?format=json", {}),
        ("/contradictions/trigger-vs-fbi-finding/", {}),
        ("/contradictions/trigger-vs-fbi-finding/?format=json", {}),
        (f"/compare/?a={public.slug}&b={w['other'].slug}", {}),
        ("/compare/?aq=draft&bq=words", {}),
        (w["speaker"].get_absolute_url(), {}),
        (w["speaker"].get_absolute_url() + "?format=json", {}),
        (w["topic"].get_absolute_url(), {}),
        (w["topic"].get_absolute_url() + "?format=csv", {}),
        (w["source"].get_absolute_url(), {}),
        ("/cases/rust-shooting/", {}),
        ("/cases/rust-shooting/?format=json", {}),
        ("/cases/rust-shooting/feed/", {}),
        ("/claims/?case=rust-shooting", {}),
        ("/claims/?case=rust-shooting&format=csv", {}),
        ("/contradictions/?case=rust-shooting&format=json", {}),
        ("/corrections/", {}),
        ("/topics/", {}),
        ("/topics/?q=a", {}),
        ("/corrections/?format=json", {}),
        ("/feeds/contradictions/", {}),
        ("/feeds/corrections/", {}),
        ("/sitemap.xml", {}),
        *[(f"/sitemap-{s}.xml", {}) for s in ("claims", "contradictions", "speakers", "sources")],
        *[(f"/sitemap-{s}.xml", {}) for s in ("topics", "pages", "cases")],
    ]


def test_no_public_output_mentions_unpublished_material(client, world):
    for url, headers in urls(world):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in body.lower(), f"{url} leaks unpublished material"


def test_the_public_material_is_there(client, world):
    page = client.get(world["public"].get_absolute_url()).content.decode()
    assert "Public words here." in page


@pytest.mark.parametrize(
    "url",
    [
        f"/claims/{SECRET}-draft/",
        f"/claims/{SECRET}-review/",
        f"/claims/{SECRET}-retracted/",
        f"/speakers/{SECRET}-person/",
        f"/sources/{SECRET}-source/",
        f"/cases/{SECRET}-case/",
        f"/cases/{SECRET}-case/feed/",
        f"/compare/?a={SECRET}-draft&b={SECRET}-review",
    ],
)
def test_unpublished_things_are_404(client, world, url):
    response = client.get(url)
    assert response.status_code == 404
    assert f"{SECRET} words" not in response.content.decode()
