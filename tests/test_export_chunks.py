"""Downloads of a list stream in chunks, a fixed number of queries each, and an anonymous
download stops at a row cap with a header saying so and how to get everything."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import User

from claims import exports
from tests.factories import make_claim, make_speaker

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


def test_an_export_reads_ids_once_then_one_query_per_chunk(
    client, seven, django_assert_num_queries
):
    # the ids in the list's order, then 4 chunks of 2 (7 rows); the session-free anonymous
    # request reads nothing else
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
