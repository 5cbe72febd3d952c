"""The exchange format, declared once.

Each record type: its fields in the order a line carries them (after ``type`` and ``id``), each
with its converter in (a JSON value read from a file → the value the model stores) and out (the
stored value → JSON), whether it is required, whether the public CSV/JSON exports show it, and
what an import does when a line leaves it out. Everything that reads or writes records reads
this declaration: the import and the export (claims/exchange/), the public exports
(claims/exports.py), the synthetic generator (tooling/synthetic.py) and the bench loader
(bench/bulk_load.py). Adding a field is one line here, plus a migration when the model lacks it.

Plain Python: nothing of Django is imported here (tooling/synthetic.py runs without it); a record
type's model, and the choices a field allows, are looked up from the models when first asked.

The editorial fields (status, an override's reason) travel between newsrooms but never in a
public export. The item's public history (when it was published, retracted and why, last
updated) travels too, and each citation's last check (what it found, when), so that a restore
shows readers what they read before it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any


class FieldError(ValueError):
    """A value a field cannot take; the message says why (the line and field are added)."""


def json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


# --- converters in (JSON → stored) and out (stored → JSON) ------------------------------------


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(f"must be a string, not {json_type(value)}")
    if "\x00" in value:
        raise FieldError("contains a NUL character (\\u0000), which cannot be stored")
    return value


def _optional_text(value: Any) -> str:
    return "" if value is None else _text(value)


def _text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError("must be a list of strings")
    return [_text(v) for v in value]


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise FieldError(f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise FieldError(f"{value!r} is not a valid date ({exc})") from None


def _iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"must be a string, not {json_type(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(f"{value!r} is not a date-time (2021-12-03T10:00:00Z)") from None
    if parsed.tzinfo is None:
        raise FieldError(f"{value!r} needs a time zone (end it with Z)")
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise FieldError(f"{value!r} is out of range") from None


def _iso_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(f"must be a number, not {json_type(value)}")
    if not math.isfinite(value):
        raise FieldError(f"{value!r} is not a finite number")
    return float(value)


def _offset(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FieldError(f"must be a whole number, 0 or more, not {value!r}")
    return value


def _flag(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise FieldError(f"must be true or false, not {json_type(value)}")
    return value


def _same(value: Any) -> Any:
    return value


def _sha256(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise FieldError(f"{str(value)[:80]!r} is not a SHA-256 digest (64 hex digits, lowercase)")
    return value


@dataclass(frozen=True)
class Kind:
    """What a field holds: how a value is read from a line (``load``, raising FieldError) and
    written to one (``dump``)."""

    name: str
    load: Callable[[Any], Any]
    dump: Callable[[Any], Any] = _same


TEXT = Kind("text", _text)
OPTIONAL_TEXT = Kind("optional text", _optional_text)
TEXT_LIST = Kind("list of text", _text_list)
DATE = Kind("date", _date, _iso_date)
DATETIME = Kind("date-time", _datetime, _iso_datetime)
NUMBER = Kind("number", _number)
OFFSET = Kind("offset in a text", _offset)
FLAG = Kind("true/false", _flag)
CHOICE = Kind("one of the model field's choices", _same)  # checked against them by Field.load
REF = Kind("an id", _same)
SHA256 = Kind("SHA-256 digest", _sha256)
CITATIONS = Kind("citations", _same)  # a list of CITATION objects
CAPTURES = Kind("captures", _same)  # a list of CAPTURE objects

# What an import does with a field a line leaves out (or gives as null).
DEFAULT = "default"  # the model's default (an optional text: "")
KEEP = "keep"  # an existing record keeps its own; a new one takes the model's default
# The first value stands: an existing record keeps the date it has; else the line's date, else
# now when the line's status is ``Field.stamp_on`` (a publication the file does not date).
FIRST = "first"
# When the record changed: a new record takes the line's date (else now), a changed one now;
# never compared, so a line differing only here changes nothing.
TOUCHED = "touched"


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = False
    public: bool = True  # a column of the public CSV/JSON exports (which list published items)
    ref: str | None = None  # the record type an id refers to (kind REF)
    many: bool = False  # a list of ids
    absent: str = DEFAULT  # see DEFAULT, KEEP, FIRST, TOUCHED
    stamp_on: str | None = None  # with FIRST: the status that dates it
    omit_empty: bool = False  # the export leaves it out when empty (rare fields)
    record_type: str = ""  # set by RecordType
    model_label: str = ""  # a field outside a record type (a citation's check): its model
    # a value read from a related record (a citation's capture, named by its digest: the
    # export reads ``capture.sha256``; the import finds the capture of the cited source)
    read_as: str = ""

    @property
    def model(self):
        if self.model_label:
            from django.apps import apps

            return apps.get_model(self.model_label)
        return RECORD_TYPES[self.record_type].model

    @property
    def attname(self) -> str:
        """The model attribute holding the stored value (a reference's column: ``speaker_id``)."""
        return f"{self.name}_id" if self.ref and not self.many else self.name

    @cached_property
    def allowed(self) -> frozenset[str] | None:
        """A CHOICE field's values, read from the model field's choices."""
        if self.kind is not CHOICE:
            return None
        field = self.model._meta.get_field(self.name)
        return frozenset(str(value) for value, _label in field.flatchoices)

    def load(self, value: Any) -> Any:
        allowed = self.allowed
        if allowed is not None and (not isinstance(value, str) or value not in allowed):
            choices = self.model._meta.get_field(self.name).choices
            raise FieldError(f"{value!r} is not one of: {', '.join(v for v, _ in choices)}")
        return self.kind.load(value)

    def dump(self, value: Any) -> Any:
        return self.kind.dump(value)


def ref(name: str, record_type: str, **options) -> Field:
    return Field(name, REF, ref=record_type, **options)


@dataclass(frozen=True)
class RecordType:
    name: str
    model_label: str  # "app_label.ModelName"
    fields: tuple[Field, ...]

    def __post_init__(self):  # each field knows its type (a CHOICE reads its model's choices)
        bound = tuple(replace(f, record_type=self.name) for f in self.fields)
        object.__setattr__(self, "fields", bound)

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        return self._by_name[name]

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_label)


# The public history of a published item: the public reads these dates on its page, in feeds,
# the sitemap and on a retraction's notice (who published it is the newsroom's, not exported).
PUBLISHED_AT = Field("published_at", DATETIME, absent=FIRST, stamp_on="published", omit_empty=True)
UPDATED_AT = Field("updated_at", DATETIME, absent=TOUCHED, omit_empty=True)
RETRACTION = (
    # read on the item's retraction notice; not columns of the public lists, which hold
    # published items only
    Field(
        "retracted_at", DATETIME, public=False, absent=FIRST, stamp_on="retracted", omit_empty=True
    ),
    Field("retraction_reason", OPTIONAL_TEXT, public=False, absent=KEEP, omit_empty=True),
)
STATUS = Field("status", CHOICE, public=False, absent=KEEP)
OVERRIDE_REASON = Field(
    "override_reason", OPTIONAL_TEXT, public=False, absent=KEEP, omit_empty=True
)
CASES = ref("cases", "case", many=True, absent=KEEP)

# A quote's last check against its source's archived text, as a citation's badge shows it: what
# the check found (the state, the score, the passage's offsets, whether the words were lost when
# the text was replaced) and when. An import checks every quote it writes again: the file's date
# stands when that check finds the same state, score, offsets and drift as the file says (a
# restore of an untouched backup), else the check is dated when it ran (claims/exchange/write.py).
# The offsets are the check's hint too: of a quote printed twice, the one the file found.
CHECK: tuple[Field, ...] = (
    Field("verification_state", CHOICE, omit_empty=True, model_label="claims.Citation"),
    Field("verification_score", NUMBER, omit_empty=True),
    Field("anchor_start", OFFSET, omit_empty=True),
    Field("anchor_end", OFFSET, omit_empty=True),
    Field("drifted", FLAG, omit_empty=True),  # written when true
    Field("verified_at", DATETIME, omit_empty=True),
    # the capture of the source the check was made in, by its sha256: the current one, or for
    # a drifted citation ("changed since") the earlier one that still prints the words
    Field("capture", SHA256, omit_empty=True, read_as="capture.sha256"),
)

# A source's captures (sources.Capture), in the order they were taken into the database (the
# last one in use is the source's current text): each an object of these fields. Restore-grade:
# a superseded capture travels with its text, so the export is for the newsroom (export_jsonl,
# backups), never a public export (a public page lists a superseded capture by its reason
# only). Who took or superseded one, and the original bytes (WARC), do not travel. ``text`` is
# left out when it is the source line's own ``text`` (its current capture: the file does not
# carry it twice). An import adds the captures a source lacks, matched by sha256 and
# ``taken_at``, and never changes one it has; a line without ``captures`` (a file from before
# captures were kept) makes the source's text its first capture, "imported", dated
# ``captured_at``; the source's text stays its current text (a capture of it is added when
# the last capture in use is not it).
CAPTURE: tuple[Field, ...] = (
    Field("taken_at", DATETIME, required=True, model_label="sources.Capture"),
    Field("how", CHOICE, required=True, model_label="sources.Capture"),
    Field("sha256", SHA256, required=True, model_label="sources.Capture"),
    Field("text", TEXT, omit_empty=True, model_label="sources.Capture"),
    Field("url", OPTIONAL_TEXT, omit_empty=True, model_label="sources.Capture"),
    Field("superseded_at", DATETIME, omit_empty=True, model_label="sources.Capture"),
    Field("superseded_reason", OPTIONAL_TEXT, omit_empty=True, model_label="sources.Capture"),
)

# A claim's citations: each an object of these fields (the quote as that source printed it, then
# its last check).
CITATION: tuple[Field, ...] = (
    ref("source", "source", required=True),
    Field("quote", TEXT, required=True),
    Field("note", OPTIONAL_TEXT),
    *CHECK,
)

RECORD_TYPES: dict[str, RecordType] = {
    t.name: t
    for t in (
        RecordType(
            "outlet",
            "sources.Outlet",
            (Field("name", TEXT, required=True), Field("homepage", OPTIONAL_TEXT)),
        ),
        RecordType(
            "source",
            "sources.Source",
            (
                ref("outlet", "outlet"),
                Field("title", TEXT, required=True),
                Field("kind", CHOICE, required=True),
                Field("url", OPTIONAL_TEXT),
                Field("archive_url", OPTIONAL_TEXT),
                Field("published_on", DATE),
                Field("author", OPTIONAL_TEXT),
                Field("text", OPTIONAL_TEXT),
                Field("captured_at", DATETIME),
                Field("captures", CAPTURES, public=False, absent=KEEP),
                UPDATED_AT,
            ),
        ),
        RecordType(
            "speaker",
            "claims.Speaker",
            (
                Field("name", TEXT, required=True),
                Field("kind", CHOICE, required=True),
                Field("role", OPTIONAL_TEXT),
                Field("aliases", TEXT_LIST),
                Field("misspellings", TEXT_LIST),
            ),
        ),
        RecordType(
            "topic",
            "claims.Topic",
            (Field("name", TEXT, required=True), Field("description", OPTIONAL_TEXT)),
        ),
        RecordType(
            "case",
            "claims.Case",
            (
                Field("title", TEXT, required=True),
                Field("summary", OPTIONAL_TEXT),
                # the desk's working list of documents (Case.sources): the newsroom's, never in
                # a public export; a file without it keeps the list a case has
                ref("sources", "source", many=True, public=False, absent=KEEP),
                STATUS,
                PUBLISHED_AT,
                UPDATED_AT,
            ),
        ),
        RecordType(
            "claim",
            "claims.Claim",
            (
                ref("speaker", "speaker", required=True),
                Field("kind", CHOICE, required=True),
                Field("text", TEXT, required=True),
                Field("summary", OPTIONAL_TEXT),
                Field("said_on", DATE),
                Field("said_on_precision", CHOICE),
                Field("venue", OPTIONAL_TEXT),
                Field("context", OPTIONAL_TEXT),
                # Claim.topic_pks (derived, not in the format) follows this list, kept by the
                # database's triggers (claims/migrations/0010, 0014). The one derived column with
                # a second writer: the import writes it for the claims it creates, in their COPY
                # (claims/exchange/write.py, ClaimHooks), because the triggers alone would write
                # each new claim's row twice (20,000 claims: the import about a fifth slower).
                # The triggers still run after the list's COPY and correct a value that differs.
                ref("topics", "topic", many=True),
                STATUS,
                CASES,
                OVERRIDE_REASON,
                Field("citations", CITATIONS),
                PUBLISHED_AT,
                *RETRACTION,
                UPDATED_AT,
            ),
        ),
        RecordType(
            "contradiction",
            "claims.Contradiction",
            (
                ref("claim", "claim", required=True),
                ref("counter", "claim", required=True),
                Field("relation", CHOICE, required=True),
                Field("title", OPTIONAL_TEXT),
                Field("explanation", TEXT, required=True),
                STATUS,
                CASES,
                OVERRIDE_REASON,
                PUBLISHED_AT,
                *RETRACTION,
                UPDATED_AT,
            ),
        ),
        RecordType(
            "correction",
            "claims.Correction",
            (
                Field("kind", CHOICE),
                Field("published_on", DATE, required=True),
                Field("text", TEXT, required=True),
                ref("claim", "claim"),
                ref("contradiction", "contradiction"),
            ),
        ),
    )
}

# The order of types in a file: each refers only to types before it.
TYPE_ORDER: tuple[str, ...] = tuple(RECORD_TYPES)

# Each type's field names, in the order a line carries them.
FIELDS: dict[str, tuple[str, ...]] = {name: t.names for name, t in RECORD_TYPES.items()}

# Each type's fields never in a public export (the workflow's: status, an override's reason; a
# case's working list of sources; a source's captures, superseded ones with their texts). By
# type: a name editorial in one type (a case's ``sources``) may be a public column of another
# (the sources a claim cites).
EDITORIAL: dict[str, frozenset[str]] = {
    name: frozenset(f.name for f in t.fields if not f.public) for name, t in RECORD_TYPES.items()
}

CITATION_FIELDS: tuple[str, ...] = tuple(f.name for f in CITATION)
CAPTURE_FIELDS: tuple[str, ...] = tuple(f.name for f in CAPTURE)


def public_fields(record_type: str, *, leave_out: tuple[str, ...] = ()) -> list[str]:
    """A type's fields a public export shows, in the exchange order."""
    return [
        f.name for f in RECORD_TYPES[record_type].fields if f.public and f.name not in leave_out
    ]


def line(record_type: str, record_id: str, **values: Any) -> dict[str, Any]:
    """A record as a line holds it: ``type``, ``id``, then the given fields in the declared
    order (a name the type does not declare is a TypeError: a writer of files cannot drift
    from the format). Values are as a file carries them (ids, ISO dates)."""
    spec = RECORD_TYPES[record_type]
    unknown = values.keys() - spec._by_name.keys()
    if unknown:
        raise TypeError(f"{record_type} has no field {', '.join(sorted(unknown))}")
    return {
        "type": record_type,
        "id": record_id,
        **{name: values[name] for name in spec.names if name in values},
    }
