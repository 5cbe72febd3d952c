"""The synthetic data generator (``generate_synthetic``): deterministic, streamed, in the
proportions the benchmarks assume, and importable with every quote found in its source."""

import collections
import hashlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from claims.exchange import import_records
from claims.models import Citation, Claim, Contradiction, Speaker, Status, VerificationState
from sources.models import Source
from tooling import synthetic


def digest(claims: int, seed: int) -> str:
    hasher = hashlib.sha256()
    for line in synthetic.lines(claims, seed):
        hasher.update(line.encode())
    return hasher.hexdigest()


def parsed(claims: int, seed: int = 0) -> list[dict]:
    return [json.loads(line) for line in synthetic.lines(claims, seed)]


def test_same_seed_same_bytes_other_seed_other_bytes():
    assert digest(200, 7) == digest(200, 7)
    assert digest(200, 7) != digest(200, 8)


def test_the_generator_runs_without_django():
    """tooling/ is plain Python: the generator and the format it reads import nothing of Django."""
    script = "import sys, tooling.synthetic as s; next(s.lines(5)); print('django' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_lines_are_streamed_not_built_as_a_list():
    stream = synthetic.lines(100)
    assert inspect.isgenerator(stream)
    first = next(stream)
    assert json.loads(first)["type"] == "outlet"


def test_a_larger_file_starts_with_different_data_but_the_same_shapes():
    small, large = synthetic.Plan(claims=10_000), synthetic.Plan(claims=1_000_000)
    assert (small.speakers, small.sources, small.contradictions) == (200, 3334, 2000)
    assert (large.speakers, large.sources, large.contradictions) == (20_000, 333_334, 200_000)
    assert 8 <= small.outlets <= large.outlets <= 500
    assert 12 <= small.topics <= large.topics


@pytest.fixture(scope="module")
def three_thousand():
    return parsed(3000, seed=1)


def test_proportions(three_thousand):
    by_type = collections.defaultdict(list)
    for record in three_thousand:
        by_type[record["type"]].append(record)
    plan = synthetic.Plan(claims=3000, seed=1)
    assert len(by_type["claim"]) == 3000
    assert len(by_type["speaker"]) == plan.speakers == 60
    assert len(by_type["source"]) == plan.sources == 1000
    assert len(by_type["contradiction"]) == plan.contradictions == 600
    citations = [len(c["citations"]) for c in by_type["claim"]]
    assert min(citations) == 1 and max(citations) == 3
    assert 1.8 <= sum(citations) / len(citations) <= 2.2
    drafts = sum(c["status"] != "published" for c in by_type["claim"]) / 3000
    assert 0.02 <= drafts <= 0.07
    speakers = collections.Counter(c["speaker"] for c in by_type["claim"])
    top_tenth = speakers.most_common(len(speakers) // 10)
    assert sum(n for _, n in top_tenth) / 3000 > 0.3  # a few speakers say most
    topics = collections.Counter(c["topics"][0] for c in by_type["claim"])
    assert topics.most_common(1)[0][1] > 5 * (3000 / len(by_type["topic"])) / 2
    lengths = [len(c["text"]) for c in by_type["claim"]]
    assert min(lengths) >= 20 and 90 <= sum(lengths) / len(lengths) <= 200
    texts = [len(s["text"]) for s in by_type["source"]]
    assert 1000 <= sum(texts) / len(texts) <= 8000


def test_every_quote_is_printed_in_its_source_and_references_come_first(three_thousand):
    seen = collections.defaultdict(dict)
    for record in three_thousand:
        kind = record["type"]
        assert record["id"] not in seen[kind], f"duplicate {kind} id {record['id']}"
        if kind == "claim":
            assert record["speaker"] in seen["speaker"]
            assert all(t in seen["topic"] for t in record["topics"])
            first_quote = record["citations"][0]["quote"]
            if record["kind"] == "paraphrase":  # "Said that we ...": reported, not quoted
                assert record["text"].lower().endswith(first_quote.lower())
            else:
                assert record["text"] == first_quote
            for citation in record["citations"]:
                assert citation["quote"] in seen["source"][citation["source"]]["text"]
        if kind == "contradiction":
            assert record["claim"] in seen["claim"] and record["counter"] in seen["claim"]
            assert record["claim"] != record["counter"]
            if record["status"] == "published":
                sides = (seen["claim"][record[k]]["status"] for k in ("claim", "counter"))
                assert all(status == "published" for status in sides)
        seen[kind][record["id"]] = record


@pytest.mark.django_db
def test_the_output_imports_and_every_citation_verifies_verbatim():
    report = import_records("".join(synthetic.lines(300, seed=3)))
    assert report.created == 8 + 100 + 8 + 12 + 300 + 60
    assert Claim.objects.count() == 300
    assert Source.objects.count() == 100
    assert Speaker.objects.count() == 8
    assert Contradiction.objects.count() == 60
    states = collections.Counter(Citation.objects.values_list("verification_state", flat=True))
    assert set(states) == {VerificationState.VERBATIM}, states
    assert 0.9 < Claim.objects.published().count() / 300 < 0.99
    assert Contradiction.objects.filter(status=Status.PUBLISHED).count() > 40


def test_the_command_writes_the_same_bytes_to_a_file(tmp_path):
    target = tmp_path / "synthetic.jsonl"
    call_command("generate_synthetic", claims=50, seed=2, output=str(target))
    assert target.read_text(encoding="utf-8") == "".join(synthetic.lines(50, seed=2))
