"""The topics a reader can browse: the home page shows the first few, /topics/ all of them, a
page of chips at a time, found by name."""

import re

import pytest

from claims import views
from claims.models import Status
from tests.factories import make_claim, make_topic

pytestmark = pytest.mark.django_db


def published_topics(*names):
    claim = make_claim()
    topics = [make_topic(name=name, slug=name.lower().replace(" ", "-")) for name in names]
    claim.topics.add(*topics)
    return topics


def chips(html: str) -> list[str]:
    block = re.search(r'<ul class="chip-list" id="topics">(.*?)</ul>', html, re.S)
    return re.findall(r'class="chip" href="[^"]+">([^<]+)</a>', block.group(1)) if block else []


def test_home_shows_the_first_topics_and_links_to_all_of_them(client, monkeypatch):
    monkeypatch.setattr(views, "HOME_TOPICS", 3)
    published_topics("Budget", "Airport", "Bridge safety")
    html = client.get("/").content.decode()
    assert chips(html) == ["Airport", "Bridge safety", "Budget"]
    assert 'href="/topics/">All topics' not in html  # nothing more to see

    published_topics("Water", "Courts")
    html = client.get("/").content.decode()
    assert chips(html) == ["Airport", "Bridge safety", "Budget"]
    assert 'href="/topics/">All topics' in html


def test_the_topic_index_lists_published_topics_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr(views, "TOPIC_PAGE_SIZE", 2)
    published_topics("Water", "Airport", "Courts")
    make_claim(status=Status.DRAFT).topics.add(make_topic(name="Secret inquiry"))
    make_topic(name="Nothing said")  # no statement at all

    first = client.get("/topics/").content.decode()
    assert chips(first) == ["Airport", "Courts"]
    assert "Topics 1–2" in first and 'rel="next"' in first
    second = client.get("/topics/", {"page": 2}).content.decode()
    assert chips(second) == ["Water"] and 'rel="next"' not in second
    assert "There are no more topics" in client.get("/topics/", {"page": 9}).content.decode()
    for html in (first, second):
        assert "Secret inquiry" not in html and "Nothing said" not in html


def test_a_topic_is_found_by_part_of_its_name(client):
    published_topics("Bridge safety", "Airport", "Toll bridges")
    assert chips(client.get("/topics/", {"q": "BRIDGE"}).content.decode()) == [
        "Bridge safety",
        "Toll bridges",
    ]
    html = client.get("/topics/", {"q": "zebra"}).content.decode()
    assert chips(html) == [] and "No topic’s name contains “zebra”" in html

    fragment = client.get("/topics/", {"q": "air"}, HTTP_HX_REQUEST="true").content.decode()
    assert chips(fragment) == ["Airport"] and "<html" not in fragment


def test_a_bad_page_number_is_a_400_that_names_it(client):
    published_topics("Airport")
    response = client.get("/topics/", {"page": "abc"})
    assert response.status_code == 400
    assert "Page" in response.content.decode()


def test_a_claims_topics_are_links_on_its_page_and_in_lists(client):
    """The same chips wherever a claim's topics are shown (includes/topic_chips.html)."""
    (topic,) = published_topics("Bridge safety")
    claim = topic.claims.get()
    chip = '<a class="chip" href="/topics/bridge-safety/">Bridge safety</a>'
    assert chip in client.get(claim.get_absolute_url()).content.decode()
    assert chip in client.get("/claims/").content.decode()
    assert chip in client.get("/").content.decode()
