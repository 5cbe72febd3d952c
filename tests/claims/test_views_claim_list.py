"""/claims/: full-text search, every filter, htmx fragments, the pager and bad input."""

import datetime as dt
import re

import pytest

from claims.models import Citation, ClaimKind, Status, VerificationState
from tests.factories import (
    make_claim,
    make_contradiction,
    make_outlet,
    make_source,
    make_speaker,
    make_topic,
)
from tests.helpers import queries_run

pytestmark = pytest.mark.django_db

URL = "/claims/"


def slugs_in(response) -> list[str]:
    """Claim slugs linked from the results, in order."""
    page = response.content.decode()
    results = page[page.index('id="results-heading"') :]
    return re.findall(r'class="claim-words"><a href="/claims/([^/]+)/"', results)


# The page and its fragment -----------------------------------------------------------


def test_full_page_has_the_form_and_results_region(client, demo):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    form = re.search(r"<form id=\"filters\"[^>]*>", page).group(0)
    assert 'action="/claims/"' in form
    assert 'method="get"' in form
    assert 'hx-get="/claims/"' in form
    assert 'hx-target="#results"' in form
    assert 'hx-push-url="true"' in form
    assert 'hx-trigger="input changed delay:300ms from:#id_q, change, submit"' in form
    assert re.search(r'<section id="results"[^>]*aria-live="polite"', page)
    assert 'id="id_q"' in page
    assert '<label for="id_q">' in page
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_htmx_request_gets_only_the_results(client, demo):
    response = client.get(URL, {"q": "armpit"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="filters"' not in page
    assert slugs_in(response) == ["abc-aimed-below-her-armpit"]


def test_history_restore_gets_the_whole_page(client, demo):
    response = client.get(
        URL,
        {"q": "armpit"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    page = response.content.decode()
    assert "<html" in page
    assert 'value="armpit"' in page
    assert slugs_in(response) == ["abc-aimed-below-her-armpit"]


def test_without_filters_every_published_claim_is_listed_newest_first(client):
    old = make_claim(said_on=dt.date(2020, 1, 1))
    new = make_claim(said_on=dt.date(2023, 1, 1))
    undated = make_claim(said_on=None)
    make_claim(status=Status.DRAFT)
    assert slugs_in(client.get(URL)) == [new.slug, old.slug, undated.slug]


# Search --------------------------------------------------------------------------------


def test_search_is_ranked_statement_words_before_venue_words(client):
    in_venue = make_claim(text="Something else entirely.", venue="Interview about ammunition")
    in_text = make_claim(text="There was no live ammunition on set.", venue="Press call")
    make_claim(text="Unrelated words.")
    assert slugs_in(client.get(URL, {"q": "ammunition"})) == [in_text.slug, in_venue.slug]


def test_search_uses_web_search_syntax(client):
    both = make_claim(text="The cold gun was handed over.")
    gun = make_claim(text="The gun was cold.")
    assert set(slugs_in(client.get(URL, {"q": '"cold gun"'}))) == {both.slug}
    assert set(slugs_in(client.get(URL, {"q": "gun -handed"}))) == {gun.slug}


def test_search_stems_english_words(client):
    claim = make_claim(text="He was pulling the trigger.")
    assert slugs_in(client.get(URL, {"q": "pulled triggers"})) == [claim.slug]


def test_search_never_finds_drafts(client):
    make_claim(text="A secret draft about zeppelins.", status=Status.DRAFT)
    response = client.get(URL, {"q": "zeppelins"})
    assert slugs_in(response) == []
    assert "No published claim matches" in response.content.decode()


def test_search_in_the_demo_finds_the_quote(client, demo):
    slugs = slugs_in(client.get(URL, {"q": "trigger"}))
    assert "abc-would-never-point-a-gun" in slugs
    assert "abc-told-it-was-a-cold-gun" not in slugs  # a draft


# Filters -------------------------------------------------------------------------------


def test_speaker_filter_by_slug(client, demo):
    slugs = slugs_in(client.get(URL, {"speaker": "fbi"}))
    assert slugs == ["fbi-gun-in-working-order"]


def test_topic_filter_by_slug(client):
    topic = make_topic()
    on = make_claim()
    on.topics.add(topic)
    make_claim()
    assert slugs_in(client.get(URL, {"topic": topic.slug})) == [on.slug]


def test_kind_filter(client):
    finding = make_claim(kind=ClaimKind.FINDING)
    make_claim(kind=ClaimKind.QUOTE)
    assert slugs_in(client.get(URL, {"kind": "finding"})) == [finding.slug]


def test_outlet_filter_through_citations(client):
    outlet = make_outlet()
    source = make_source(outlet=outlet, text="He said: “Words in this outlet.”")
    cited = make_claim(text="Words in this outlet.", cite=source)
    make_claim(text="Words elsewhere.", cite=make_source(text="“Words elsewhere.”"))
    assert slugs_in(client.get(URL, {"outlet": outlet.slug})) == [cited.slug]


def test_said_on_date_range(client):
    early = make_claim(said_on=dt.date(2021, 10, 1))
    middle = make_claim(said_on=dt.date(2022, 6, 1))
    late = make_claim(said_on=dt.date(2024, 1, 1))
    response = client.get(URL, {"said_after": "2022-01-01", "said_before": "2023-12-31"})
    assert slugs_in(response) == [middle.slug]
    assert set(slugs_in(client.get(URL, {"said_after": "2022-06-01"}))) == {middle.slug, late.slug}
    assert slugs_in(client.get(URL, {"said_before": "2021-12-31"})) == [early.slug]


def test_has_contradictions_counts_either_side_of_published_pairs_only(client):
    statement, counter = make_claim(), make_claim()
    make_contradiction(claim=statement, counter=counter)
    in_draft_pair = make_claim()
    make_contradiction(claim=in_draft_pair, status=Status.DRAFT)
    alone = make_claim()
    yes = set(slugs_in(client.get(URL, {"has_contradictions": "yes"})))
    assert {statement.slug, counter.slug} <= yes
    assert in_draft_pair.slug not in yes and alone.slug not in yes
    no = set(slugs_in(client.get(URL, {"has_contradictions": "no"})))
    assert {in_draft_pair.slug, alone.slug} <= no
    assert statement.slug not in no and counter.slug not in no


def test_verification_filter_matches_any_citation_state(client):
    source = make_source(text="“Found words.”")
    verified = make_claim(text="Found words.", cite=source)
    missing = make_claim(text="Words that are nowhere.", cite=make_source(text="Other text."))
    assert slugs_in(client.get(URL, {"verification": "verbatim"})) == [verified.slug]
    state = Citation.objects.get(claim=missing).verification_state
    assert state != VerificationState.VERBATIM
    assert slugs_in(client.get(URL, {"verification": state})) == [missing.slug]


def test_filters_combine(client, demo):
    slugs = slugs_in(client.get(URL, {"q": "trigger", "speaker": "fbi"}))
    assert slugs == ["fbi-gun-in-working-order"]


def test_choice_lists_offer_published_things_only(client):
    """Speakers are typed with suggestions (tests/claims/test_suggestions.py); the suggestions and
    the typed filter know published speakers only."""
    hidden = make_speaker(name="Only Drafts Person")
    make_claim(speaker=hidden, status=Status.DRAFT)
    shown = make_speaker(name="Published Person")
    make_claim(speaker=shown)
    suggestions = client.get("/suggest/speakers/", {"q": "person"}).content.decode()
    assert f'value="{shown.slug}"' in suggestions
    assert f'value="{hidden.slug}"' not in suggestions
    assert "Only Drafts Person" not in suggestions
    assert client.get(URL, {"speaker": shown.slug}).status_code == 200
    assert client.get(URL, {"speaker": hidden.slug}).status_code == 400


# Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"said_after": "notadate"}, "Said on or after"),
        ({"said_before": "2021-13-45"}, "Said on or before"),
        ({"kind": "bogus"}, "Kind"),
        ({"speaker": "nobody"}, "There is no published speaker with this name or id: “nobody”."),
        ({"topic": "nothing"}, "There is no published topic with this name or id: “nothing”."),
        ({"outlet": "nowhere"}, "There is no published outlet with this name or id: “nowhere”."),
        ({"has_contradictions": "maybe"}, "Contradictions"),
        ({"verification": "sort-of"}, "Quote check"),
        ({"page": "abc"}, "The page must be a whole number"),
        ({"page": "-1"}, "Page"),
        ({"page": "0"}, "Page"),
        ({"said_after": "2024-01-01", "said_before": "2023-01-01"}, "before the"),
        ({"q": "x" * 201}, "Search"),
        ({"q": "null\x00byte"}, "Search"),
        ({"speaker": "\x00"}, "Null characters are not allowed"),
        ({"page": "99999999999999999999"}, "Page"),
    ],
)
def test_malformed_filters_show_the_error_with_a_400(client, demo, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="filter-errors"' in page
    assert message in page
    assert slugs_in(response) == []
    assert 'id="filters"' in page  # the form is there to fix it


def test_malformed_filters_in_a_fragment_show_the_error(client, demo):
    response = client.get(URL, {"said_after": "notadate"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert 'id="filter-errors"' in response.content.decode()


def test_a_draft_speaker_slug_is_an_error_not_a_filter(client):
    speaker = make_speaker()
    make_claim(speaker=speaker, status=Status.DRAFT)
    response = client.get(URL, {"speaker": speaker.slug})
    assert response.status_code == 400
    assert speaker.name not in response.content.decode()


# Pager ---------------------------------------------------------------------------------


def test_pages_of_25_with_next_and_previous_links_and_no_count(client):
    for day in range(1, 31):
        make_claim(said_on=dt.date(2022, 1, day), text=f"Numbered statement {day}.")
    first, sql = queries_run(lambda: client.get(URL, {"kind": "quote"}))
    assert not any("COUNT(" in q.upper() for q in sql)
    assert len(slugs_in(first)) == 25
    page = first.content.decode()
    nxt = re.search(r'<a rel="next" href="([^"]+)" hx-get="([^"]+)"', page)
    assert nxt and nxt.group(1) == nxt.group(2) == "/claims/?kind=quote&amp;page=2"
    assert 'rel="prev"' not in page

    second = client.get(URL, {"kind": "quote", "page": "2"})
    assert len(slugs_in(second)) == 5
    page = second.content.decode()
    assert 'rel="next"' not in page
    prev = re.search(r'<a rel="prev" href="([^"]+)"', page)
    assert prev.group(1) == "/claims/?kind=quote"
    assert not set(slugs_in(first)) & set(slugs_in(second))


def test_a_page_past_the_end_says_so(client):
    make_claim()
    response = client.get(URL, {"page": "9"})
    assert response.status_code == 200
    assert "There are no more claims" in response.content.decode()


def test_download_links_carry_the_filters(client, demo):
    page = client.get(URL, {"speaker": "fbi", "page": "1"}).content.decode()
    assert 'href="/claims/?speaker=fbi&amp;format=csv"' in page
    assert 'href="/claims/?speaker=fbi&amp;format=json"' in page


# What a relevance order covers -----------------------------------------------------------


@pytest.fixture
def bound_of_three(monkeypatch):
    """Relevance ranks at most 3 matches (1,000 on the site)."""
    from claims import search

    monkeypatch.setattr(search, "RELEVANCE_CANDIDATES", 3)


def coverage_line(response) -> str:
    found = re.search(
        r'<p class="coverage" id="relevance-coverage">(.*?)</p>', response.content.decode(), re.S
    )
    return found.group(1) if found else ""


def test_a_search_with_more_matches_than_the_bound_says_so_and_links_to_all_of_them(
    client, bound_of_three
):
    """The oldest claim matches best (the word three times) but is not among the newest three:
    the page says that more matched than best match ranks, that it ranks only the newest three,
    and links to the same search newest first, where all four are."""
    best = make_claim(text="Ferry ferry ferry crossing.", said_on=dt.date(2020, 1, 1))
    newer = [
        make_claim(text=f"A ferry crossing, day {day}.", said_on=dt.date(2024, 1, day))
        for day in (1, 2, 3)
    ]
    make_claim(text="A ferry in a drawer.", status=Status.DRAFT)
    response = client.get(URL, {"q": "ferry", "kind": "quote"})
    assert set(slugs_in(response)) == {c.slug for c in newer}
    line = coverage_line(response)
    assert line.startswith("More than 3 claims match: best match first ranks only the newest 3")
    link = re.search(r'<a href="([^"]+)" hx-get="([^"]+)"[^>]*>All of them, newest first</a>', line)
    assert link and link.group(1) == link.group(2)
    assert link.group(1) == "/claims/?q=ferry&amp;kind=quote&amp;sort=newest"
    by_date = client.get(URL, {"q": "ferry", "kind": "quote", "sort": "newest"})
    assert slugs_in(by_date) == [c.slug for c in reversed(newer)] + [best.slug]
    assert coverage_line(by_date) == ""  # newest first: no bound, nothing to say
    fragment = client.get(URL, {"q": "ferry"}, HTTP_HX_REQUEST="true")
    assert "ranks only the newest 3" in coverage_line(fragment)
    # on every page of the results
    page_2 = client.get(URL, {"q": "ferry", "page": "2"})
    assert slugs_in(page_2) == [] and coverage_line(page_2) == ""  # past the end: nothing


def test_every_match_ranked_is_said_with_the_count(client, bound_of_three):
    make_claim(text="One lighthouse.")
    assert coverage_line(client.get(URL, {"q": "lighthouse"})) == (
        "1 claim matches, all in best-match order."
    )
    make_claim(text="Two lighthouses.", said_on=dt.date(2020, 1, 1))
    make_claim(text="Three lighthouses.", said_on=dt.date(2021, 1, 1))
    # exactly the bound: every match ranked, the best first
    response = client.get(URL, {"q": "lighthouse"})
    assert coverage_line(response) == "3 claims match, all in best-match order."
    make_claim(text="Four lighthouses.", status=Status.DRAFT)  # drafts are not counted
    assert coverage_line(client.get(URL, {"q": "lighthouse"})).startswith("3 claims match")
    make_claim(text="Five lighthouses.")
    assert coverage_line(client.get(URL, {"q": "lighthouse"})).startswith("More than 3 claims")
    assert coverage_line(client.get(URL, {"q": "nothing-like-it"})) == ""
    assert coverage_line(client.get(URL)) == ""  # no search, no relevance order


def test_the_coverage_costs_no_query_of_its_own(client, bound_of_three):
    """How many candidates there were rides on the ranking query (a window), within the bound
    or past it: the same queries as the search newest first."""
    for n in range(5):
        make_claim(text=f"Quarry report {n}.")
    for words in ("quarry", "quarry report 1"):
        _, by_date = queries_run(lambda w=words: client.get(URL, {"q": w, "sort": "newest"}))
        page, ranked = queries_run(lambda w=words: client.get(URL, {"q": w}))
        assert coverage_line(page)
        assert len(ranked) == len(by_date)
        assert not any(q.startswith("SELECT COUNT(") for q in ranked)
