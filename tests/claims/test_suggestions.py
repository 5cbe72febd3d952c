"""Speaker, topic and outlet filters are typed (a name or an id), with suggestions as you type:
no list page carries a dropdown that grows with the data. Searches have an order."""

import datetime as dt

import pytest

from claims.models import Status
from tests.factories import make_claim, make_speaker, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    public = make_speaker(slug="ada-lovelace", name="Ada Lovelace")
    make_claim(speaker=public, text="Engines weave algebraic patterns.")
    hidden = make_speaker(slug="ada-hidden", name="Ada Hiddenname")
    make_claim(speaker=hidden, status=Status.DRAFT)
    return public


def test_suggestions_name_published_speakers_only(client, people):
    response = client.get("/suggest/speakers/", {"speaker": "ada"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200
    assert '<option value="ada-lovelace">Ada Lovelace</option>' in text
    assert "Hiddenname" not in text
    assert client.get("/suggest/speakers/", {"q": "a"}).content.strip() == b""  # too short
    assert client.get("/suggest/nothing/", {"q": "ada"}).status_code == 404


def test_the_list_filters_by_a_typed_name_or_id_without_javascript(client, people):
    make_claim(speaker=make_speaker(), text="Other words.")
    for typed in ("ada-lovelace", "ada lovelace", "Ada Lovelace"):
        page = client.get("/claims/", {"speaker": typed}).content.decode()
        assert "Engines weave" in page and "Other words" not in page, typed
    html = client.get("/claims/").content.decode()
    assert '<select name="speaker"' not in html and 'list="suggest-speaker"' in html
    missing = client.get("/claims/", {"speaker": "Ada Hiddenname"})
    assert missing.status_code == 400
    assert "no published speaker with this name or id" in missing.content.decode()


def test_a_search_sorts_by_relevance_or_newest(client):
    topic = make_topic()
    old = make_claim(text="Hammer hammer hammer hammer.", said_on=dt.date(2020, 1, 1))
    new = make_claim(text="The hammer, once.", said_on=dt.date(2024, 1, 1))
    for claim in (old, new):
        claim.topics.add(topic)

    def order(**params):
        html = client.get("/claims/", {"q": "hammer", **params}).content.decode()
        return html.index(old.get_absolute_url()) < html.index(new.get_absolute_url())

    assert order() and order(sort="relevance")  # the denser match first
    assert not order(sort="newest")
    assert not order(sort="newest", topic=topic.slug)
    assert client.get("/claims/", {"q": "hammer", "sort": "oldest"}).status_code == 400


def test_relevance_ranks_only_a_bounded_set_of_the_newest_matches():
    from claims.models import Claim

    for i in range(5):
        make_claim(text=f"Anvil {'anvil ' * (5 - i)}", said_on=dt.date(2020, 1, 1 + i))
    ranked = list(Claim.objects.published().by_relevance("anvil", candidates=3))
    assert [c.said_on.day for c in ranked] == [3, 4, 5]  # the newest three, best first


def test_deep_pages_are_capped_with_a_message(client, people):
    response = client.get(people.get_absolute_url(), {"page": "401"})
    assert response.status_code == 400
    assert "Pages stop at 400" in response.content.decode()
    assert client.get("/claims/", {"page": "401"}).status_code == 400
