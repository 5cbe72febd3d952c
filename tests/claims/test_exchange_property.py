"""Property: the import names every bad line by its number, and a refused file changes nothing.

Lines are a small valid file followed by hostile lines: a valid record of any type with any
JSON value (any unicode, lone surrogates, deep lists, huge numbers) put in any of its fields,
fields left out, unknown fields, lines that are not objects, not JSON, or not UTF-8.
"""

import json

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from claims.exchange import (
    LONE_SURROGATE,
    RECORD_TYPES,
    SLUG_RE,
    ImportFailed,
    import_records,
    parse,
)
from tests.helpers import sample_records
from tests.property import ANY_CHARACTER, any_json, any_text, budget

pytestmark = pytest.mark.django_db

BASE = [r for r in sample_records() if r["type"] != "contradiction"]  # no pair
# A valid new record of each type, referring to the base file: the starting point of a
# hostile line.
TEMPLATES = {
    "outlet": {"name": "Another outlet", "homepage": "https://example.org"},
    "source": {"outlet": "wire", "title": "Another", "kind": "report", "text": "Words."},
    "speaker": {"name": "Other", "kind": "organization", "role": "", "misspellings": []},
    "topic": {"name": "Other topic", "description": ""},
    "claim": {
        "speaker": "someone",
        "kind": "paraphrase",
        "text": "It was not done.",
        "topics": ["doing-it"],
        "citations": [{"source": "wire-story", "quote": "never did it"}],
    },
    "contradiction": {
        "claim": "did-it",
        "counter": "never-did-it",
        "relation": "inconsistent",
        "explanation": "The other way round.",
        "status": "draft",
    },
    "correction": {"kind": "update", "published_on": "2022-01-01", "text": "Updated."},
}
FIELD_NAMES = sorted(
    {"type", "id", "x-unknown"} | {n for s in RECORD_TYPES.values() for n in s.names}
)


# Values that are nearly right: ids that exist, dates at the ends of the calendar.
EDGE_VALUES = [
    "",
    "wire",
    "did-it",
    "2021-12-02",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2021-12-03T10:00:00",
    "https://example.org/\ud800",
    10**300,
    -(2**63),
    1e308,
]


@st.composite
def hostile_record(draw, index: int):
    record_type = draw(st.sampled_from(sorted(TEMPLATES)))
    record = {"type": record_type, "id": f"hostile-{index}", **TEMPLATES[record_type]}
    for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=3)):
        if draw(st.booleans()) and name in record:
            del record[name]
        else:
            record[name] = draw(any_json | st.sampled_from(EDGE_VALUES))
    return record


@st.composite
def hostile_line(draw, index: int) -> tuple[bytes, bool]:
    """(the line's bytes, whether it is surely bad whatever the rules say)."""
    shape = draw(st.sampled_from(["record", "record", "record", "value", "text", "bytes"]))
    if shape == "bytes":
        raw = draw(st.binary(min_size=1, max_size=40)).replace(b"\n", b" ")  # one line
        return raw, _surely_bad_bytes(raw)
    if shape == "text":
        text = draw(st.text(ANY_CHARACTER, min_size=1, max_size=40))
        raw = text.encode("utf-8", "surrogatepass").replace(b"\n", b" ")
        return raw, _surely_bad_bytes(raw)
    value = draw(hostile_record(index)) if shape == "record" else draw(any_json)
    if draw(st.booleans()):
        raw = json.dumps(value).encode()  # surrogates as \ud800 escapes
    else:  # surrogates as raw (invalid) UTF-8 bytes
        raw = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return raw, _surely_bad_value(value)


def _surely_bad_bytes(raw: bytes) -> bool:
    try:
        text = raw.decode("utf-8").strip().lstrip("\ufeff")
    except UnicodeDecodeError:
        return True
    if not text:
        return False  # a blank line is skipped
    try:
        return _surely_bad_value(json.loads(text))
    except (ValueError, RecursionError):
        return True


def _surely_bad_value(value) -> bool:
    if not isinstance(value, dict) or value.get("type") not in list(RECORD_TYPES):
        return True
    slug = value.get("id")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        return True
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True  # a lone surrogate somewhere
    return False


def snapshot() -> dict[str, int]:
    """Rows in every table of the app, history included."""
    return {
        model._meta.label: model.objects.count()
        for app in ("claims", "sources")
        for model in apps.get_app_config(app).get_models()
    }


def jsonl(records) -> list[bytes]:
    return [json.dumps(r, ensure_ascii=False).encode() for r in records]


@budget(60)
@given(
    hostile=st.integers(min_value=1, max_value=3).flatmap(
        lambda n: st.tuples(*(hostile_line(i) for i in range(n)))
    )
)
def test_every_bad_line_is_named_and_nothing_changes(hostile):
    lines = jsonl(BASE) + [raw for raw, _ in hostile]
    first_hostile = len(BASE) + 1
    surely_bad = {first_hostile + i for i, (_, bad) in enumerate(hostile) if bad}
    with transaction.atomic():
        before = snapshot()
        try:
            import_records(b"\n".join(lines))
        except ImportFailed as failure:
            named = {error.line for error in failure.errors}
            assert named, "a refusal names a line"
            assert all(line >= first_hostile for line in named), failure.errors
            assert surely_bad <= named, (surely_bad, failure.errors)
            for error in failure.errors:
                assert str(error).startswith(f"line {error.line}: ")
                str(error).encode("utf-8")  # printable: no lone surrogate in the message
            assert snapshot() == before
        else:
            assert not surely_bad
        transaction.set_rollback(True)


@budget(60)
@given(value=any_json | any_text | st.binary(max_size=60))
def test_any_single_line_parses_or_is_named(value):
    """Any JSON value, any text (surrogates too), any bytes, as the only line of a file."""
    data = value if isinstance(value, bytes | str) else json.dumps(value)
    try:
        records = parse(data)
    except ImportFailed as failure:
        assert failure.errors
        assert all(error.line >= 1 for error in failure.errors)
        lines = data.splitlines() if isinstance(data, str) else data.split(b"\n")
        assert all(error.line <= len(lines) for error in failure.errors)
    else:
        assert len(records) <= 1


def test_an_escaped_lone_surrogate_is_a_named_line_not_a_crash():
    r"""Issue 11: ``"\ud800"`` in an import line crashed with a traceback and no line."""
    lines = [*jsonl(BASE), b'{"type": "topic", "id": "half", "name": "a\\ud800b"}']
    lines.append(b'{"type": "topic", "id": "key", "name": "k", "\\udfff": 1}')
    lines.append(
        b'{"type": "speaker", "id": "s", "name": "S", "kind": "person", "aliases": ["\\ud83d"]}'
    )
    with pytest.raises(ImportFailed) as failure:
        import_records(b"\n".join(lines))
    assert [str(error) for error in failure.value.errors] == [
        f"line 7: name: {LONE_SURROGATE}",
        f"line 8: a field name: {LONE_SURROGATE}",
        f"line 9: aliases[1]: {LONE_SURROGATE}",
    ]
    assert "half a character" in LONE_SURROGATE
    assert snapshot()["claims.Claim"] == 0


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"type": "topic", "id": "big", "name": ' + b"9" * 5000 + b"}", "bad JSON: Exceeds"),
        (b'{"type": ["topic"], "id": "t", "name": "T"}', "unknown type ['topic']"),
        (
            b'{"type": "source", "id": "s", "title": "S", "kind": "report", '
            b'"captured_at": "0001-01-01T00:00:00+01:00"}',
            "captured_at: '0001-01-01T00:00:00+01:00' is out of range",
        ),
        (
            b'{"type": "source", "id": "s", "title": "S", "kind": "report", '
            b'"captured_at": "9999-12-31T23:59:59-01:00"}',
            "captured_at: '9999-12-31T23:59:59-01:00' is out of range",
        ),
    ],
    ids=[
        "a number of 5,000 digits",
        "a list as the type",
        "a date-time before year 1 in UTC",
        "a date-time after year 9999 in UTC",
    ],
)
def test_other_crashes_found_by_the_properties_are_named_lines(line, reason):
    with pytest.raises(ImportFailed) as failure:
        import_records(b"\n".join([*jsonl(BASE), line]))
    (error,) = failure.value.errors
    assert str(error).startswith(f"line 7: {reason}")
