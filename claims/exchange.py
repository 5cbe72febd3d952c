"""The JSON Lines exchange format: import (validate everything, then write in one
transaction) and export (deterministic, so export → import → export is byte-identical).

One JSON object per line; ``type`` says what it is, ``id`` is the record's slug, and
references use ids of records on earlier lines (or already in the database).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
)
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from claims import publishing, schema
from claims.models import (
    Case,
    Citation,
    Claim,
    ClaimKind,
    Contradiction,
    Correction,
    CorrectionKind,
    DatePrecision,
    Relation,
    Speaker,
    SpeakerKind,
    Status,
    Topic,
)
from claims.services import (
    ANCHOR_FIELDS,
    first_published_at,
    reanchor_citations,
    verify_citation,
)
from claims.signals import public_data_written
from sources.models import Outlet, Source, SourceKind

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LINE_BYTES = 10 * 1024 * 1024


# --- field kinds --------------------------------------------------------------------------


class FieldError(ValueError):
    pass


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError(f"must be a string, not {_json_type(value)}")
    if "\x00" in value:
        raise FieldError("contains a NUL character (\\u0000), which cannot be stored")
    return value


def _opt_str(value: Any) -> str:
    return "" if value is None else _str(value)


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError("must be a list of strings")
    return [_str(v) for v in value]


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise FieldError(f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise FieldError(f"{value!r} is not a valid date ({exc})") from None


def _required_date(value: Any) -> dt.date:
    if value is None:
        raise FieldError("is required")
    return _date(value)


def _datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"must be a string, not {_json_type(value)}")
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


def _choice(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    allowed_values = frozenset(choices.values)

    def convert(value: Any) -> str:
        if not isinstance(value, str) or value not in allowed_values:
            allowed = ", ".join(choices.values)
            raise FieldError(f"{value!r} is not one of: {allowed}")
        return value

    return convert


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


@dataclass(frozen=True)
class Ref:
    """A reference to another record by id."""

    type: str
    many: bool = False
    optional: bool = False


@dataclass(frozen=True)
class RecordType:
    model: type[models.Model]
    fields: dict[str, Any]  # exchange name -> converter or Ref
    required: tuple[str, ...]
    model_fields: dict[str, str] = field(default_factory=dict)  # exchange name -> model field


RECORD_TYPES: dict[str, RecordType] = {
    "outlet": RecordType(Outlet, {"name": _str, "homepage": _opt_str}, ("name",)),
    "source": RecordType(
        Source,
        {
            "outlet": Ref("outlet", optional=True),
            "title": _str,
            "kind": _choice(SourceKind),
            "url": _opt_str,
            "archive_url": _opt_str,
            "published_on": _date,
            "author": _opt_str,
            "text": _opt_str,
            "captured_at": _datetime,
        },
        ("title", "kind"),
    ),
    "speaker": RecordType(
        Speaker,
        {
            "name": _str,
            "kind": _choice(SpeakerKind),
            "role": _opt_str,
            "aliases": _str_list,
            "misspellings": _str_list,
        },
        ("name", "kind"),
    ),
    "topic": RecordType(Topic, {"name": _str, "description": _opt_str}, ("name",)),
    "case": RecordType(
        Case, {"title": _str, "summary": _opt_str, "status": _choice(Status)}, ("title",)
    ),
    "claim": RecordType(
        Claim,
        {
            "speaker": Ref("speaker"),
            "kind": _choice(ClaimKind),
            "text": _str,
            "summary": _opt_str,
            "said_on": _date,
            "said_on_precision": _choice(DatePrecision),
            "venue": _opt_str,
            "context": _opt_str,
            "topics": Ref("topic", many=True),
            "status": _choice(Status),
            "cases": Ref("case", many=True),
            "override_reason": _opt_str,
            "citations": "citations",
        },
        ("speaker", "kind", "text"),
    ),
    "contradiction": RecordType(
        Contradiction,
        {
            "claim": Ref("claim"),
            "counter": Ref("claim"),
            "relation": _choice(Relation),
            "title": _opt_str,
            "explanation": _str,
            "status": _choice(Status),
            "cases": Ref("case", many=True),
            "override_reason": _opt_str,
        },
        ("claim", "counter", "relation", "explanation"),
    ),
    "correction": RecordType(
        Correction,
        {
            "kind": _choice(CorrectionKind),
            "published_on": _required_date,
            "text": _str,
            "claim": Ref("claim", optional=True),
            "contradiction": Ref("contradiction", optional=True),
        },
        ("published_on", "text"),
    ),
}
# The field lists are the schema's (claims/schema.py), which the public exports read too.
assert {name: tuple(spec.fields) for name, spec in RECORD_TYPES.items()} == schema.FIELDS
TYPE_ORDER = list(schema.TYPE_ORDER)
# Fields a line may leave out to keep what the database holds: re-importing a claim without
# "status" never demotes a published claim to draft, nor drops an editor's override reason,
# and a file from before cases existed leaves the cases an item was put in.
KEEP_WHEN_ABSENT = {"status", "override_reason", "cases"}

# --- import -------------------------------------------------------------------------------
#
# Two streaming passes over the file, in constant memory (what is kept between lines: the ids
# seen so far, and in the second pass a map from id to primary key):
#
# 1. validate every line (nothing is written): every bad line is reported by number;
# 2. write, in one transaction, in batches of consecutive lines of one type (a line refers
#    only to earlier lines, never to a line of its own type): one query per batch finds the
#    records already in the database, new ones are written with COPY (with their citations,
#    list references and history rows: see "COPY" below), changed ones with bulk_update,
#    citations verified against their sources' texts (each text read once while it is in the
#    cache), the publishing rules checked by line; then ANALYZE.

BATCH = 2000
TEXT_CACHE_BYTES = 64 * 1024 * 1024
ANALYZE_AFTER_ROWS = 1000  # a smaller import leaves the statistics to autovacuum


@dataclass
class LineError:
    line: int
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}"


class ImportFailed(Exception):
    def __init__(self, errors: list[LineError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Parsed:
    line: int
    type: str
    id: str
    values: dict[str, Any]  # model field -> python value; refs still as ids
    many: dict[str, list[str]] = field(default_factory=dict)  # list refs: field -> ids
    citations: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    verified: int = 0
    drifted: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def read_lines(data: bytes | str | Iterable[bytes]) -> Iterator[tuple[int, str | LineError]]:
    """Yield (line number, text) for non-blank lines; undecodable lines as LineError."""
    if isinstance(data, bytes | str):
        data = data.splitlines() if isinstance(data, str) else data.split(b"\n")
    for number, raw in enumerate(data, start=1):
        if isinstance(raw, bytes):
            if len(raw) > MAX_LINE_BYTES:
                yield number, LineError(number, "line is longer than 10 MB")
                continue
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, LineError(number, f"not UTF-8 text (byte {exc.start + 1})")
                continue
        text = raw.strip().lstrip("\ufeff")
        if text:
            yield number, text


class _Input:
    """The file to import, readable twice: bytes or text as they are, a seekable file from its
    start, anything else (standard input, a generator of lines) spooled to a temporary file."""

    def __init__(self, data):
        self._spool = None
        seekable = hasattr(data, "seekable") and data.seekable()
        if isinstance(data, bytes | str | list | tuple) or seekable:
            self._data = data
            return
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        if hasattr(data, "read"):
            for chunk in iter(lambda: data.read(1 << 20), b""):
                self._spool.write(chunk if isinstance(chunk, bytes) else chunk.encode())
        else:  # lines
            for line in data:
                line = line if isinstance(line, bytes) else line.encode()
                self._spool.write(line if line.endswith(b"\n") else line + b"\n")
        self._data = self._spool

    def lines(self) -> Iterator[tuple[int, str | LineError]]:
        if hasattr(self._data, "seek"):
            self._data.seek(0)
        return read_lines(self._data)

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


def _progress(enabled: bool, total: int | None, what: str):
    return tqdm(
        total=total,
        unit=" lines",
        desc=what,
        disable=not enabled,
        file=sys.stderr,
        mininterval=0.5,
        smoothing=0.1,
    )


class _Anything:
    """Stands for the records already in the database during the first check of a file: any
    id is taken as present and remembered, to be looked up in one query per type after."""

    def __init__(self, asked: set[str]):
        self.asked = asked

    def __contains__(self, slug) -> bool:
        if isinstance(slug, str):
            self.asked.add(slug)
        return True


def _check_lines(
    lines: Iterable[tuple[int, str | LineError]], existing, progress=None
) -> tuple[list[LineError], int, Counter]:
    """The first pass: every line's problems, the number of lines, the records per type."""
    errors: list[LineError] = []
    seen: dict[str, set[str]] = {name: set() for name in RECORD_TYPES}
    pairs: set[tuple[str, str]] = set()
    kinds: Counter = Counter()
    number = 0
    for number, text in lines:
        if progress is not None:
            progress.update(number - progress.n)
        parsed = _parse_line(number, text, errors, seen, existing)
        if parsed is None:
            continue
        if parsed.type == "contradiction":
            pair = (parsed.values["claim"], parsed.values["counter"])
            if pair in pairs:
                errors.append(
                    LineError(number, f"claim {pair[0]!r} is already paired with {pair[1]!r}")
                )
                continue
            pairs.add(pair)
        seen[parsed.type].add(parsed.id)
        kinds[parsed.type] += 1
    return errors, number, kinds


def _parse_line(number, text, errors, seen, existing, *, trusted=False) -> Parsed | None:
    if isinstance(text, LineError):
        errors.append(text)
        return None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        errors.append(LineError(number, f"bad JSON: {exc.msg} (column {exc.colno})"))
        return None
    except RecursionError:
        errors.append(LineError(number, "bad JSON: nested too deeply"))
        return None
    except ValueError as exc:  # a number of more than 4,300 digits
        errors.append(LineError(number, f"bad JSON: {exc}"))
        return None
    maybe_surrogate = not trusted and _MAYBE_SURROGATE.search(text)
    if maybe_surrogate and (where := _lone_surrogate(obj)) is not None:
        errors.append(LineError(number, f"{where}: {LONE_SURROGATE}"))
        return None
    problems: list[str] = []
    parsed = _parse_record(obj, problems, seen, existing, trusted=trusted)
    if problems:
        errors.extend(LineError(number, problem) for problem in problems)
        return None
    parsed.line = number
    return parsed


def validate(source: _Input, *, progress: bool = False) -> tuple[int, Counter]:
    """The first pass: raise ImportFailed naming every bad line; writes nothing. Returns the
    number of lines and the records per type (for the progress bar of the second pass).

    References to records not in the file are taken as present, then looked up in one query
    per type; only when one is missing is the file checked again against what was found, so
    each line's message is exact."""
    asked: dict[str, set[str]] = {name: set() for name in RECORD_TYPES}
    anything = {name: _Anything(asked[name]) for name in RECORD_TYPES}
    with _progress(progress, None, "checking") as bar:
        errors, lines, kinds = _check_lines(source.lines(), anything, bar)
    found = {name: _existing_slugs(name, slugs) for name, slugs in asked.items()}
    if any(found[name] != asked[name] for name in RECORD_TYPES):
        errors, lines, kinds = _check_lines(source.lines(), found)
    if errors:
        errors.sort(key=lambda e: e.line)
        raise ImportFailed(errors)
    return lines, kinds


def _existing_slugs(kind: str, slugs: set[str]) -> set[str]:
    model = RECORD_TYPES[kind].model
    found: set[str] = set()
    ordered = sorted(slugs)
    for start in range(0, len(ordered), 10_000):
        chunk = ordered[start : start + 10_000]
        found.update(model.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    return found


def parse(data) -> list[Parsed]:
    """Validate every line; raise ImportFailed listing every bad line. Writes nothing.
    (Keeps every record: for small files and tests; the import streams instead.)"""
    source = _Input(data)
    try:
        validate(source)
        return list(_parsed_records(source))
    finally:
        source.close()


def _parsed_records(source: _Input) -> Iterator[Parsed]:
    """The second pass: the lines again, already checked, as records."""
    errors: list[LineError] = []
    for number, text in source.lines():
        parsed = _parse_line(number, text, errors, None, None, trusted=True)
        if parsed is not None:
            yield parsed
    if errors:  # the file changed between the passes
        raise ImportFailed(errors)


# A line decoded from UTF-8 holds a lone surrogate only through an escape, \\ud800 to \\udfff:
# lines without one are not searched.
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
LONE_SURROGATE = "contains a lone surrogate (an escape such as \\ud800 that is half a character)"


def _lone_surrogate(obj: Any) -> str | None:
    """Where a decoded line holds a string that is not text (an unpaired ``\\ud800``-style
    escape, which JSON allows and UTF-8 cannot encode): the field's name, or None."""
    stack = [(obj, None)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                name = key if where is None else f"{where}.{key}"
                if _not_text(key):
                    return "a field name"
                stack.append((item, name))
        elif isinstance(value, list):
            stack.extend((item, f"{where or 'line'}[{i}]") for i, item in enumerate(value, 1))
        elif isinstance(value, str) and _not_text(value):
            return where or "the line"
    return None


def _not_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _parse_record(obj, problems, seen, existing, *, trusted=False) -> Parsed | None:
    """One line's record, or None with its problems. ``trusted``: the line passed the first
    pass already, so references and field rules are not checked again."""
    if not isinstance(obj, dict):
        problems.append(f"expected a JSON object, got {_json_type(obj)}")
        return None
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in RECORD_TYPES:
        allowed = ", ".join(RECORD_TYPES)
        problems.append(f"unknown type {kind!r} (expected one of: {allowed})")
        return None
    spec = RECORD_TYPES[kind]
    slug = obj.get("id")
    if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > 120:
        problems.append(f"id {slug!r} is not a slug (lowercase letters, digits and hyphens)")
        return None
    if not trusted and slug in seen[kind]:
        problems.append(f"duplicate id: {kind} {slug!r} already appears on an earlier line")
        return None

    def resolve(ref: Ref, value: Any, name: str) -> bool:
        if not isinstance(value, str):
            problems.append(f"{name}: must be an id (a string), not {_json_type(value)}")
            return False
        if trusted:
            return True
        if value not in seen[ref.type] and value not in existing[ref.type]:
            problems.append(f"{name}: {ref.type} {value!r} is not defined on an earlier line")
            return False
        return True

    parsed = Parsed(line=0, type=kind, id=slug, values={"slug": slug})
    for name in spec.required:
        if obj.get(name) in (None, ""):
            problems.append(f"{name}: is required")
    for name, converter in spec.fields.items():
        if name in spec.required and obj.get(name) in (None, ""):
            continue
        value = obj.get(name)
        if isinstance(converter, Ref):
            if converter.many:
                if value is None and name in KEEP_WHEN_ABSENT:
                    continue  # an existing record keeps its own
                ids = value if value is not None else []
                if not isinstance(ids, list):
                    problems.append(f"{name}: must be a list of ids")
                    continue
                if all(resolve(converter, item, name) for item in ids):
                    parsed.many[name] = list(dict.fromkeys(ids))
            elif value is None:
                parsed.values[name] = None
            elif resolve(converter, value, name):
                parsed.values[name] = value
        elif converter == "citations":
            parsed.citations = _parse_citations(value, problems, seen, existing, trusted)
        else:
            if value is None and name in KEEP_WHEN_ABSENT:
                continue  # a new record takes the model's default; an existing one keeps its own
            if value is None:
                value = _model_default(spec.model, name, value)
            try:
                parsed.values[name] = converter(value)
            except FieldError as exc:
                problems.append(f"{name}: {exc}")
    if kind == "contradiction" and obj.get("claim") == obj.get("counter") and obj.get("claim"):
        problems.append("claim and counter are the same claim")
    if not problems and not trusted:
        _check_model_fields(spec, parsed, problems)
    return parsed


def _parse_citations(value, problems, seen, existing, trusted=False) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append("citations: must be a list")
        return []
    result, sources = [], set()
    for index, item in enumerate(value, start=1):
        where = f"citations[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        source, quote, note = item.get("source"), item.get("quote"), item.get("note") or ""
        if not isinstance(source, str) or (
            not trusted and source not in seen["source"] and source not in existing["source"]
        ):
            problems.append(f"{where}.source: source {source!r} is not defined on an earlier line")
            continue
        if source in sources:
            problems.append(f"{where}.source: the claim already cites {source!r}")
            continue
        if not isinstance(quote, str) or not quote.strip() or "\x00" in quote:
            problems.append(f"{where}.quote: must be a non-empty string without NUL characters")
            continue
        if not isinstance(note, str) or "\x00" in note:
            problems.append(f"{where}.note: must be a string without NUL characters")
            continue
        sources.add(source)
        result.append({"source": source, "quote": quote, "note": note})
    return result


def _check_model_fields(spec: RecordType, parsed: Parsed, problems: list[str]) -> None:
    """Run the model's own field validation (lengths, URLs) without touching the database, as
    ``Model.clean_fields`` would on a record with these values; a value that plainly passes (a
    string within its length, one of the choices, a date) is not put through ``Field.clean``."""
    errors: dict[str, list[ValidationError]] = {}
    values = parsed.values
    for f, passes in _field_checks(spec.model):
        if f.name not in values:
            continue
        value = values[f.name]
        if passes(value) or (f.blank and value in f.empty_values):
            continue
        try:
            f.clean(value, None)
        except ValidationError as exc:
            errors[f.name] = exc.error_list
    if errors:
        for name, messages in ValidationError(errors).message_dict.items():
            problems.extend(f"{name}: {message}" for message in messages)


_FIELD_CHECKS: dict[type, list[tuple[models.Field, Callable[[Any], bool]]]] = {}


def _never(value: Any) -> bool:
    return False


def _field_checks(model) -> list[tuple[models.Field, Callable[[Any], bool]]]:
    """The fields ``clean_fields`` checks, in its order, each with a quick test that a value
    certainly passes ``Field.clean`` (blank, choices, length, NUL characters, a slug's pattern)
    when the field's validation is that simple, else a test that never says so."""
    if model not in _FIELD_CHECKS:
        _FIELD_CHECKS[model] = [
            (f, _quick_check(f) or _never) for f in model._meta.concrete_fields if not f.is_relation
        ]
    return _FIELD_CHECKS[model]


def _quick_check(f: models.Field) -> Callable[[Any], bool] | None:
    patterns = []  # (compiled pattern, whether a match fails), read once from the validators
    for validator in f.validators:
        if type(validator) is RegexValidator:
            regex = validator.regex  # a lazy object: compiled again here, once
            patterns.append((re.compile(regex.pattern, regex.flags), validator.inverse_match))
        elif not isinstance(validator, MaxLengthValidator | ProhibitNullCharactersValidator):
            return None
    choices = frozenset(str(key) for key, _label in f.flatchoices) if f.choices else None
    if isinstance(f, models.CharField | models.TextField):
        blank, max_length = f.blank, f.max_length

        def check(value: Any) -> bool:
            return (
                isinstance(value, str)
                and (blank or value != "")
                and (max_length is None or len(value) <= max_length)
                and "\x00" not in value
                and (choices is None or value in choices or (blank and value == ""))
                and all(bool(regex.search(value)) != inverse for regex, inverse in patterns)
            )

        return check
    if isinstance(f, models.DateField) and not choices and not patterns:  # and DateTimeField
        kind = dt.datetime if isinstance(f, models.DateTimeField) else dt.date
        return lambda value: isinstance(value, kind) or (f.null and value is None)
    return None


def _model_default(model, name: str, value: Any) -> Any:
    """A missing optional field takes the model's default (a claim's status: draft)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if model_field.has_default() and not model_field.null:
        return model_field.get_default()
    return value


def import_records(data, *, progress: bool = False) -> ImportReport:
    """Validate, then write everything in one transaction. Idempotent: an unchanged record
    is not saved again, so importing the same file twice changes nothing (not even history).

    ``data``: bytes, text, or a file opened in binary mode (read twice; standard input is
    spooled to a temporary file). ``progress``: tqdm bars on standard error.
    """
    source = _Input(data)
    try:
        lines, _kinds = validate(source, progress=progress)
        writer = _Writer()
        try:
            with transaction.atomic(), _progress(progress, lines, "importing") as bar:
                batch: list[Parsed] = []
                for record in _parsed_records(source):
                    if batch and (record.type != batch[0].type or len(batch) >= BATCH):
                        writer.write(batch)
                        bar.update(batch[-1].line - bar.n)
                        batch = []
                    batch.append(record)
                if batch:
                    writer.write(batch)
                bar.update(lines - bar.n)
                writer.finish()
        except IntegrityError as exc:
            raise ImportFailed(
                [LineError(writer.current, f"rejected by the database: {exc}")]
            ) from None
    finally:
        source.close()
    if writer.rows_written >= ANALYZE_AFTER_ROWS:
        _analyze(writer.touched)
    return writer.report


def _analyze(models_touched: set[type[models.Model]]) -> None:
    """Fresh planner statistics for the tables the import wrote (a new database plans badly
    without them)."""
    tables = set()
    for model in models_touched:
        tables.add(model._meta.db_table)
        history = getattr(model, "history", None)
        if history is not None:
            tables.add(history.model._meta.db_table)
        for m2m in model._meta.many_to_many:
            tables.add(m2m.remote_field.through._meta.db_table)
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class _TextCache:
    """Source texts by primary key, fetched in one query per batch for the ones missing and
    kept while they fit in ``limit`` characters (oldest dropped first): a file in the export's
    order cites nearby sources from nearby claims, so each text is read about once."""

    def __init__(self, limit: int = TEXT_CACHE_BYTES):
        self.limit = limit
        self.size = 0
        self.texts: OrderedDict[int, str] = OrderedDict()

    def put(self, pk: int, text: str) -> None:
        if pk in self.texts:
            self.size -= len(self.texts.pop(pk))
        self.texts[pk] = text
        self.size += len(text)
        while self.size > self.limit and self.texts:
            self.size -= len(self.texts.popitem(last=False)[1])

    def get_many(self, pks: Iterable[int]) -> dict[int, str]:
        wanted = set(pks)
        missing = [pk for pk in wanted if pk not in self.texts]
        if missing:
            for pk, text in Source.objects.filter(pk__in=missing).values_list("pk", "text"):
                self.put(pk, text)
        found = {pk: self.texts[pk] for pk in wanted if pk in self.texts}
        for pk in wanted - found.keys():  # larger than the cache: read again, not kept
            found[pk] = Source.objects.values_list("text", flat=True).get(pk=pk)
        return found


# --- COPY: the rows of new records -----------------------------------------------------------
#
# New records, their citations, their list references (topics, cases) and the history rows of
# all of them are written with COPY rather than INSERT: no SQL compiled per batch, no values
# prepared one by one by Django nor packed into arrays, and the server reads rows as a stream.
# Primary keys that other rows refer to are taken ahead from each table's sequence (``nextval``
# for as many rows as there are), so the rows that refer to a new record (its citations, its
# topics, its history row's topics) are written in the same pass; the other rows (most history
# rows) get theirs from the sequence as an INSERT would. Either way the sequences stay where the
# next INSERT (an editor's new claim) expects them. History rows are tuples with the columns
# django-simple-history writes (``bulk_history_create``): the tracked fields as they are on the
# record, then the history id, date, change reason, type ('+' created, '~' changed) and user.
# The COPY is binary (each value sent as its column's type, which the server need not parse
# from text: dates and times especially), with the columns' types read once from the catalog.
# COPY bypasses Django's cursor and so the execute wrapper that moves the public data version
# on (claims/signals.py): each COPY calls ``public_data_written`` itself.

# Fields whose Python value is what the database stores (psycopg adapts it as it is); any other
# field's value goes through the field's ``get_db_prep_save`` (a JSONField's list, say).
_PLAIN_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}

# The columns django-simple-history adds to a history table, after the tracked fields.
HISTORY_COLUMNS = [
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
]


class _CopyTable:
    """One table written with COPY: ``columns`` (attribute names) in the order of each row.
    Without its primary key, the table's sequence gives each row one (as an INSERT would)."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        missing = {f.attname for f in meta.concrete_fields if not f.generated} - set(columns)
        if isinstance(meta.pk, models.AutoField | models.BigAutoField):
            missing.discard(meta.pk.attname)
        if missing:  # a field this import does not know how to fill (a new history field?)
            raise LookupError(f"{meta.db_table}: no value for {', '.join(sorted(missing))}")
        fields = [by_attname[name] for name in columns]
        quote = connection.ops.quote_name
        self.table = meta.db_table
        self.pk_column = meta.pk.column
        names = ", ".join(quote(f.column) for f in fields)
        self.sql = f"COPY {quote(self.table)} ({names}) FROM STDIN (FORMAT BINARY)"
        self.columns = [f.column for f in fields]
        self.types: list[int] | None = None
        self.prepare = [
            (index, f)
            for index, f in enumerate(fields)
            if f.get_internal_type() not in _PLAIN_FIELDS
        ]

    def take_ids(self, count: int) -> list[int]:
        """``count`` new primary keys from the table's sequence."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.table, self.pk_column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def _column_types(self, cursor) -> list[int]:
        """The columns' types (oids), read once: binary COPY sends each value as its type."""
        if self.types is None:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass",
                [self.table],
            )
            oids = dict(cursor.fetchall())
            self.types = [oids[column] for column in self.columns]
        return self.types

    def write(self, rows: Iterable[tuple]) -> None:
        with connection.wrap_database_errors, connection.cursor() as cursor:
            types = self._column_types(cursor)
            with cursor.copy(self.sql) as copy:
                copy.set_types(types)
                if self.prepare:
                    for row in rows:
                        row = list(row)
                        for index, f in self.prepare:
                            row[index] = f.get_db_prep_save(row[index], connection)
                        copy.write_row(row)
                else:
                    for row in rows:
                        copy.write_row(row)
        public_data_written(connection)


class _NewRows:
    """Writes new records of one model with COPY, with their history rows and list references."""

    def __init__(self, model: type[models.Model]):
        meta = model._meta
        self.model = model
        self.columns = [f.attname for f in meta.concrete_fields if not f.generated]
        self.values = attrgetter(*self.columns)
        self.table = _CopyTable(model, self.columns)
        self.auto_now = [
            f
            for f in meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.history = getattr(model, "history", None)
        self.m2m_history = {}
        if self.history is not None:
            history = self.history.model
            for m2m in getattr(history, "_history_m2m_fields", []):
                own, other = _through_columns(model, m2m.name)
                columns = ["history_id", "id", own, other]
                m2m_model = _m2m_history_model(history, m2m.name)
                self.m2m_history[m2m.name] = _CopyTable(m2m_model, columns)
            tracked = [f.attname for f in history.tracked_fields]
            self.tracked = attrgetter(*tracked)
            # history ids are taken ahead only where history rows of list references need them
            extra = HISTORY_COLUMNS if self.m2m_history else HISTORY_COLUMNS[1:]
            self.history_table = _CopyTable(history, [*tracked, *extra])
        self.through = {}
        for m2m in meta.many_to_many:
            own, other = _through_columns(model, m2m.name)
            self.through[m2m.name] = _CopyTable(m2m.remote_field.through, ["id", own, other])

    def insert(self, objs: list[models.Model]) -> None:
        """Give each new record its primary key and write them all (as ``bulk_create``)."""
        for obj, pk in zip(objs, self.table.take_ids(len(objs)), strict=True):
            obj.pk = pk
            for f in self.auto_now:
                f.pre_save(obj, add=True)
            obj._state.adding = False
            obj._state.db = connection.alias
        self.table.write(map(self.values, objs))

    def insert_history(
        self, objs: list[models.Model], *, when: dt.datetime, change: str, reason: str | None
    ) -> dict[int, int]:
        """One history row per record as it now is. Returns the history id of each record's
        row (pk -> history id) when the model keeps the history of list references."""
        enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        if self.history is None or not objs or not enabled:
            return {}
        user = self.history.model.get_default_history_user(objs[0])
        user_id = None if user is None else user.pk
        if not self.m2m_history:
            self.history_table.write(
                (*self.tracked(obj), when, reason, change, user_id) for obj in objs
            )
            return {}
        ids = self.history_table.take_ids(len(objs))
        self.history_table.write(
            (*self.tracked(obj), history_id, when, reason, change, user_id)
            for obj, history_id in zip(objs, ids, strict=True)
        )
        return {obj.pk: history_id for obj, history_id in zip(objs, ids, strict=True)}

    def insert_links(self, name: str, pairs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """Rows of the list reference ``name`` (own pk, other pk); returns (id, own, other)."""
        table = self.through[name]
        rows = [(pk, *pair) for pk, pair in zip(table.take_ids(len(pairs)), pairs, strict=True)]
        table.write(rows)
        return rows

    def insert_link_history(self, name: str, rows: list[tuple[int, int, int]], history_ids) -> None:
        """The history of list references (``rows``: id, own, other) for the history rows."""
        self.m2m_history[name].write((history_ids[row[1]], *row) for row in rows)


_NEW_ROWS: dict[type[models.Model], _NewRows] = {}


def _new_rows(model: type[models.Model]) -> _NewRows:
    if model not in _NEW_ROWS:
        _NEW_ROWS[model] = _NewRows(model)
    return _NEW_ROWS[model]


class _Writer:
    """The second pass: writes batches of records of one type, in file order."""

    def __init__(self):
        self.report = ImportReport()
        self.pks: dict[str, dict[str, int]] = {name: {} for name in RECORD_TYPES}
        self.texts = _TextCache()
        self.now = timezone.now()
        self.current = 0
        self.rows_written = 0
        self.touched: set[type[models.Model]] = set()
        self.refusals: list[LineError] = []
        # published contradictions, checked at the end (their sides may change later on)
        self.to_review = array("q")
        self.to_review_lines = array("q")
        self.claims_seen = False
        self.sources_changed_after_claims: set[int] = set()
        self.published_claims = array("q")
        self.published_claim_lines = array("q")

    # -- references

    def _pk(self, kind: str, slug: str | None) -> int | None:
        return None if slug is None else self.pks[kind][slug]

    def _load_refs(self, records: list[Parsed]) -> None:
        """Primary keys of the records referred to that are not from this file: one query
        per type for the batch."""
        spec = RECORD_TYPES[records[0].type]
        wanted: dict[str, set[str]] = {}
        for record in records:
            for name, ref in spec.fields.items():
                if isinstance(ref, Ref):
                    if ref.many:
                        slugs = record.many.get(name, ())
                    else:
                        slugs = [record.values[name]] if record.values.get(name) else ()
                    known = self.pks[ref.type]
                    wanted.setdefault(ref.type, set()).update(s for s in slugs if s not in known)
            for item in record.citations:
                if item["source"] not in self.pks["source"]:
                    wanted.setdefault("source", set()).add(item["source"])
        for kind, slugs in wanted.items():
            if slugs:
                model = RECORD_TYPES[kind].model
                self.pks[kind].update(
                    model.objects.filter(slug__in=slugs).values_list("slug", "pk")
                )

    def _values(self, record: Parsed, spec: RecordType) -> dict[str, Any]:
        values = {}
        for name, value in record.values.items():
            ref = spec.fields.get(name)
            if isinstance(ref, Ref):
                values[f"{name}_id"] = self._pk(ref.type, value)
            else:
                values[name] = value
        if record.type == "source":
            values["sha256"] = Source.digest(values.get("text", ""))
        return values

    # -- one batch

    def write(self, records: list[Parsed]) -> None:
        kind = records[0].type
        spec = RECORD_TYPES[kind]
        model = spec.model
        self.current = records[0].line
        self._load_refs(records)
        queryset = model.objects.filter(slug__in=[r.id for r in records])
        if kind == "claim":
            queryset = queryset.defer("search_vector", "topic_pks")
        elif kind == "source":
            queryset = queryset.defer("text")  # compared by its digest
        elif kind == "speaker":
            queryset = queryset.defer("search_names")
        existing = {obj.slug: obj for obj in queryset}

        objs, states, created, updated, fields = [], [], [], [], set()
        text_changed = []
        for record in records:
            values = self._values(record, spec)
            obj = existing.get(record.id)
            if "status" in values:
                previous = obj.published_at if obj else None
                values["published_at"] = first_published_at(values["status"], previous)
            if obj is None:
                obj = model(**values)
                if kind == "claim":  # the ids the database keeps (Claim.topic_pks), as it would
                    topics = record.many.get("topics", ())
                    obj.topic_pks = sorted({self.pks["topic"][slug] for slug in topics})
                created.append(obj)
                states.append("created")
            else:
                if kind == "source":
                    text = values.pop("text", "")
                    changed = {k for k, v in values.items() if getattr(obj, k) != v}
                    if "sha256" in changed:
                        changed.add("text")
                        text_changed.append(obj)
                    obj.text = text  # the same as stored unless it changed: no query for it
                    values["text"] = text
                else:
                    changed = {k for k, v in values.items() if getattr(obj, k) != v}
                if changed:
                    for name in changed:
                        setattr(obj, name, values[name])
                    updated.append(obj)
                    fields |= changed
                    states.append("updated")
                else:
                    states.append("unchanged")
            objs.append(obj)

        rows = _new_rows(model)
        if created:
            rows.insert(created)
        if updated:
            for obj in updated:
                obj.version += 1
                if hasattr(obj, "updated_at"):
                    obj.updated_at = self.now
            extra = ["version"] + (["updated_at"] if hasattr(model, "updated_at") else [])
            model.objects.bulk_update(updated, sorted(fields | set(extra)), batch_size=BATCH)
        for record, obj in zip(records, objs, strict=True):
            self.pks[kind][record.id] = obj.pk
        for obj in text_changed:  # a new snapshot: its citations re-anchored
            self.report.drifted += len(reanchor_citations(source=obj))
            self.texts.put(obj.pk, obj.text)
            if self.claims_seen:
                self.sources_changed_after_claims.add(obj.pk)

        many_changed, links = self._sync_many(records, objs, spec, states)
        for index, name in enumerate(states):
            if name == "unchanged" and many_changed[index]:
                states[index] = "updated"
        if kind == "claim":
            self.claims_seen = True
            cited = self._sync_citations(records, objs, states)
            for index, changed in enumerate(cited):
                if changed and states[index] == "unchanged":
                    states[index] = "updated"
        self._history(rows, created, objs, states, many_changed, updated, links)
        if kind == "source":
            for obj in created:  # cited by the claims to come: no need to read them back
                self.texts.put(obj.pk, obj.text)
            for obj in objs:
                obj.text = ""  # keep no texts in memory but the cache's
        for name in states:
            setattr(self.report, name, getattr(self.report, name) + 1)
        if created or updated or any(many_changed):
            self.touched.add(model)
            self.rows_written += len(created) + len(updated)
        if kind == "contradiction":
            for record, obj in zip(records, objs, strict=True):
                if record.values.get("status") == Status.PUBLISHED:
                    self.to_review.append(obj.pk)
                    self.to_review_lines.append(record.line)

    def _sync_many(self, records, objs, spec: RecordType, states):
        """Make each record's list references (topics, cases) what the file says; a list the
        line leaves out is kept (KEEP_WHEN_ABSENT). Per record: did one change? And the rows
        added, by field: (id, own pk, other pk)."""
        changed = [False] * len(records)
        added: dict[str, list[tuple[int, int, int]]] = {}
        model = spec.model
        for name, ref in spec.fields.items():
            if not (isinstance(ref, Ref) and ref.many):
                continue
            through = getattr(model, name).through
            own, other = _through_columns(model, name)
            listed = [i for i, r in enumerate(records) if name in r.many]
            if not listed:
                continue
            old_pks = [objs[i].pk for i in listed if states[i] != "created"]
            current: dict[int, set[int]] = {}
            if old_pks:
                for own_pk, other_pk in through.objects.filter(
                    **{f"{own}__in": old_pks}
                ).values_list(own, other):
                    current.setdefault(own_pk, set()).add(other_pk)
            to_clear, to_add = [], []
            for i in listed:
                obj = objs[i]
                wanted = [self.pks[ref.type][slug] for slug in records[i].many[name]]
                if set(wanted) != current.get(obj.pk, set()):
                    changed[i] = True
                    if obj.pk in current:
                        to_clear.append(obj.pk)
                    to_add.extend((obj.pk, pk) for pk in wanted)
            if to_clear:
                through.objects.filter(**{f"{own}__in": to_clear}).delete()
            if to_add:
                added[name] = _new_rows(model).insert_links(name, to_add)
                self.rows_written += len(to_add)
        return changed, added

    def _sync_citations(self, records, claims, states) -> list[bool]:
        """Make each claim's citations what the file says, verifying new and edited quotes
        against their sources' texts (one query for the texts the cache lacks); check the
        publishing rules of the lines that publish. Per claim: did its citations change?"""
        changed = [False] * len(records)
        old = [c.pk for c, s in zip(claims, states, strict=True) if s != "created"]
        existing: dict[int, dict[int, Citation]] = {}
        if old:
            for citation in Citation.objects.filter(claim_id__in=old):
                existing.setdefault(citation.claim_id, {})[citation.source_id] = citation
        new, edited, to_verify, gone = [], [], [], []
        final: list[list[Citation]] = []
        for index, (record, claim) in enumerate(zip(records, claims, strict=True)):
            have = existing.get(claim.pk, {})
            mine, wanted = [], set()
            for position, item in enumerate(record.citations):
                source_id = self.pks["source"][item["source"]]
                wanted.add(source_id)
                citation = have.get(source_id)
                if citation is None:
                    citation = Citation(
                        claim_id=claim.pk,
                        source_id=source_id,
                        quote=item["quote"],
                        note=item["note"],
                        position=position,
                    )
                    new.append(citation)
                    to_verify.append(citation)
                    changed[index] = True
                else:
                    values = {"quote": item["quote"], "note": item["note"], "position": position}
                    diff = {k: v for k, v in values.items() if getattr(citation, k) != v}
                    if diff:
                        for name, value in diff.items():
                            setattr(citation, name, value)
                        edited.append(citation)
                        changed[index] = True
                    if "quote" in diff or citation.verified_at is None:
                        to_verify.append(citation)
                mine.append(citation)
            for source_id, citation in have.items():
                if source_id not in wanted:
                    gone.append(citation.pk)
                    changed[index] = True
            final.append(mine)

        if to_verify:
            texts = self.texts.get_many(c.source_id for c in to_verify)
            for citation in to_verify:
                verify_citation(citation=citation, text=texts[citation.source_id], save=False)
            self.report.verified += len(to_verify)
        if gone:
            Citation.objects.filter(pk__in=gone).delete()  # history rows by signal
        citation_rows = _new_rows(Citation)
        if new:
            citation_rows.insert(new)
            # as bulk_create_with_history wrote them: no change reason (NULL)
            citation_rows.insert_history(new, when=self.now, change="+", reason=None)
            self.rows_written += len(new)
            self.touched.add(Citation)
        if edited:
            for citation in edited:
                citation.version += 1
            Citation.objects.bulk_update(
                edited, ["quote", "note", "position", "version", *ANCHOR_FIELDS], batch_size=BATCH
            )
            citation_rows.insert_history(edited, when=self.now, change="~", reason="")
            self.touched.add(Citation)
        edited_ids = {id(c) for c in edited} | {id(c) for c in new}
        verified_only = [c for c in to_verify if id(c) not in edited_ids]
        if verified_only:  # machine-kept fields: no history, no new version
            Citation.objects.bulk_update(verified_only, ANCHOR_FIELDS, batch_size=BATCH)

        for record, claim, mine in zip(records, claims, final, strict=True):
            if record.values.get("status") != Status.PUBLISHED:
                continue
            self.published_claims.append(claim.pk)
            self.published_claim_lines.append(record.line)
            found = publishing.review_claim(claim, citations=mine)
            self._refuse(record, found, claim.override_reason)
        return changed

    def _refuse(self, record: Parsed, found: publishing.Review, override_reason: str) -> None:
        problems = found.blockers + ([] if override_reason else found.unverified)
        self.refusals.extend(
            LineError(record.line, f"cannot publish {record.type} {record.id!r}: {problem}")
            for problem in problems
        )

    def _history(self, rows: _NewRows, created, objs, states, many_changed, updated, links):
        """One history row per record created or changed (with its list references as they
        now stand), written with COPY (``links``: the list reference rows this batch added)."""
        if rows.history is None:
            return
        saved = {id(obj) for obj in updated}
        changed_many = [  # only its topics or cases changed: a history row, as a save of them
            obj
            for obj, state, many in zip(objs, states, many_changed, strict=True)
            if many and state != "created" and id(obj) not in saved
        ]
        history_ids = rows.insert_history(created, when=self.now, change="+", reason="")
        new = set(history_ids)
        changed = rows.insert_history(updated + changed_many, when=self.now, change="~", reason="")
        history_ids.update(changed)
        if not history_ids:
            return
        for name in rows.m2m_history:
            own, other = _through_columns(rows.model, name)
            current = [row for row in links.get(name, ()) if row[1] in new]
            if changed:
                through = getattr(rows.model, name).through
                current += through.objects.filter(**{f"{own}__in": list(changed)}).values_list(
                    "id", own, other
                )
            if current:
                rows.insert_link_history(name, current, history_ids)

    # -- at the end

    def finish(self) -> None:
        """The publishing rules for the pairs marked published (their sides as they now stand),
        then every refusal at once."""
        if self.sources_changed_after_claims:
            self._recheck_claims()
        self.current = 0
        for start in range(0, len(self.to_review), BATCH):
            pks = self.to_review[start : start + BATCH]
            lines = dict(zip(pks, self.to_review_lines[start : start + BATCH], strict=True))
            pairs = list(
                Contradiction.objects.filter(pk__in=list(pks))
                .select_related("claim", "counter")
                .only(*publishing.PAIR_REVIEW_FIELDS)
            )
            sides = {p.claim_id for p in pairs} | {p.counter_id for p in pairs}
            citations: dict[int, list[Citation]] = {pk: [] for pk in sides}
            for citation in (
                Citation.objects.filter(claim_id__in=sides)
                .only(*publishing.CITATION_REVIEW_FIELDS)
                .order_by("claim_id", "position", "pk")
            ):
                citations[citation.claim_id].append(citation)
            for pair in sorted(pairs, key=lambda p: lines[p.pk]):
                record = Parsed(line=lines[pair.pk], type="contradiction", id=pair.slug, values={})
                found = publishing.review(pair, citations_by_claim=citations)
                self._refuse(record, found, pair.override_reason)
        if self.refusals:
            self.refusals.sort(key=lambda e: e.line)
            raise ImportFailed(self.refusals)

    def _recheck_claims(self) -> None:
        """A source's text replaced after claims citing it were checked (a file not in the
        export's order): those of the claims published by this file are checked again."""
        citing = set(
            Citation.objects.filter(source_id__in=self.sources_changed_after_claims).values_list(
                "claim_id", flat=True
            )
        )
        lines = {
            pk: line
            for pk, line in zip(self.published_claims, self.published_claim_lines, strict=True)
            if pk in citing
        }
        again = set(lines.values())
        self.refusals = [e for e in self.refusals if e.line not in again]
        for claim in Claim.objects.filter(pk__in=list(lines)):
            record = Parsed(line=lines[claim.pk], type="claim", id=claim.slug, values={})
            self._refuse(record, publishing.review_claim(claim), claim.override_reason)


def _through_columns(model, name: str) -> tuple[str, str]:
    m2m = model._meta.get_field(name)
    return m2m.m2m_column_name(), m2m.m2m_reverse_name()


def _m2m_history_model(history_model, name: str):
    for relation in history_model._meta.related_objects:
        if relation.related_model.__name__ == f"{history_model.__name__}_{name}":
            return relation.related_model
    raise LookupError(name)


# --- export -------------------------------------------------------------------------------


def _iso_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def export_records() -> Iterator[dict[str, Any]]:
    """Every record, types in dependency order, each type ordered by id."""
    for outlet in Outlet.objects.order_by("slug").iterator(chunk_size=2000):
        yield {
            "type": "outlet",
            "id": outlet.slug,
            "name": outlet.name,
            "homepage": outlet.homepage,
        }
    for source in Source.objects.select_related("outlet").order_by("slug").iterator(chunk_size=500):
        yield {
            "type": "source",
            "id": source.slug,
            "outlet": source.outlet.slug if source.outlet else None,
            "title": source.title,
            "kind": source.kind,
            "url": source.url,
            "archive_url": source.archive_url,
            "published_on": _iso_date(source.published_on),
            "author": source.author,
            "text": source.text,
            "captured_at": _iso_datetime(source.captured_at),
        }
    for speaker in Speaker.objects.defer("search_names").order_by("slug").iterator(chunk_size=2000):
        yield {
            "type": "speaker",
            "id": speaker.slug,
            "name": speaker.name,
            "kind": speaker.kind,
            "role": speaker.role,
            "aliases": speaker.aliases,
            "misspellings": speaker.misspellings,
        }
    for topic in Topic.objects.order_by("slug").iterator(chunk_size=2000):
        yield {
            "type": "topic",
            "id": topic.slug,
            "name": topic.name,
            "description": topic.description,
        }
    for case in Case.objects.order_by("slug").iterator(chunk_size=2000):
        yield {
            "type": "case",
            "id": case.slug,
            "title": case.title,
            "summary": case.summary,
            "status": case.status,
        }
    cases_by_slug = models.Prefetch("cases", queryset=Case.objects.order_by("slug").only("slug"))
    claims = (
        Claim.objects.select_related("speaker")
        .defer("search_vector")
        .prefetch_related(
            models.Prefetch("topics", queryset=Topic.objects.order_by("slug")),
            cases_by_slug,
            models.Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source").order_by(
                    "position", "source__slug"
                ),
            ),
        )
        .order_by("slug")
    )
    for claim in claims.iterator(chunk_size=1000):
        yield {
            "type": "claim",
            "id": claim.slug,
            "speaker": claim.speaker.slug,
            "kind": claim.kind,
            "text": claim.text,
            "summary": claim.summary,
            "said_on": _iso_date(claim.said_on),
            "said_on_precision": claim.said_on_precision,
            "venue": claim.venue,
            "context": claim.context,
            "topics": [t.slug for t in claim.topics.all()],
            "status": claim.status,
            "cases": [c.slug for c in claim.cases.all()],
            **({"override_reason": claim.override_reason} if claim.override_reason else {}),
            "citations": [
                {"source": c.source.slug, "quote": c.quote, "note": c.note}
                for c in claim.citations.all()
            ],
        }
    contradictions = (
        Contradiction.objects.select_related("claim", "counter")
        .prefetch_related(cases_by_slug)
        .order_by("slug")
    )
    for item in contradictions.iterator(chunk_size=1000):
        yield {
            "type": "contradiction",
            "id": item.slug,
            "claim": item.claim.slug,
            "counter": item.counter.slug,
            "relation": item.relation,
            "title": item.title,
            "explanation": item.explanation,
            "status": item.status,
            "cases": [c.slug for c in item.cases.all()],
            **({"override_reason": item.override_reason} if item.override_reason else {}),
        }
    corrections = Correction.objects.select_related("claim", "contradiction").order_by("slug")
    for item in corrections.iterator(chunk_size=2000):
        yield {
            "type": "correction",
            "id": item.slug,
            "kind": item.kind,
            "published_on": _iso_date(item.published_on),
            "text": item.text,
            "claim": item.claim.slug if item.claim else None,
            "contradiction": item.contradiction.slug if item.contradiction else None,
        }


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)
