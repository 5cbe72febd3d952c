"""/cases/: every published case, the most recently active first, searchable, a page at a time,
in the sitemap and the site's navigation."""

import datetime as dt
import re

import pytest

from claims import views
from claims.filters import MAX_QUERY
from claims.models import Case, Claim, Status
from tests.factories import make_case, make_claim, make_contradiction

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def listed(html: str) -> list[str]:
    block = re.search(r'<ul class="case-list" id="cases">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    return re.findall(r'class="case-link" href="[^"]+">([^<]+)</a>', block.group(1))


def case(title: str, *, published_days: int | None, status=Status.PUBLISHED, summary="") -> Case:
    item = make_case(title=title, slug=title.lower().replace(" ", "-"), status=status)
    when = DAY + dt.timedelta(days=published_days) if published_days is not None else None
    Case.objects.filter(pk=item.pk).update(published_at=when, summary=summary)
    return item


def test_published_cases_newest_activity_first_drafts_never(client):
    old = case("Old story", published_days=1)
    case("New story", published_days=5)
    case("Never dated", published_days=None)
    case("Secret story", published_days=9, status=Status.DRAFT)
    html = client.get("/cases/").content.decode()
    assert listed(html) == ["New story", "Old story", "Never dated"]
    assert "Secret story" not in html

    # a statement published in the old story later than anything else: it comes first
    claim = make_claim()
    claim.cases.add(old)
    Claim.objects.filter(pk=claim.pk).update(published_at=DAY + dt.timedelta(days=7))
    assert listed(client.get("/cases/").content.decode())[0] == "Old story"
    # a draft statement's activity is nobody's business
    draft = make_claim(status=Status.DRAFT)
    draft.cases.add(case("Quiet story", published_days=2))
    Claim.objects.filter(pk=draft.pk).update(published_at=DAY + dt.timedelta(days=30))
    assert listed(client.get("/cases/").content.decode()).index("Quiet story") == 2


def test_the_count_of_published_contradictions_is_shown(client):
    story = case("Bridge", published_days=1)
    make_contradiction().cases.add(story)
    make_contradiction(status=Status.DRAFT).cases.add(story)
    html = client.get("/cases/").content.decode()
    assert "1 contradiction" in html and "2 contradictions" not in html


def test_search_by_title_or_summary(client):
    case("Bridge collapse", published_days=1)
    case("Airport", published_days=2, summary="A runway BRIDGE over the river.")
    case("Courts", published_days=3)
    assert listed(client.get("/cases/", {"q": "bridge"}).content.decode()) == [
        "Airport",
        "Bridge collapse",
    ]
    html = client.get("/cases/", {"q": "nothing-like-it"}).content.decode()
    assert listed(html) == [] and "No case’s title or summary contains" in html


def test_paged_like_the_other_lists(client, monkeypatch):
    monkeypatch.setattr(views, "CASE_PAGE_SIZE", 2)
    for i in range(3):
        case(f"Story {i}", published_days=i)
    first = client.get("/cases/").content.decode()
    assert listed(first) == ["Story 2", "Story 1"]
    assert "Cases 1–2" in first and 'rel="next"' in first
    second = client.get("/cases/", {"page": 2}).content.decode()
    assert listed(second) == ["Story 0"] and 'rel="next"' not in second


@pytest.mark.parametrize("query", [{"q": "t" * (MAX_QUERY + 1)}, {"page": "x"}, {"page": "0"}])
def test_bad_input_is_a_400_with_the_forms_message(client, query):
    response = client.get("/cases/", query)
    assert response.status_code == 400
    assert 'id="filter-errors"' in response.content.decode()


def test_a_page_past_the_end_says_so(client):
    case("Only story", published_days=1)
    html = client.get("/cases/", {"page": 5}).content.decode()
    assert "There are no more cases" in html


def test_in_the_sitemap_and_the_navigation(client):
    assert "/cases/</loc>" in client.get("/sitemap-pages.xml").content.decode()
    html = client.get("/").content.decode()
    assert re.search(r'<nav aria-label="Main">.*href="/cases/".*</nav>', html, re.S)
    assert 'href="/cases/" aria-current="page"' in client.get("/cases/").content.decode()


def test_htmx_gets_the_results_alone(client):
    case("Bridge", published_days=1)
    fragment = client.get("/cases/", {"q": "bri"}, headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b"Bridge" in fragment.content
    assert "hx-request" in fragment["Vary"].lower()
