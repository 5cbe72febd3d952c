"""Downloads of a list stream in keyset chunks, a fixed number of queries each, whole and in the
page's order, and an anonymous download stops at a row cap with a header saying so and how to
get everything."""

import csv
import datetime as dt
import io
import itertools
import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import exports
from claims.models import Claim, Contradiction, Correction, Status
from tests.factories import (
    make_claim,
    make_contradiction,
    make_source,
    make_speaker,
    make_topic,
)
from tests.helpers import queries_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    speaker = make_speaker(slug="seven")
    return [make_claim(speaker=speaker, text=f"Export row {i}.") for i in range(7)]


def download(client, path, params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode()


def test_an_export_checks_the_cap_once_then_reads_one_query_per_chunk(
    client, seven, django_assert_num_queries
):
    # whether the list is longer than the cap, then 4 chunks of 2 (7 rows, all undated); the
    # session-free anonymous request reads nothing else
    with django_assert_num_queries(1 + 4):
        response, body = download(client, "/claims/", {"format": "json"})
    rows = json.loads(body)
    assert len(rows) == 7 and len({r["id"] for r in rows}) == 7
    page = client.get("/claims/").content.decode()
    positions = [page.index(f"/claims/{r['id']}/") for r in rows]
    assert positions == sorted(positions)  # the page's order, newest first
    assert "X-Export-Capped" not in response


def test_an_anonymous_export_stops_at_the_cap_and_says_so(client, seven, monkeypatch):
    monkeypatch.setattr(exports, "ANONYMOUS_CAP", 5)
    response, body = download(client, "/claims/", {"format": "csv"})
    assert len(list(csv.DictReader(io.StringIO(body)))) == 5
    assert "5 rows, the first of a longer list" in response["X-Export-Capped"]
    assert "export_jsonl" in response["X-Export-Capped"]
    response, body = download(client, "/speakers/seven/", {"format": "json"})
    assert len(json.loads(body)) == 5 and response["X-Export-Capped"]


def test_staff_get_the_whole_list(client, seven, monkeypatch):
    monkeypatch.setattr(exports, "ANONYMOUS_CAP", 5)
    User.objects.create_user("desk", password="pw", is_staff=True)
    client.force_login(User.objects.get(username="desk"))
    response, body = download(client, "/claims/", {"format": "json"})
    assert len(json.loads(body)) == 7 and "X-Export-Capped" not in response


def ids(response_and_body) -> list[str]:
    response, body = response_and_body
    if response["Content-Type"].startswith("text/csv"):
        return [row["id"] for row in csv.DictReader(io.StringIO(body))]
    return [row["id"] for row in json.loads(body)]


@pytest.fixture
def long_list(monkeypatch):
    """20 claims over 3 chunks of 3 and more: dates with ties, a quarter undated, slugs not in
    the order the rows were written, topics and citations to read with each row."""
    monkeypatch.setattr(exports, "CHUNK", 3)
    speaker, topic = make_speaker(slug="long"), make_topic(slug="long-topic")
    source = make_source(text="“Said at length.”")
    claims = []
    for i in range(20):
        claim = make_claim(
            speaker=speaker,
            slug=f"long-{(i * 7) % 20:02d}",
            text="Said at length.",
            said_on=None if i % 4 == 0 else dt.date(2024, 1, 1 + i % 3),
            cite=source if i % 2 else None,
        )
        claim.topics.add(topic)
        claims.append(claim)
    return claims


def dated_then_undated(claims, *, newest_first: bool) -> list[str]:
    dated = sorted((c for c in claims if c.said_on), key=lambda c: c.slug)
    dated.sort(key=lambda c: c.said_on, reverse=newest_first)  # stable: ties stay by slug
    undated = sorted((c for c in claims if c.said_on is None), key=lambda c: c.slug)
    return [c.slug for c in dated + undated]


def test_a_long_export_comes_out_whole_in_the_pages_order(client, long_list):
    newest = ids(download(client, "/claims/", {"format": "json"}))
    assert newest == dated_then_undated(long_list, newest_first=True)  # no gap, no duplicate
    page = client.get("/claims/").content.decode()
    positions = [page.index(f"/claims/{slug}/") for slug in newest]
    assert positions == sorted(positions)
    oldest = ids(download(client, "/speakers/long/", {"format": "csv"}))
    assert oldest == dated_then_undated(long_list, newest_first=False)
    assert ids(download(client, "/topics/long-topic/", {"format": "csv"})) == oldest
    before = {c.slug for c in long_list if c.said_on and c.said_on <= dt.date(2024, 1, 2)}
    filtered = ids(download(client, "/claims/", {"format": "csv", "said_before": "2024-01-02"}))
    assert filtered == [slug for slug in newest if slug in before]


def test_long_contradiction_and_correction_exports_follow_their_lists_order(client, monkeypatch):
    """Latest published first (unpublished dates last, ties by creation, then id); corrections
    newest first by day, ties by id."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    sides = [make_claim() for _ in range(4)]
    noon = timezone.now().replace(hour=12)
    for i, (a, b) in enumerate(itertools.permutations(sides, 2)):
        make_contradiction(
            claim=a, counter=b, published_at=None if i % 3 == 0 else noon - dt.timedelta(i % 2)
        )
        Correction.objects.create(
            slug=f"fix-{(i * 5) % 12:02d}", published_on=dt.date(2024, 3, 1 + i % 2), text="Fixed."
        )
    pairs = Contradiction.objects.published().latest_first().values_list("slug", flat=True)
    assert ids(download(client, "/contradictions/", {"format": "json"})) == list(pairs)
    fixes = Correction.objects.published().values_list("slug", flat=True)
    assert ids(download(client, "/corrections/", {"format": "csv"})) == list(fixes)
    assert len(set(pairs)) == 12 and len(set(fixes)) == 12


@pytest.mark.parametrize("chunk", [2, 3, 5])
def test_the_queries_grow_by_one_per_chunk(client, long_list, monkeypatch, chunk):
    """The cap check, then one query per chunk (each with its rows' speaker, topics, cases and
    citations), the last one short; and one more, once, where the walk steps from the dated rows
    to the undated ones (their own index range)."""
    monkeypatch.setattr(exports, "CHUNK", chunk)
    rows, sql = queries_run(lambda: ids(download(client, "/claims/", {"format": "json"})))
    assert len(rows) == 20
    assert len(sql) == 1 + (20 // chunk + 1) + 1


def test_a_search_by_relevance_is_read_by_ids_in_its_rank_order(
    client, monkeypatch, django_assert_num_queries
):
    """A rank is no column to walk: its ids (a bounded candidate set) come first, in one query,
    then their rows by chunk."""
    monkeypatch.setattr(exports, "CHUNK", 2)
    for n in range(7):
        make_claim(text="ferry " * (n % 3 + 1) + "crossing.", said_on=dt.date(2024, 1, 1 + n))
    ranked = Claim.objects.published().by_relevance("ferry").values_list("slug", flat=True)
    with django_assert_num_queries(1 + 4):
        found = ids(download(client, "/claims/", {"format": "json", "q": "ferry"}))
    assert found == list(ranked) and len(set(found)) == 7


def test_the_cap_header_comes_at_one_row_past_the_cap(
    client, seven, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(exports, "ANONYMOUS_CAP", 7)
    response, body = download(client, "/claims/", {"format": "json"})
    assert len(json.loads(body)) == 7 and "X-Export-Capped" not in response
    make_claim(speaker=seven[0].speaker, text="One more.")
    with django_assert_num_queries(1 + 4):  # the cap check, then 2 + 2 + 2 + 1: no query past it
        response, body = download(client, "/claims/", {"format": "json"})
    assert len(json.loads(body)) == 7 and "7 rows, the first" in response["X-Export-Capped"]
    assert response["Link"].endswith('>; rel="collection"')
    User.objects.create_user("desk", password="pw", is_staff=True)
    client.force_login(User.objects.get(username="desk"))
    response, body = download(client, "/claims/", {"format": "csv"})
    assert len(ids((response, body))) == 8 and "X-Export-Capped" not in response


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


@pytest.mark.explain
def test_a_later_chunk_reads_from_its_bound_not_from_the_start(monkeypatch):
    """EXPLAIN ANALYZE of every chunk of a few thousand rows: each reads at most the rows from
    where the previous chunk stopped, never the earlier ones again (an OFFSET, or a condition
    without the bound on the leading key, would re-walk them)."""
    monkeypatch.setattr(exports, "CHUNK", 500)
    speaker = make_speaker()
    Claim.objects.bulk_create(
        Claim(
            slug=f"bulk-{i:05d}",
            speaker=speaker,
            text="Bulk.",
            status="published" if i % 10 else "draft",
            said_on=None if i % 7 == 0 else dt.date(2000, 1, 1) + dt.timedelta(days=i % 900),
        )
        for i in range(6000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    for claims in (Claim.objects.published().newest_first(), speaker.claims.oldest_first()):
        claims = claims.filter(status="published")
        total, started = claims.count(), []
        with CaptureQueriesContext(connection) as captured:
            rows = exports.walk(exports._with_related(claims), exports.order_keys(claims), None)
            for sent, _ in enumerate(rows):
                started += [sent] * (len(captured) - len(started))
            started += [total] * (len(captured) - len(started))
        assert len(captured) >= total // 500
        for query, sent in zip(captured.captured_queries, started, strict=True):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                raw = cursor.fetchone()[0]
            plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
            read = sum(
                node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
                for node in nodes(plan)
                if node.get("Relation Name") == "claims_claim"
            )
            assert read <= total - sent + 10, query["sql"]  # a few ties on a date, re-read


def test_a_relevance_export_past_the_bound_says_so(client, monkeypatch):
    """Relevance ranks at most RELEVANCE_CANDIDATES matches (3 here): the download holds those,
    says it was cut and by what, and that more matched; newest first holds every match."""
    from claims import search

    monkeypatch.setattr(search, "RELEVANCE_CANDIDATES", 3)
    for day in range(1, 6):
        make_claim(text="Ferry " * (6 - day) + "crossing.", said_on=dt.date(2024, 1, day))
    make_claim(text="A ferry in a drawer.", status=Status.DRAFT)
    ranked = list(Claim.objects.published().by_relevance("ferry").values_list("slug", flat=True))
    for fmt in ("csv", "json"):
        response, body = download(client, "/claims/", {"format": fmt, "q": "ferry"})
        assert ids((response, body)) == ranked and len(ranked) == 3
        assert response["X-Export-Matches"] == ">3"
        assert response["X-Export-Capped"].startswith("3 rows: more than 3 match and best match")
        assert "sort=newest" in response["X-Export-Capped"]
        assert "X-Export-Capped" in response["Access-Control-Expose-Headers"]
    response, body = download(
        client, "/claims/", {"format": "json", "q": "ferry", "sort": "newest"}
    )
    assert len(json.loads(body)) == 5 and "X-Export-Capped" not in response
    assert response["X-Export-Matches"] == "5"
    # within the bound: every match, counted by the ids query itself
    response, body = download(client, "/claims/", {"format": "json", "q": "ferry ferry -crossing"})
    assert json.loads(body) == [] and response["X-Export-Matches"] == "0"
    make_claim(text="Three ferries.", said_on=dt.date(2025, 1, 1))
    make_claim(text="Ferries, three of them.", said_on=dt.date(2025, 1, 2))
    response, body = download(client, "/claims/", {"format": "csv", "q": "three ferries"})
    assert len(ids((response, body))) == 2 and response["X-Export-Matches"] == "2"
    assert "X-Export-Capped" not in response


def test_every_list_export_says_how_many_matched(client, seven, monkeypatch):
    monkeypatch.setattr(exports, "ANONYMOUS_CAP", 5)
    response, _ = download(client, "/claims/", {"format": "csv"})
    assert response["X-Export-Matches"] == ">5" and response["X-Export-Capped"]
    response, _ = download(client, "/claims/", {"format": "csv", "q": "row"})
    assert response["X-Export-Matches"] == ">5" and response["X-Export-Capped"].startswith("5 rows")
    response, _ = download(client, "/claims/", {"format": "csv", "q": "row", "sort": "newest"})
    assert response["X-Export-Matches"] == ">5" and response["X-Export-Capped"].startswith("5 rows")
    response, _ = download(client, "/contradictions/", {"format": "json"})
    assert response["X-Export-Matches"] == "0" and "X-Export-Capped" not in response
    monkeypatch.setattr(exports, "ANONYMOUS_CAP", 7)
    response, _ = download(client, "/speakers/seven/", {"format": "json"})
    assert response["X-Export-Matches"] == "7" and "X-Export-Capped" not in response
    User.objects.create_user("desk", password="pw", is_staff=True)
    client.force_login(User.objects.get(username="desk"))
    make_claim(speaker=seven[0].speaker, text="An eighth.")
    response, _ = download(client, "/claims/", {"format": "json"})
    assert response["X-Export-Matches"] == "8" and "X-Export-Capped" not in response
