"""Imports in any order: the same records written grouped by type (as an export), case by case
(each source followed by the claims that cite it, each pair after its claims: a desk's order,
``generate_synthetic --order cases``) or shuffled in any order where each reference is to an
earlier line give the same database, byte for byte in its export; and the writer gathers a
window's records by type (claims/exchange/write.py, ``Window``), so an interleaved file runs
the same queries as the grouped one instead of one small batch per line.

What the format promises is kept: a reference is to an earlier line (or a record already in the
database), so a reference to a later line is refused by line (tests/claims/test_exchange.py,
"reference to a later line"), here in a file written case by case too.
"""

from __future__ import annotations

import itertools
import json
import random
import re

import pytest

from claims import exchange
from claims.exchange import dumps, export_records, import_records
from claims.exchange import write as exchange_write
from claims.models import Claim
from claims.schema import CITATIONS, RECORD_TYPES
from tests.claims.test_round_trip import empty_the_exchanged_tables
from tests.helpers import jsonl, queries_run
from tooling import synthetic

pytestmark = pytest.mark.django_db

CLAIMS, SEED = 60, 5


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 7 records of a type, so a small file fills many windows."""
    monkeypatch.setattr(exchange_write, "BATCH", 7)


def export_bytes() -> bytes:
    return "".join(dumps(r) + "\n" for r in export_records()).encode()


def records_of(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines() if line]


def references(record: dict) -> list[tuple[str, str]]:
    """The (type, id) of every record the line refers to, as the declaration names them."""
    found = []
    for f in RECORD_TYPES[record["type"]].fields:
        value = record.get(f.name)
        if f.ref and value:
            found.extend((f.ref, item) for item in (value if f.many else [value]))
        elif f.kind is CITATIONS:
            found.extend(("source", item["source"]) for item in value or ())
    return found


def case_by_case(records: list[dict]) -> list[dict]:
    """``records`` in the order the generator writes the same records case by case."""
    order = {
        (r["type"], r["id"]): n
        for n, r in enumerate(synthetic.records(CLAIMS, SEED, order="cases"))
    }
    return sorted(records, key=lambda r: order[r["type"], r["id"]])


def shuffled(records: list[dict], seed: int) -> list[dict]:
    """``records`` in a random order where each reference is to an earlier line: each line
    picked at random among those whose references are all written."""
    rng = random.Random(seed)
    waiting = {(r["type"], r["id"]): set(references(r)) for r in records}
    by_key = {(r["type"], r["id"]): r for r in records}
    needed_by: dict[tuple, list[tuple]] = {}
    for key, refs in waiting.items():
        for ref in refs:
            needed_by.setdefault(ref, []).append(key)
    ready = sorted(key for key, refs in waiting.items() if not refs)
    result = []
    while ready:
        key = ready.pop(rng.randrange(len(ready)))
        result.append(by_key[key])
        for other in needed_by.get(key, ()):
            waiting[other].discard(key)
            if not waiting[other]:
                ready.append(other)
    assert len(result) == len(records)
    return result


def interleaving(records: list[dict]) -> int:
    """How many times the type changes from one line to the next."""
    return sum(a["type"] != b["type"] for a, b in itertools.pairwise(records))


@pytest.mark.parametrize("batches", ["default", "small"])
def test_the_same_records_in_any_order_give_the_same_database(batches, monkeypatch):
    if batches == "small":
        monkeypatch.setattr(exchange_write, "BATCH", 7)
    import_records(synthetic.lines(CLAIMS, SEED))
    grouped = export_bytes()
    records = records_of(grouped)
    orders = {"cases": case_by_case(records)}
    orders.update({f"shuffled {seed}": shuffled(records, seed) for seed in (1, 2)})
    for name, ordered in orders.items():
        assert interleaving(ordered) > len(records) // 4, name  # the types do take turns
        empty_the_exchanged_tables()
        report = import_records(jsonl(ordered))
        assert report.created == len(records), name
        assert export_bytes() == grouped, name


def test_the_generators_two_orders_import_to_the_same_records(small_batches):
    """The generator's grouped and case-by-case files: the same records (the dates its lines
    leave out, of publication and of each quote's check, are the import's: set aside)."""
    stamped = re.compile(rb'"(published_at|updated_at|verified_at)": "[^"]*"')
    grouped = "".join(synthetic.lines(CLAIMS, SEED)).encode()
    cases = "".join(synthetic.lines(CLAIMS, SEED, order="cases")).encode()
    assert sorted(grouped.splitlines()) == sorted(cases.splitlines())
    assert grouped != cases
    exports = []
    for data in (grouped, cases):
        empty_the_exchanged_tables()
        import_records(data)
        exports.append(stamped.sub(rb'"\1": "-"', export_bytes()))
    assert exports[0] == exports[1]


def test_a_file_written_case_by_case_runs_the_queries_of_the_grouped_one():
    """Per window and type, not per change of type: a case-by-case file, whose type changes
    every line or two, runs as many queries as the same records grouped, whatever its size."""

    def queries(data) -> int:
        _, sql = queries_run(lambda: import_records(data), undo=True)
        return len(sql)

    queries("".join(synthetic.lines(10)))  # the COPY column types are read once per process
    grouped = queries("".join(synthetic.lines(120, SEED)))
    small = queries("".join(synthetic.lines(40, SEED, order="cases")))
    large = queries("".join(synthetic.lines(120, SEED, order="cases")))
    assert large == small == grouped


def test_refusals_in_a_file_written_case_by_case_are_named_by_their_lines(small_batches):
    """Lines are written by type, not in file order, and still named by their own numbers."""
    records = list(synthetic.records(CLAIMS, SEED, order="cases"))
    published = [
        i
        for i, r in enumerate(records)
        if r["type"] == "claim" and r["status"] == "published" and r["kind"] == "quote"
    ]
    for index in (published[3], published[-2]):
        records[index]["citations"] = []
    with pytest.raises(exchange.ImportFailed) as failure:
        import_records(jsonl(records))
    assert [str(e).split(":")[0] for e in failure.value.errors] == [
        f"line {published[3] + 1}",
        f"line {published[-2] + 1}",
    ]
    assert f"cannot publish claim '{records[published[3]]['id']}'" in str(failure.value)
    assert not Claim.objects.exists()


def test_a_reference_to_a_later_line_is_refused_in_any_order(small_batches):
    """The format's promise: a line refers to earlier lines. A claim moved before the source it
    cites is refused by line, though the window would have written the source first."""
    records = list(synthetic.records(CLAIMS, SEED, order="cases"))
    line_of = {(r["type"], r["id"]): i for i, r in enumerate(records)}
    # a claim and a source it cites whose line is after every other line the claim refers to
    claim_line, position, source_line = next(
        (i, position, line_of["source", item["source"]])
        for i, r in enumerate(records)
        if r["type"] == "claim"
        for position, item in enumerate(r["citations"], start=1)
        if all(
            line_of[ref] < line_of["source", item["source"]]
            for ref in references(r)
            if ref != ("source", item["source"])
        )
    )
    cited = records[source_line]["id"]
    records.insert(source_line, records.pop(claim_line))
    with pytest.raises(exchange.ImportFailed) as failure:
        import_records(jsonl(records))
    assert [str(e) for e in failure.value.errors] == [
        f"line {source_line + 1}: citations[{position}].source: "
        f"source {cited!r} is not defined on an earlier line"
    ]
    assert not Claim.objects.exists()


def test_a_rejected_line_is_named_by_the_lines_that_refer_to_it_in_any_order():
    records = shuffled(list(synthetic.records(CLAIMS, SEED)), seed=3)
    source_line = next(i for i, r in enumerate(records) if r["type"] == "source")
    records[source_line]["kind"] = "not-a-kind"
    cited = records[source_line]["id"]
    with pytest.raises(exchange.ImportFailed) as failure:
        import_records(jsonl(records))
    messages = [str(e) for e in failure.value.errors]
    assert messages[0].startswith(f"line {source_line + 1}: kind:")
    assert any(
        f"refers to source {cited!r} on line {source_line + 1}, which was rejected" in message
        for message in messages[1:]
    )


def test_the_command_writes_either_order(tmp_path):
    from django.core.management import call_command

    for order in synthetic.ORDERS:
        target = tmp_path / f"{order}.jsonl"
        call_command("generate_synthetic", claims=50, seed=2, order=order, output=str(target))
        assert target.read_text(encoding="utf-8") == "".join(synthetic.lines(50, 2, order))
