"""/compare/?a=&b=: two published statements side by side, with pickers that work with and
without JavaScript, and clear answers for missing, equal and unknown ids."""

import re

import pytest

from claims.models import Status
from tests.factories import make_claim, make_contradiction, make_speaker

pytestmark = pytest.mark.django_db

URL = "/compare/"
CLAIM = "abc-would-never-point-a-gun"
COUNTER = "fbi-gun-in-working-order"


def text_of(response) -> str:
    return response.content.decode()


def test_two_published_statements_side_by_side(client, demo):
    response = client.get(URL, {"a": CLAIM, "b": COUNTER})
    assert response.status_code == 200
    page = text_of(response)
    assert 'id="comparison"' in page
    assert page.count('class="statement ') == 2
    assert page.index("I would never point a gun") < page.index("would not have discharged")
    assert 'id="timeline"' in page
    # The pair is curated: say so and link it.
    assert 'id="existing-contradiction"' in page
    assert "/contradictions/trigger-vs-fbi-finding/" in page
    assert 'href="/compare/?a=fbi-gun-in-working-order&amp;b=abc-would-never-point-a-gun"' in page
    assert '<link rel="canonical" href="http://127.0.0.1:8000/compare/?a=' in page


def test_no_ids_shows_the_pickers(client, demo):
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    form = re.search(r'<form id="compare-form"[^>]*>', page).group(0)
    assert 'action="/compare/"' in form and 'method="get"' in form
    for control in ("picker-a-q", "picker-b-q", "id_a", "id_b"):
        assert f'<label for="{control}">' in page
        assert f'id="{control}"' in page
    assert 'hx-target="#picker-a-results"' in page
    assert 'id="comparison"' not in page
    assert "Pick two statements" in page


def test_one_id_asks_for_the_other(client, demo):
    response = client.get(URL, {"a": CLAIM})
    assert response.status_code == 200
    page = text_of(response)
    assert "Now pick the second statement" in page
    assert 'id="picker-a-chosen"' in page


def test_the_same_id_twice_is_a_400(client, demo):
    response = client.get(URL, {"a": CLAIM, "b": CLAIM})
    assert response.status_code == 400
    page = text_of(response)
    assert 'id="compare-errors"' in page
    assert "two different statements" in page
    assert 'id="comparison"' not in page


@pytest.mark.parametrize("side", ["a", "b"])
def test_unknown_id_is_a_404_that_says_which(client, demo, side):
    other = "b" if side == "a" else "a"
    response = client.get(URL, {side: "no-such-claim", other: CLAIM})
    assert response.status_code == 404
    page = text_of(response)
    assert "“no-such-claim”, is not a published statement" in page
    assert 'id="compare-form"' in page


def test_a_draft_is_unknown(client, demo):
    response = client.get(URL, {"a": CLAIM, "b": "abc-told-it-was-a-cold-gun"})
    assert response.status_code == 404
    assert "is not a published statement" in text_of(response)
    assert "told it was a" not in text_of(response).split('id="compare-errors"')[0]


def test_picker_search_without_javascript_lists_links_that_set_the_side(client, demo):
    response = client.get(URL, {"a": "", "b": COUNTER, "aq": "armpit"})
    assert response.status_code == 200
    page = text_of(response)
    results = page[page.index('id="picker-a-results"') :]
    results = results[: results.index("</div>")]
    links = re.findall(r'class="picker-option" href="([^"]+)"', results)
    assert links == [f"/compare/?a=abc-aimed-below-her-armpit&amp;b={COUNTER}"]


def test_picker_fragment_with_htmx(client, demo):
    response = client.get(
        URL,
        {"aq": "trig", "a": "", "b": COUNTER},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="picker-a-results",
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "<html" not in page and 'id="compare-form"' not in page
    links = re.findall(r'class="picker-option" href="([^"]+)"', page)
    assert links and all(link.endswith(f"&amp;b={COUNTER}") for link in links)
    assert f"/compare/?a={CLAIM}&amp;b={COUNTER}" in links  # “trig” finds “trigger”
    second = client.get(
        URL,
        {"bq": "FBI", "a": CLAIM, "b": ""},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="picker-b-results",
    )
    assert f"/compare/?a={CLAIM}&amp;b={COUNTER}" in text_of(second)  # by speaker name


def test_picker_never_offers_drafts(client):
    speaker = make_speaker(name="Zelda Quill")
    make_claim(speaker=speaker, text="Published zebra words.")
    draft = make_claim(speaker=speaker, text="Draft zebra words.", status=Status.DRAFT)
    for query in ("zebra", "Zelda"):
        page = text_of(client.get(URL, {"aq": query}))
        assert "Published zebra words." in page
        assert draft.slug not in page and "Draft zebra" not in page


def test_picker_with_no_match_says_so(client, demo):
    page = text_of(client.get(URL, {"aq": "xylophone"}))
    assert "No published statement matches “xylophone”" in page


def test_compare_shows_a_word_diff_for_versions_of_one_quote(client):
    speaker = make_speaker()
    a = make_claim(speaker=speaker, text="I never pulled the trigger, never.")
    b = make_claim(speaker=speaker, text="I never pulled the trigger.")
    page = text_of(client.get(URL, {"a": a.slug, "b": b.slug}))
    assert 'id="diff"' in page
    assert 'id="existing-contradiction"' not in page


def test_compare_does_not_link_a_pair_with_a_draft_contradiction(client):
    a, b = make_claim(), make_claim()
    make_contradiction(claim=a, counter=b, status=Status.DRAFT)
    page = text_of(client.get(URL, {"a": a.slug, "b": b.slug}))
    assert 'id="existing-contradiction"' not in page


def test_nul_bytes_and_long_values_are_not_a_server_error(client, demo):
    assert client.get(URL, {"a": "x\x00y", "b": CLAIM}).status_code == 404
    assert client.get(URL, {"aq": "\x00" * 5}).status_code == 200
    assert client.get(URL, {"aq": "trigger " * 500, "b": "y" * 5000}).status_code == 404
