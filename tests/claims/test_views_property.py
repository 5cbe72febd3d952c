"""Property: no query string, however hostile, gives a server error on a public page.

Every filter parameter of every list, the compare ids and pickers, the paged detail pages and
``?format=``: drawn as plausible values, any text, any bytes (not UTF-8, NUL, half
characters), repeated, with and without htmx. A 500 in the test client raises the view's
exception, so a traceback fails the property with the query that caused it.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.property import budget, query_string

pytestmark = pytest.mark.django_db

DATES = ["2021-12-02", "2021-02-30", "0001-01-01", "9999-12-31", "99999-01-01", "2021-1-1"]
SPEAKERS = ["alec-baldwin", "fbi", "ALEC-BALDWIN", "nobody", "alec baldwin"]
TOPICS = ["the-trigger", "the-hammer", "nobody"]
PAGES = ["1", "2", "0", "-1", "10000", "10001", "1e3", "٣", "99999999999999999999999"]
FORMATS = ["csv", "json", "html", "CSV", "xml", ""]
CLAIMS = ["abc-never-pulled-trigger", "rust-shooting", "vermont-one-in-a-trillion", "nobody"]

LISTS = {
    "/claims/": {
        "q": ["trigger", '"pulled the trigger" -gun OR fbi', "trig*", "!", "&|:*"],
        "speaker": SPEAKERS,
        "topic": TOPICS,
        "kind": ["quote", "paraphrase", "finding", "record", "rumour"],
        "outlet": ["online-news-site", "uk-national-newspaper", "nope"],
        "said_after": DATES,
        "said_before": DATES,
        "has_contradictions": ["yes", "no", "maybe"],
        "verification": ["verbatim", "normalized", "fuzzy", "not_found", "no_text", "bogus"],
        "page": PAGES,
        "format": FORMATS,
    },
    "/contradictions/": {
        "q": ["trigger", "fbi OR baldwin", "-"],
        "relation": ["contradicts", "inconsistent", "retracts", "undermines", "context", "x"],
        "speaker": SPEAKERS,
        "topic": TOPICS,
        "page": PAGES,
        "format": FORMATS,
    },
    "/corrections/": {
        "kind": ["correction", "update", "clarification", "x"],
        "page": PAGES,
        "format": FORMATS,
    },
    "/compare/": {"a": CLAIMS, "b": CLAIMS, "aq": ["baldwin", "trig", "fbi"], "bq": ["x"]},
    "/speakers/alec-baldwin/": {"page": PAGES, "format": FORMATS},
    "/topics/the-trigger/": {"page": PAGES, "format": FORMATS},
    "/contradictions/trigger-vs-fbi-finding/": {"format": FORMATS},
    "/": {"q": ["trigger"]},
}
HTMX = st.sampled_from(
    [
        {},
        {"headers": {"HX-Request": "true"}},
        {"headers": {"HX-Request": "true", "HX-Target": "picker-a-results"}},
        {"headers": {"HX-Request": "true", "HX-Target": "picker-b-results"}},
        {"headers": {"HX-Request": "true", "HX-History-Restore-Request": "true"}},
    ]
)


def assert_answers_without_a_server_error(client, url, options):
    response = client.get(url, **options)
    assert response.status_code < 500, (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Traceback" not in body, url
    page = response["Content-Type"].startswith("text/html") and not options
    if response.status_code == 400 and page:
        assert b"<form" in body, url  # the page again, with its errors, not a bare refusal


@pytest.mark.parametrize("path", LISTS)
def test_no_query_string_gives_a_server_error(client, demo, path):
    @budget(40)
    @given(query=query_string(LISTS[path]), options=HTMX)
    def property_holds(query, options):
        assert_answers_without_a_server_error(client, f"{path}?{query}", options)

    property_holds()


@budget(40)
@given(
    slug=st.text(max_size=40),
    prefix=st.sampled_from(
        ["claims", "contradictions", "speakers", "topics", "sources", "preview/claims"]
    ),
)
def test_no_slug_gives_a_server_error(client, demo, slug, prefix):
    from urllib.parse import quote

    response = client.get(f"/{prefix}/{quote(slug, safe='')}/")
    assert response.status_code in (200, 301, 404), (prefix, slug, response.status_code)
