"""The public queries' plans at a size where a sequential scan or a sort of every match would
show: ~30k claims seeded in bulk, ANALYZEd, each page's SELECTs EXPLAINed (ANALYZE, JSON).
No Seq Scan on a large table; no Sort over more rows than a page's bounded candidate set.
Opt-in (seeding 30k claims takes 35 s on a quiet machine and minutes on a busy one): left out
of ``make test``'s default selection, run by ``make test-plans`` and by CI's second pass (which
selects ``-m "not browser"``). Timings are printed, not asserted."""

from __future__ import annotations

import datetime as dt
import json
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import RELEVANCE_CANDIDATES, Citation, Claim, Contradiction, Speaker, Topic
from sources.models import Outlet, Source

pytestmark = [pytest.mark.django_db, pytest.mark.explain]

CLAIMS = 30_000
BIG_TABLES = {
    "claims_claim",
    "claims_claim_topics",
    "claims_citation",
    "claims_contradiction",
    "sources_source",
}
# a Sort may read a bounded candidate set (relevance) or a page's worth, never every match
SORT_BOUND = RELEVANCE_CANDIDATES + 100
WORDS = [
    "budget",
    "minister",
    "road",
    "council",
    "harbour",
    "tax",
    "school",
    "river",
    "police",
    "grant",
    "vote",
    "report",
    "bridge",
    "station",
    "hospital",
    "contract",
    "audit",
    "water",
    "energy",
    "housing",
    "farm",
    "court",
    "union",
    "border",
    "museum",
]


def _skewed(rng: random.Random, n: int) -> int:
    """0..n-1, the low numbers far more often (a few speakers and topics dominate: the first
    of 600 speakers says 4 % of everything, the first of 40 topics holds 16 %)."""
    return int(n * rng.random() ** 2)


@pytest.fixture
def seeded(django_db_blocker):
    rng = random.Random(7)
    now = timezone.now()
    outlets = Outlet.objects.bulk_create(
        Outlet(slug=f"outlet-{i}", name=f"Outlet {i}") for i in range(20)
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(slug=f"speaker-{i}", name=f"Speaker Person{i}") for i in range(CLAIMS // 50)
    )
    topics = Topic.objects.bulk_create(
        Topic(slug=f"topic-{i}", name=f"Topic {i}") for i in range(40)
    )
    sources = Source.objects.bulk_create(
        Source(slug=f"source-{i}", title=f"Source {i}", outlet=outlets[i % 20], text="")
        for i in range(CLAIMS // 3)
    )
    claims = []
    for i in range(CLAIMS):
        words = rng.choices(WORDS, k=12)
        if i % 3 == 0:
            words.append("hammer")  # a common word: a third of all claims
        if i % 997 == 0:
            words.append("zephyr")  # a rare one
        claims.append(
            Claim(
                slug=f"claim-{i}",
                speaker=speakers[_skewed(rng, len(speakers))],
                text=" ".join(words).capitalize() + ".",
                summary="",
                said_on=dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
                if i % 50
                else None,
                status="published" if i % 33 else "draft",
                published_at=now,
            )
        )
    claims = Claim.objects.bulk_create(claims, batch_size=5000)
    through = Claim.topics.through
    through.objects.bulk_create(
        (
            through(claim_id=c.pk, topic_id=topics[t].pk)
            for c in claims
            for t in {_skewed(rng, 40), rng.randrange(40)}
        ),
        batch_size=10000,
    )
    Citation.objects.bulk_create(
        (Citation(claim=c, source=sources[rng.randrange(len(sources))], quote="q") for c in claims),
        batch_size=10000,
    )
    pairs = {(rng.randrange(CLAIMS), rng.randrange(CLAIMS)) for _ in range(CLAIMS // 5)}
    Contradiction.objects.bulk_create(
        (
            Contradiction(
                slug=f"pair-{a}-{b}",
                claim=claims[a],
                counter=claims[b],
                explanation="x",
                status="published",
                published_at=now - dt.timedelta(minutes=a),
            )
            for a, b in pairs
            if a != b
        ),
        batch_size=10000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"speaker": speakers[0], "topic": topics[0], "rare_topic": topics[-1]}


def pages(seeded) -> dict[str, tuple[str, dict]]:
    speaker, topic = seeded["speaker"], seeded["topic"]
    return {
        "claim list": ("/claims/", {}),
        "search, relevance": ("/claims/", {"q": "hammer"}),
        "search, newest": ("/claims/", {"q": "hammer", "sort": "newest"}),
        "search, rare word": ("/claims/", {"q": "zephyr"}),
        "search, a speaker's name": ("/claims/", {"q": "person12"}),
        "search + topic": ("/claims/", {"q": "hammer", "topic": topic.slug}),
        "claims of a speaker": ("/claims/", {"speaker": speaker.slug}),
        "speaker page": (speaker.get_absolute_url(), {}),
        "contradiction list": ("/contradictions/", {}),
        "contradictions of a speaker": ("/contradictions/", {"speaker": speaker.slug}),
        "compare picker": ("/compare/", {"aq": "speaker person1"}),
        "speaker suggestions": ("/suggest/speakers/", {"q": "person12"}),
        "claims export page": ("/claims/", {"q": "hammer", "format": "json"}),
    }


# Measured and printed, not yet held to the rule: a common word on a common topic (16 % of
# claims) plans a hash join with a Seq Scan and a top-N sort of the ~1,600 matches at this size.
KNOWN_GAPS = {"search + topic"}


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def explain(sql: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]


def problems(plan: dict) -> list[str]:
    found = []
    for node in plan_nodes(plan["Plan"]):
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.append(f"Seq Scan on {node['Relation Name']}")
        if node["Node Type"] in {"Sort", "Incremental Sort"}:
            read = sum(  # per loop, from the node it sorts (not its InitPlans)
                c["Actual Rows"]
                for c in node.get("Plans", [])
                if c.get("Parent Relationship") == "Outer"
            )
            if read > SORT_BOUND:
                found.append(f"Sort over {read} rows ({node.get('Sort Key')})")
    return found


def test_public_queries_use_indexes_and_bounded_sorts(client, seeded, capsys):
    report, failures = [], {}
    for name, (path, params) in pages(seeded).items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, (name, response.status_code)
        for query in captured.captured_queries:
            # a streamed export reads through a server-side cursor: explain the query inside it
            sql = re.sub(
                r"^\s*DECLARE .*? CURSOR (WITH(OUT)? HOLD )?FOR ", "", query["sql"], flags=re.S
            )
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = explain(sql, None)
            report.append((name, plan["Execution Time"]))
            if (found := problems(plan)) and name in KNOWN_GAPS:
                print(f"known gap, {name}: {found}")
            elif found:
                failures.setdefault(name, []).extend(found)
    with capsys.disabled():
        print(f"\nEXPLAIN at {CLAIMS} claims (ms, slowest query per page):")
        for name in dict.fromkeys(n for n, _ in report):
            print(f"  {name:30} {max(t for n, t in report if n == name):8.1f}")
    assert failures == {}, json.dumps(failures, indent=1)
