"""The import at scale: batches, standard input, quiet without a terminal, history in bulk,
ANALYZE, and one schema for the import, the export and the public exports."""

import io
import json
import os
import sys

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import F

from claims import exchange, schema
from claims.exchange import dumps, export_records, import_records
from claims.exchange import fields as exchange_fields
from claims.exchange import rows as exchange_rows
from claims.exchange import write as exchange_write
from claims.exports import CLAIM_COLUMNS, CONTRADICTION_COLUMNS, CORRECTION_COLUMNS
from claims.models import Citation, Claim, Contradiction, Status, VerificationState
from sources.models import Source
from tests.helpers import GOOD, jsonl, queries_run, synthetic_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 7 records, so a small file crosses many batch boundaries."""
    monkeypatch.setattr(exchange_write, "BATCH", 7)


def export_bytes() -> bytes:
    return "".join(dumps(r) + "\n" for r in export_records()).encode()


def history_rows() -> int:
    return sum(model.history.count() for model in (Claim, Citation, Contradiction, Source)) + sum(
        m2m.objects.count()
        for m2m in (
            exchange_rows.m2m_history_model(Claim.history.model, "topics"),
            exchange_rows.m2m_history_model(Claim.history.model, "cases"),
        )
    )


def test_a_file_across_many_batches_imports_verifies_and_reimports_unchanged(small_batches):
    data = synthetic_bytes()
    report = import_records(data)
    lines = data.decode().splitlines()
    assert report.created == len(lines)
    claims = [json.loads(line) for line in lines if '"type": "claim"' in line]
    assert Claim.objects.count() == len(claims)
    cited = sum(len(c["citations"]) for c in claims)
    assert Citation.objects.filter(verification_state="verbatim").count() == cited
    assert report.verified == cited
    # one history row per record and per citation, topics with each claim's row
    assert Claim.history.count() == len(claims)
    assert Citation.history.count() == cited
    first = Claim.objects.get(slug=claims[0]["id"])
    row = Claim.history.get(slug=first.slug)
    assert sorted(t.topic.slug for t in row.topics.all()) == sorted(claims[0]["topics"])
    # the pairs written with COPY carry their sides' speakers (for the speaker pages)
    pairs = Contradiction.objects.all()
    assert pairs.count() == sum('"type": "contradiction"' in line for line in lines) > 0
    assert not pairs.exclude(claim_speaker=F("claim__speaker")).exists()
    assert not pairs.exclude(counter_speaker=F("counter__speaker")).exists()
    before, rows = export_bytes(), history_rows()

    again = import_records(data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(lines))
    assert export_bytes() == before
    assert history_rows() == rows


def test_a_reimport_with_edits_across_batches_writes_only_the_edits(small_batches):
    data = synthetic_bytes()
    import_records(data)
    records = [json.loads(line) for line in data.decode().splitlines()]
    claims = [r for r in records if r["type"] == "claim"]
    edited, retopiced = claims[3], claims[40]
    edited["summary"] = "Edited on re-import."
    source_of = edited["citations"][0]["source"]
    edited["citations"][0]["note"] = "a note"
    retopiced["topics"] = []
    version = Claim.objects.get(slug=edited["id"]).version
    rows = Claim.history.count()

    report = import_records(jsonl(records))
    assert report.updated == 2
    assert Claim.objects.get(slug=edited["id"]).summary == "Edited on re-import."
    assert Claim.objects.get(slug=edited["id"]).version == version + 1
    citation = Citation.objects.get(claim__slug=edited["id"], source__slug=source_of)
    assert (citation.note, citation.verification_state) == ("a note", "verbatim")
    assert not Claim.objects.get(slug=retopiced["id"]).topics.exists()
    assert Claim.history.count() == rows + 2
    latest = Claim.history.filter(slug=retopiced["id"]).order_by("history_date", "history_id")
    assert list(latest.last().topics.all()) == []


def test_refusals_are_named_by_line_across_batches_and_nothing_is_written(small_batches):
    data = synthetic_bytes()
    records = [json.loads(line) for line in data.decode().splitlines()]
    index = next(
        i
        for i, r in enumerate(records)
        if r["type"] == "claim" and r["status"] == "published" and r["kind"] == "quote"
    )
    records[index]["citations"] = []
    with pytest.raises(exchange.ImportFailed) as failure:
        import_records(jsonl(records))
    claim = records[index]["id"]
    assert str(failure.value.errors[0]).startswith(
        f"line {index + 1}: cannot publish claim '{claim}': the quoted statement"
    )
    assert not Claim.objects.exists()


def test_references_to_records_already_in_the_database(small_batches):
    import_records(jsonl(GOOD))
    later = {
        "type": "claim",
        "id": "said-again",
        "speaker": "someone",
        "kind": "quote",
        "text": "I never did it,",
        "topics": ["doing-it"],
        "status": "published",
        "citations": [{"source": "wire-story", "quote": "I never did it,"}],
    }
    missing = {**later, "id": "other", "speaker": "nobody"}
    with pytest.raises(exchange.ImportFailed) as failure:
        import_records(jsonl([later, missing]))
    assert [str(e) for e in failure.value.errors] == [
        "line 2: speaker: speaker 'nobody' is not defined on an earlier line"
    ]
    report = import_records(jsonl([later]))
    assert report.created == 1
    claim = Claim.objects.get(slug="said-again")
    assert claim.status == Status.PUBLISHED
    assert claim.citations.get().verification_state == "verbatim"


def test_the_command_reads_standard_input_that_cannot_seek(monkeypatch, capsys):
    read, write = os.pipe()
    data = jsonl(GOOD)
    os.write(write, data)
    os.close(write)
    with open(read, "rb") as pipe:
        assert not pipe.seekable()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(pipe))
        out = io.StringIO()
        call_command("import_jsonl", "-", stdout=out)
    assert f"Imported {len(GOOD)} records from -: {len(GOOD)} created" in out.getvalue()
    assert Claim.objects.count() == 2
    assert "importing" not in capsys.readouterr().err  # no progress bar off a terminal


def test_a_large_import_analyzes_the_tables_it_wrote(monkeypatch):
    monkeypatch.setattr(exchange_write, "ANALYZE_AFTER_ROWS", 1)
    import_records(jsonl(GOOD))
    with connection.cursor() as cursor:
        # reltuples is -1 until a table is analyzed; ANALYZE in this transaction sees its rows
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'claims_claim'")
        assert cursor.fetchone()[0] == 2


def test_one_schema_for_import_export_and_public_exports():
    import_records(jsonl(GOOD))
    for record in export_records():
        keys = [k for k in record if k not in ("type", "id")]
        expected = [k for k in schema.FIELDS[record["type"]] if k in keys]
        assert keys == expected, record["type"]
        rare = {f.name for f in schema.RECORD_TYPES[record["type"]].fields if f.omit_empty}
        assert set(schema.FIELDS[record["type"]]) - set(keys) <= rare
    assert {name: spec.names for name, spec in exchange.RECORD_TYPES.items()} == schema.FIELDS
    # by type: a case's working list of ``sources`` is the newsroom's, the ``sources`` column
    # of the claims' export is the public list of the sources a claim cites
    assert not schema.EDITORIAL["claim"] & set(CLAIM_COLUMNS)
    assert not schema.EDITORIAL["contradiction"] & set(CONTRADICTION_COLUMNS)
    assert not schema.EDITORIAL["correction"] & set(CORRECTION_COLUMNS)
    assert {"status", "override_reason"} <= schema.EDITORIAL["claim"]
    assert "sources" in schema.EDITORIAL["case"] and "captures" in schema.EDITORIAL["source"]
    assert CLAIM_COLUMNS[4:-1] == schema.public_fields("claim", leave_out=("speaker", "citations"))
    assert CORRECTION_COLUMNS[1:-1] == list(schema.FIELDS["correction"])


def test_records_written_with_copy_have_their_history_as_bulk_history_create_wrote_it():
    """New records, citations and list references go in with COPY (claims/exchange/rows.py): their
    history rows are those django-simple-history's bulk writers made, one per record, all of
    one import dated alike."""
    import_records(jsonl(GOOD))
    claim = Claim.objects.get(slug="never-did-it")
    row = Claim.history.get(id=claim.pk)
    assert (row.history_type, row.history_user_id, row.history_change_reason) == ("+", None, "")
    assert (row.version, row.text, row.status) == (1, claim.text, Status.PUBLISHED)
    assert [t.topic.slug for t in row.topics.all()] == ["doing-it"]
    assert row.topics.get().id == claim.topics.through.objects.get(claim=claim).id
    citation = claim.citations.get()
    cited = Citation.history.get(id=citation.pk)
    # bulk_create_with_history gave citations no change reason at all
    assert (cited.history_type, cited.history_change_reason) == ("+", None)
    assert (cited.verification_state, cited.anchor_parts) == ("verbatim", citation.anchor_parts)
    assert len({h.history_date for h in Claim.history.all()} | {cited.history_date}) == 1
    source = Source.objects.get(slug="wire-story")
    assert Source.history.get(id=source.pk).text == source.text
    assert claim.created_at is not None and claim.updated_at is not None


def test_after_an_import_the_sequences_give_new_rows_free_ids():
    """Primary keys were taken from the sequences: what an editor adds next does not collide."""
    import_records(jsonl(GOOD))
    speaker = Claim.objects.get(slug="did-it").speaker
    claim = Claim.objects.create(slug="added-later", speaker=speaker, text="Added by hand.")
    assert claim.pk > max(Claim.objects.exclude(pk=claim.pk).values_list("pk", flat=True))
    claim.topics.add(*Claim.objects.get(slug="never-did-it").topics.all())
    Citation.objects.create(claim=claim, source=Source.objects.get(slug="wire-story"), quote="x")
    claim.text = "Edited by hand."
    claim.save()
    assert Claim.history.filter(id=claim.pk).count() == 3  # created, topics added, edited
    assert Citation.history.count() == 2


def test_rows_written_with_copy_move_the_public_data_version_on(monkeypatch):
    """COPY bypasses Django's cursor, and so the execute wrapper that sees every other write:
    the import moves the public page cache's version on itself."""
    from claims.write_watch import public_write_watcher
    from rust_tracker.caching import data_version

    default = connections["default"]
    default.ensure_connection()
    wrappers = [w for w in default.execute_wrappers if w is not public_write_watcher]
    monkeypatch.setattr(default, "execute_wrappers", wrappers)
    before, _changed = data_version()
    import_records(jsonl(GOOD))
    assert data_version()[0] > before


def test_the_quick_field_checks_find_what_clean_fields_finds():
    """The first pass skips ``Field.clean`` for values that plainly pass; the problems it
    reports are still exactly those of the model's ``clean_fields``, in the same order."""
    import datetime as dt
    import random

    from django.core.exceptions import ValidationError
    from django.db import models

    def clean_fields(spec, values) -> list[str]:
        model = spec.model
        plain = {k: v for k, v in values.items() if not model._meta.get_field(k).is_relation}
        exclude = [f.name for f in model._meta.get_fields() if f.name not in plain]
        try:
            model(**plain).clean_fields(exclude=exclude)
        except ValidationError as exc:
            return [f"{name}: {m}" for name, ms in exc.message_dict.items() for m in ms]
        return []

    texts = ["", "x", "x" * 121, "x" * 201, "x" * 301, "x" * 1001, "a\x00b", "Not-A-Slug"]
    texts += ["ok-slug", "a b", "http://a.example", "not a url", "published", "bogus", "day"]
    rng = random.Random(3)

    def pick(field):
        if isinstance(field, models.DateTimeField):
            return rng.choice([None, dt.datetime(2020, 1, 1, tzinfo=dt.UTC)])
        if isinstance(field, models.DateField):
            return rng.choice([None, dt.date(2020, 1, 1)])
        if field.get_internal_type() == "ArrayField":
            return rng.choice([[], ["a"], ["x" * 201], ["", "b"]])
        return rng.choice(texts)

    for record_type, spec in exchange.RECORD_TYPES.items():
        names = ["slug"] + [
            f.name for f in spec.fields if not f.ref and f.kind is not schema.CITATIONS
        ]
        for _ in range(300):
            values = {
                name: pick(spec.model._meta.get_field(name)) for name in names if rng.random() < 0.7
            }
            found: list[str] = []
            exchange_fields.check_model_fields(spec, values, found)
            assert found == clean_fields(spec, values), (record_type, values)


def _queries_to_import(data: bytes) -> int:
    """How many queries an import of ``data`` runs into this database, then undone."""
    _, sql = queries_run(lambda: import_records(data), undo=True)
    return len(sql)


def test_the_import_runs_as_many_queries_for_three_times_the_records():
    """Per batch, never per record: the published pairs' closing review reads only what the
    publishing rules read (a field it left out would be loaded pair by pair)."""
    small, large = synthetic_bytes(claims=40), synthetic_bytes(claims=120)
    assert large.count(b'"status": "published"') > 2 * small.count(b'"status": "published"')
    _queries_to_import(small)  # the COPY column types are read once per process
    assert _queries_to_import(large) == _queries_to_import(small)


def test_source_texts_larger_than_the_cache_are_read_in_one_query(django_assert_num_queries):
    """A batch citing more text than the cache holds reads its texts once, not again one
    query per source pushed out of the cache."""
    pks = [
        Source.objects.create(slug=f"big-{n}", title=f"Big {n}", text="x" * 100).pk
        for n in range(5)
    ]
    cache = exchange_write.TextCache(limit=150)
    with django_assert_num_queries(1):
        texts = cache.get_many(pks)
    assert texts == dict.fromkeys(pks, "x" * 100)


def test_a_citations_check_reads_its_choices_from_the_declaration():
    """The check's state is a CHOICE of the declaration like any other, bound to its model:
    the import does not keep a second copy of the choice check."""
    state = next(f for f in schema.CHECK if f.name == "verification_state")
    assert state.allowed == {value for value, _label in VerificationState.choices}
    with pytest.raises(schema.FieldError, match="'bogus' is not one of: unchecked, verbatim"):
        state.load("bogus")
