"""The JSON Lines exchange format: all or nothing, idempotent, byte-identical round trip."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.exchange import ImportFailed, dumps, export_records, import_records
from claims.models import Citation, Claim, Contradiction, Correction, Speaker, Topic
from sources.models import Outlet, Source
from tests.conftest import DEMO
from tests.helpers import GOOD, jsonl

pytestmark = pytest.mark.django_db


def export_bytes() -> bytes:
    return "".join(dumps(r) + "\n" for r in export_records()).encode()


def counts():
    return [m.objects.count() for m in (Outlet, Source, Speaker, Claim, Citation, Contradiction)]


def test_import_creates_records_and_verifies_citations():
    report = import_records(jsonl(GOOD))
    assert (report.created, report.updated, report.unchanged) == (len(GOOD), 0, 0)
    citation = Citation.objects.get()
    assert citation.verification_state == "verbatim"
    assert citation.anchor_exact == "I never did it,"
    assert citation.anchor_start == "He said: “".__len__()
    assert Source.objects.get().sha256 == Source.digest(GOOD[1]["text"])


def test_import_is_idempotent_down_to_history():
    import_records(jsonl(GOOD))
    before = export_bytes()
    history = Claim.history.count() + Citation.history.count() + Source.history.count()
    report = import_records(jsonl(GOOD))
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(GOOD))
    assert export_bytes() == before
    assert Claim.history.count() + Citation.history.count() + Source.history.count() == history


def test_reimport_applies_changes_and_drops_citations_no_longer_listed():
    import_records(jsonl(GOOD))
    changed = [dict(r) for r in GOOD]
    changed[4] = {
        **changed[4],
        "kind": "paraphrase",  # a quoted statement is never published without its source
        "text": "I never, ever did it.",
        "citations": [],
    }
    report = import_records(jsonl(changed))
    assert report.updated == 1
    claim = Claim.objects.get(slug="never-did-it")
    assert claim.text == "I never, ever did it."
    assert not claim.citations.exists()


def test_round_trip_of_the_demo_is_byte_identical():
    import_records(DEMO.read_bytes())
    first = export_bytes()
    for model in (Correction, Contradiction, Citation, Claim, Speaker, Topic, Source, Outlet):
        model.objects.all().delete()
    assert counts() == [0] * 6
    import_records(first)
    assert export_bytes() == first


def test_export_command_writes_stdout_and_file(tmp_path):
    import_records(jsonl(GOOD))
    out = io.StringIO()
    call_command("export_jsonl", stdout=out)
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["type"] for line in lines] == [
        "outlet", "source", "speaker", "topic", "claim", "claim", "contradiction",
    ]  # fmt: skip
    target = tmp_path / "out.jsonl"
    call_command("export_jsonl", str(target))
    assert target.read_text(encoding="utf-8").splitlines() == lines


def test_import_command_reports_counts(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(jsonl(GOOD))
    out = io.StringIO()
    call_command("import_jsonl", str(path), stdout=out)
    assert f"Imported {len(GOOD)} records" in out.getvalue()


def with_line(records, index, line: str) -> bytes:
    lines = jsonl(records).decode().splitlines()
    lines.insert(index, line)
    return ("\n".join(lines) + "\n").encode()


def replaced(index, **changes) -> list[dict]:
    records = [dict(r) for r in GOOD]
    records[index] = {**records[index], **changes}
    return records


BAD_INPUTS = {
    "bad JSON": (with_line(GOOD, 2, '{"type": "speaker", "id": '), 3, "bad JSON"),
    "not an object": (with_line(GOOD, 1, "[1, 2]"), 2, "expected a JSON object"),
    "unknown type": (
        with_line(GOOD, 3, '{"type": "speeker", "id": "x", "name": "X"}'),
        4,
        "unknown type 'speeker'",
    ),
    "missing reference": (
        jsonl(replaced(4, speaker="nobody")),
        5,
        "speaker: speaker 'nobody' is not defined on an earlier line",
    ),
    "reference to a later line": (
        jsonl([GOOD[2], GOOD[3], GOOD[4], GOOD[0], GOOD[1]]),
        3,
        "source 'wire-story' is not defined on an earlier line",
    ),
    "duplicate id": (
        with_line(GOOD, 3, json.dumps(GOOD[2])),
        4,
        "duplicate id: speaker 'someone' already appears on an earlier line",
    ),
    "bad date": (jsonl(replaced(4, said_on="2021-13-02")), 5, "said_on: '2021-13-02'"),
    "date in another format": (jsonl(replaced(4, said_on="02.12.21")), 5, "is not a date"),
    "wrong field type": (jsonl(replaced(2, aliases="Baldwin")), 3, "aliases: must be a list"),
    "number for text": (jsonl(replaced(4, text=42)), 5, "text: must be a string, not a number"),
    "unknown choice": (jsonl(replaced(4, kind="rumour")), 5, "kind: 'rumour' is not one of"),
    "missing required field": (jsonl(replaced(2, name="")), 3, "name: is required"),
    "bad slug": (jsonl(replaced(0, id="Not A Slug")), 1, "is not a slug"),
    "claim paired with itself": (
        jsonl(replaced(6, counter="never-did-it")),
        7,
        "claim and counter are the same claim",
    ),
    "bad URL": (jsonl(replaced(1, url="not a url")), 2, "url: Enter a valid URL"),
    "citation of an unknown source": (
        jsonl(replaced(4, citations=[{"source": "nowhere", "quote": "x"}])),
        5,
        "citations[1].source",
    ),
    "non-UTF-8 line": (with_line(GOOD, 2, "").replace(b"\n\n", b"\n\xff\xfe\n"), 3, "not UTF-8"),
    **{
        f"citation's check: {name} {value!r}": (
            jsonl(replaced(4, citations=[{**GOOD[4]["citations"][0], name: value}])),
            5,
            f"citations[1].{name}: {reason}",
        )
        for name, value, reason in (
            ("verification_state", "sure", "'sure' is not one of: unchecked, verbatim"),
            ("verification_score", "100", "must be a number, not a string"),
            ("anchor_start", -1, "must be a whole number, 0 or more, not -1"),
            ("anchor_end", 2.5, "must be a whole number, 0 or more, not 2.5"),
            ("drifted", "yes", "must be true or false, not a string"),
            ("verified_at", "yesterday", "'yesterday' is not a date-time"),
            ("verified_at", "2020-05-06T07:08:09", "'2020-05-06T07:08:09' needs a time zone"),
        )
    },
}


@pytest.mark.parametrize("case", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_line_is_reported_and_nothing_is_written(case):
    data, line, reason = case
    with pytest.raises(ImportFailed) as failure:
        import_records(data)
    messages = [str(e) for e in failure.value.errors]
    assert any(m.startswith(f"line {line}:") and reason in m for m in messages), messages
    assert counts() == [0] * 6


def test_every_bad_line_is_reported_at_once():
    data = jsonl([GOOD[0], {"type": "nope", "id": "a"}, GOOD[2], {"type": "topic", "id": "T"}])
    with pytest.raises(ImportFailed) as failure:
        import_records(data)
    assert [e.line for e in failure.value.errors] == [2, 4]


def test_a_reference_to_a_rejected_line_names_that_line():
    """A line rejected early: the lines that refer to it say so, not that its id is undefined."""
    bad_speaker = {**GOOD[2], "name": ""}
    bad_source = {**GOOD[1], "published_on": "yesterday"}
    data = jsonl([GOOD[0], bad_source, bad_speaker, *GOOD[3:]])
    with pytest.raises(ImportFailed) as failure:
        import_records(data)
    assert [str(e) for e in failure.value.errors] == [
        "line 2: published_on: 'yesterday' is not a date (YYYY-MM-DD)",
        "line 3: name: is required",
        "line 5: speaker: refers to speaker 'someone' on line 3, which was rejected",
        "line 5: citations[1].source: refers to source 'wire-story' on line 2, which was rejected",
        "line 6: speaker: refers to speaker 'someone' on line 3, which was rejected",
        "line 7: claim: refers to claim 'never-did-it' on line 5, which was rejected",
        "line 7: counter: refers to claim 'did-it' on line 6, which was rejected",
    ]
    assert counts() == [0] * 6


def test_the_command_names_the_rejected_line_a_reference_points_to(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(jsonl([GOOD[0], GOOD[1], {**GOOD[2], "kind": "robot"}, *GOOD[3:]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="bad line"):
        call_command("import_jsonl", str(path), stderr=err)
    assert "line 5: speaker: refers to speaker 'someone' on line 3, which was rejected" in (
        err.getvalue()
    )
    assert "is not defined on an earlier line" not in err.getvalue()


def test_failed_import_leaves_existing_data_untouched():
    import_records(jsonl(GOOD))
    before = export_bytes()
    with pytest.raises(ImportFailed):
        import_records(jsonl(replaced(4, text="Changed", said_on="yesterday")))
    assert export_bytes() == before


def test_import_command_exits_non_zero_with_every_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(with_line(GOOD, 1, "{oops"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 bad line"):
        call_command("import_jsonl", str(path), stderr=err)
    assert "line 2: bad JSON" in err.getvalue()
    assert counts() == [0] * 6


def test_import_command_on_a_missing_file():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_jsonl", "/nonexistent/file.jsonl")


def test_import_stamps_first_publication_and_keeps_it():
    import_records(jsonl(GOOD))
    claim = Claim.objects.get(slug="never-did-it")
    first = claim.published_at
    assert first is not None
    retracted = replaced(4, status="retracted")
    retracted[6] = {**retracted[6], "status": "retracted"}
    import_records(jsonl(retracted))
    import_records(jsonl(GOOD))
    claim.refresh_from_db()
    assert claim.published_at == first


def test_drafts_have_no_publication_date():
    import_records(jsonl(replaced(6, status="draft")))
    assert Contradiction.objects.get().published_at is None


def test_nul_characters_and_deep_nesting_are_bad_lines_not_crashes():
    records = [*replaced(2, aliases=["Bald\x00win"])[:4], {**GOOD[4], "text": "a\x00b"}]
    data = with_line(records, 2, "[" * 100_000)
    with pytest.raises(ImportFailed) as failure:
        import_records(data)
    messages = [str(e) for e in failure.value.errors]
    assert any(m.startswith("line 3:") and "bad JSON: nested too deeply" in m for m in messages)
    assert any(m.startswith("line 4:") and "aliases: contains a NUL" in m for m in messages)
    assert any(m.startswith("line 6:") and "text: contains a NUL" in m for m in messages)
    assert counts() == [0] * 6


def test_a_new_snapshot_on_import_re_anchors_and_flags_drift():
    import_records(jsonl(GOOD))
    citation = Citation.objects.get()
    moved = replaced(1, text="Correction appended above.\n\n" + GOOD[1]["text"])
    report = import_records(jsonl(moved))
    citation.refresh_from_db()
    assert (report.drifted, citation.verification_state, citation.drifted) == (0, "verbatim", False)
    assert citation.anchor_start == len("Correction appended above.\n\n") + len("He said: “")
    gone = replaced(1, text="He declined to comment.")
    for line in (4, 6):  # lines that leave "status" out keep it; they do not publish anew
        gone[line] = {k: v for k, v in gone[line].items() if k != "status"}
    report = import_records(jsonl(gone))
    citation.refresh_from_db()
    assert report.drifted == 1
    # each text is a capture: the words gone from the newest, the check stands in the one that
    # printed them, "changed since" (as a text replaced in the admin)
    first, moved_capture, gone_capture = Source.objects.get(slug="wire-story").captures.all()
    assert [c.how for c in (first, moved_capture, gone_capture)] == ["imported"] * 3
    assert gone_capture.text == "He declined to comment."
    assert (citation.verification_state, citation.drifted) == ("verbatim", True)
    assert citation.capture == moved_capture


def test_topic_changes_are_kept_in_history():
    import_records(jsonl(GOOD))
    import_records(jsonl([*GOOD[:4], {**GOOD[4], "topics": []}, *GOOD[5:]]))
    versions = Claim.history.filter(slug="never-did-it").order_by("history_date")
    assert [[t.topic.slug for t in v.topics.all()] for v in versions][-2:] == [["doing-it"], []]


def test_re_verifying_adds_no_history():
    import_records(jsonl(GOOD))
    before = Citation.history.count()
    call_command("verify_quotes", "--no-progress", stdout=io.StringIO())
    assert Citation.history.count() == before


# --- a citation's last check ------------------------------------------------------------------

CHECKED = dt.datetime(2020, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
QUOTED_AT = len("He said: “")  # where GOOD's source prints the quote


def emptied() -> None:
    for model in (Correction, Contradiction, Citation, Claim, Speaker, Topic, Source, Outlet):
        model.objects.all().delete()


def with_check(**check) -> list[dict]:
    """GOOD, its citation carrying a last check as a file says it."""
    return replaced(4, citations=[{**GOOD[4]["citations"][0], **check}])


# what the import's check finds of GOOD's quote, as a line says it
FOUND = {
    "verification_state": "verbatim",
    "verification_score": 100.0,
    "anchor_start": QUOTED_AT,
    "anchor_end": QUOTED_AT + len("I never did it,"),
}


def test_a_citations_last_check_travels_and_a_restore_keeps_its_date():
    """What the badge shows ("Verbatim, score 100, checked 6 May 2020") is on the line; a
    restore checks the quote again, finds the same, and keeps the check's date."""
    import_records(jsonl(GOOD))
    Citation.objects.update(verified_at=CHECKED)
    (line,) = [r for r in export_records() if r["id"] == "never-did-it"]
    assert line["citations"] == [
        {
            "source": "wire-story",
            "quote": "I never did it,",
            "note": "",
            **FOUND,
            "verified_at": "2020-05-06T07:08:09Z",
            # checked in the source's capture, named by its digest
            "capture": Source.digest(GOOD[1]["text"]),
        }
    ]
    first = export_bytes()

    emptied()
    report = import_records(first, restore=True)
    assert report.verified == 1
    assert Citation.objects.get().verified_at == CHECKED
    assert export_bytes() == first
    # the same file again: nothing changes, not even the date
    again = import_records(first)
    assert again.unchanged == again.total and Citation.objects.get().verified_at == CHECKED


@pytest.mark.parametrize(
    "check",
    [
        pytest.param({**FOUND, "anchor_start": 0}, id="elsewhere in the text"),
        pytest.param({**FOUND, "verification_state": "normalized"}, id="another state"),
        pytest.param({**FOUND, "verification_score": 99.5}, id="another score"),
        pytest.param({**FOUND, "drifted": True}, id="drifted, but the words are there"),
        pytest.param({}, id="a date and nothing it found"),
        pytest.param({**FOUND, "verified_at": "2999-01-01T00:00:00Z"}, id="a date to come"),
    ],
)
def test_a_check_the_import_does_not_find_again_is_dated_when_the_import_checks(check):
    """Something changed (the text, the quote, the checker) or the file says too little: the
    date shown is the import's, whose check found what the badge now says."""
    before = dt.datetime.now(dt.UTC)
    import_records(jsonl(with_check(**{"verified_at": "2020-05-06T07:08:09Z", **check})))
    citation = Citation.objects.get()
    assert (citation.verification_state, citation.anchor_start) == ("verbatim", QUOTED_AT)
    assert before <= citation.verified_at <= dt.datetime.now(dt.UTC)


def test_a_file_without_checks_is_checked_and_dated_by_the_import():
    before = dt.datetime.now(dt.UTC)
    import_records(jsonl(with_check(**FOUND)))  # no date: nothing to keep
    assert Citation.objects.get().verified_at >= before


def test_of_a_quote_printed_twice_a_restore_finds_the_one_the_file_found():
    """The file's offsets are the check's hint: the passage the links point at stays."""
    text = "He said: “I never did it,” and left. Asked again: “I never did it,” he said."
    second = text.rindex("I never did it,")
    records = replaced(1, text=text)
    records[4] = with_check()[4]
    import_records(jsonl(records))
    assert Citation.objects.get().anchor_start == QUOTED_AT  # the first, found without a hint
    Citation.objects.update(anchor_start=second, anchor_end=second + 15, verified_at=CHECKED)
    first = export_bytes()
    emptied()
    import_records(first, restore=True)
    citation = Citation.objects.get()
    assert (citation.anchor_start, citation.verified_at) == (second, CHECKED)
    assert export_bytes() == first


def test_a_drifted_citation_stays_drifted_through_a_restore():
    """Its words were lost when its source's text was replaced: the claim page says so, before
    and after a restore, with the date of the check that lost them."""
    import_records(jsonl(GOOD))
    gone = replaced(1, text="He declined to comment.")
    for line in (4, 6):  # lines that leave "status" out keep it; they do not publish anew
        gone[line] = {k: v for k, v in gone[line].items() if k != "status"}
    import_records(jsonl(gone))
    Citation.objects.update(verified_at=CHECKED)
    (line,) = [r for r in export_records() if r["id"] == "never-did-it"]
    # still verified in the capture that printed the words, "changed since"
    assert line["citations"][0]["drifted"] is True
    assert line["citations"][0]["verification_state"] == "verbatim"
    assert line["citations"][0]["capture"] == Source.digest(GOOD[1]["text"])
    (source,) = [r for r in export_records() if r["type"] == "source"]
    assert [c["sha256"] for c in source["captures"]] == [
        Source.digest(GOOD[1]["text"]),
        Source.digest("He declined to comment."),
    ]
    assert "text" in source["captures"][0] and "text" not in source["captures"][1]
    checked_in = Citation.objects.get().capture.taken_at
    first = export_bytes()
    emptied()
    import_records(first, restore=True)
    citation = Citation.objects.get()
    assert (citation.drifted, citation.verified_at) == (True, CHECKED)
    assert (citation.verification_state, citation.capture.taken_at) == ("verbatim", checked_in)
    assert citation.capture.text == GOOD[1]["text"]
    assert export_bytes() == first
