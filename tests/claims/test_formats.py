"""Data out: ?format=csv|json on every list, with the page's filters, streamed; the evidence
behind a contradiction; a clear 400 for an unknown format or a bad filter."""

import csv
import io
import json

import pytest

from claims.models import Claim, Contradiction, Correction, Status
from tests.factories import make_claim, make_contradiction, make_source

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content).decode("utf-8")


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


def records(response) -> list[dict]:
    return json.loads(body(response))


def test_claims_as_csv_and_json_hold_every_published_claim(client, demo):
    published = set(Claim.objects.published().values_list("slug", flat=True))
    response = client.get("/claims/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="claims.csv"' in response["Content-Disposition"]
    table = rows(response)
    assert {row["id"] for row in table} == published
    assert list(table[0]) == [
        "id",
        "url",
        "speaker",
        "speaker_name",
        "kind",
        "text",
        "summary",
        "said_on",
        "said_on_precision",
        "venue",
        "context",
        "topics",
        "cases",
        "published_at",
        "updated_at",
        "sources",
    ]
    assert {row["cases"] for row in table} == {"rust-shooting"}
    data = records(client.get("/claims/", {"format": "json"}))
    assert {item["id"] for item in data} == published


def test_claim_json_carries_citations_topics_and_links(client, demo):
    data = records(client.get("/claims/", {"format": "json", "speaker": "fbi"}))
    assert [item["id"] for item in data] == ["fbi-gun-in-working-order"]
    item = data[0]
    assert item["url"] == "http://127.0.0.1:8000/claims/fbi-gun-in-working-order/"
    assert item["speaker"] == "fbi" and item["kind"] == "finding"
    assert item["said_on"] == "2022-08-01" and item["said_on_precision"] == "month"
    assert item["topics"] == sorted(item["topics"]) and "the-trigger" in item["topics"]
    citation = item["citations"][0]
    assert citation["source"] == "cuomo-podcast-and-fbi-report"
    assert citation["verification"] == "verbatim"
    assert citation["passage_url"] == (
        "http://127.0.0.1:8000/sources/cuomo-podcast-and-fbi-report/#quote-fbi-gun-in-working-order"
    )


def test_exports_apply_the_same_filters_as_the_page(client, demo):
    page_slugs = {
        row["id"] for row in rows(client.get("/claims/", {"q": "trigger", "format": "csv"}))
    }
    assert "abc-would-never-point-a-gun" in page_slugs
    assert "abc-did-she-faint" not in page_slugs
    table = rows(client.get("/claims/", {"topic": "criminal-charges", "format": "csv"}))
    assert all("criminal-charges" in row["topics"].split("; ") for row in table)


def test_exports_ignore_the_page_number(client):
    for _ in range(30):
        make_claim()
    assert len(records(client.get("/claims/", {"format": "json", "page": "2"}))) == 30


def test_exports_never_contain_drafts(client, demo):
    csv_text = body(client.get("/claims/", {"format": "csv"}))
    json_text = body(client.get("/claims/", {"format": "json"}))
    for draft in Claim.objects.exclude(status=Status.PUBLISHED):
        assert draft.slug not in csv_text and draft.slug not in json_text
    contradictions = body(client.get("/contradictions/", {"format": "json"}))
    for draft in Contradiction.objects.exclude(status=Status.PUBLISHED):
        assert draft.slug not in contradictions


def test_contradictions_as_csv_and_json(client, demo):
    published = set(Contradiction.objects.published().values_list("slug", flat=True))
    table = rows(client.get("/contradictions/", {"format": "csv"}))
    assert {row["id"] for row in table} == published
    trigger = next(row for row in table if row["id"] == "trigger-vs-fbi-finding")
    assert trigger["claim"] == "abc-would-never-point-a-gun"
    assert trigger["counter"] == "fbi-gun-in-working-order"
    assert trigger["relation"] == "contradicts"
    data = records(client.get("/contradictions/", {"format": "json", "relation": "contradicts"}))
    assert {item["relation"] for item in data} == {"contradicts"}


def test_corrections_as_csv_and_json(client, demo):
    published = set(Correction.objects.published().values_list("slug", flat=True))
    assert {row["id"] for row in rows(client.get("/corrections/", {"format": "csv"}))} == published
    data = records(client.get("/corrections/", {"format": "json"}))
    assert {item["id"] for item in data} == published
    assert all(item["url"].startswith("http://127.0.0.1:8000/") for item in data)


def test_speaker_and_topic_claims_as_data(client, demo):
    speaker = records(client.get("/speakers/alec-baldwin/", {"format": "json"}))
    assert speaker and {item["speaker"] for item in speaker} == {"alec-baldwin"}
    assert "abc-told-it-was-a-cold-gun" not in {item["id"] for item in speaker}
    topic = rows(client.get("/topics/the-trigger/", {"format": "csv"}))
    assert "abc-would-never-point-a-gun" in {row["id"] for row in topic}


def test_evidence_of_a_contradiction_as_json(client, demo):
    response = client.get("/contradictions/trigger-vs-fbi-finding/", {"format": "json"})
    assert response.status_code == 200
    assert 'filename="trigger-vs-fbi-finding.json"' in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["id"] == "trigger-vs-fbi-finding"
    assert data["relation"] == "contradicts"
    assert data["claim"]["id"] == "abc-would-never-point-a-gun"
    assert data["counter"]["id"] == "fbi-gun-in-working-order"
    assert data["claim"]["citations"] and data["counter"]["citations"]
    assert data["explanation"]


def test_evidence_of_a_contradiction_as_csv(client, demo):
    response = client.get("/contradictions/trigger-vs-fbi-finding/", {"format": "csv"})
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["role"] for row in table] == ["claim", "counter"]
    assert table[0]["id"] == "abc-would-never-point-a-gun"
    assert table[1]["contradiction"] == "trigger-vs-fbi-finding"


def test_evidence_of_a_hidden_contradiction_is_404(client):
    item = make_contradiction(counter=make_claim(status=Status.DRAFT))
    assert client.get(item.get_absolute_url(), {"format": "json"}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/claims/",
        "/contradictions/",
        "/corrections/",
        "/contradictions/trigger-vs-fbi-finding/",
        "/speakers/alec-baldwin/",
        "/topics/the-trigger/",
    ],
)
def test_an_unknown_format_is_a_400_with_a_message(client, demo, url):
    response = client.get(url, {"format": "xml"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Unknown format “xml”" in response.content.decode()


def test_a_bad_filter_with_a_format_is_a_400_naming_it(client, demo):
    response = client.get("/claims/", {"format": "csv", "said_after": "notadate"})
    assert response.status_code == 400
    assert "Said on or after" in response.content.decode()


def test_csv_cells_that_look_like_formulas_are_defused(client):
    make_claim(text="=HYPERLINK('http://evil.example','click')")
    table = rows(client.get("/claims/", {"format": "csv"}))
    assert table[0]["text"].startswith("'=")
    data = records(client.get("/claims/", {"format": "json"}))
    assert data[0]["text"].startswith("=")  # JSON keeps the words as they are


@pytest.mark.parametrize("count", [2, 40])
def test_an_export_is_two_queries_whatever_its_length(client, django_assert_num_queries, count):
    """Guards against N+1: whether the list passes the cap, then the rows (under a chunk's 500)
    with their topics and citations in one query (tests/claims/test_exports.py: one per chunk)."""
    source = make_source(text="“Statement on record.”")
    for _ in range(count):
        make_claim(text="Statement on record.", cite=source)
    with django_assert_num_queries(2):
        assert len(records(client.get("/claims/", {"format": "json"}))) == count
