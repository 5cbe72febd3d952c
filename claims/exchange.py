"""The JSON Lines exchange format: import (validate everything, then write in one
transaction) and export (deterministic, so export → import → export is byte-identical).

One JSON object per line; ``type`` says what it is, ``id`` is the record's slug, and
references use ids of records on earlier lines (or already in the database).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from claims import publishing
from claims.models import (
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
from claims.services import first_published_at, reanchor_citations, verify_citations
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
    def convert(value: Any) -> str:
        if value not in choices.values:
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
TYPE_ORDER = list(RECORD_TYPES)
# Fields a line may leave out to keep what the database holds: re-importing a claim without
# "status" never demotes a published claim to draft, nor drops an editor's override reason.
KEEP_WHEN_ABSENT = {"status", "override_reason"}


# --- import -------------------------------------------------------------------------------


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
    topics: list[str] = field(default_factory=list)
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


def parse(data) -> list[Parsed]:
    """Validate every line; raise ImportFailed listing every bad line. Writes nothing."""
    errors: list[LineError] = []
    records: list[Parsed] = []
    seen: dict[str, set[str]] = {name: set() for name in RECORD_TYPES}
    pairs: set[tuple[str, str]] = set()
    existing = _existing_ids()

    for number, text in read_lines(data):
        if isinstance(text, LineError):
            errors.append(text)
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.append(LineError(number, f"bad JSON: {exc.msg} (column {exc.colno})"))
            continue
        except RecursionError:
            errors.append(LineError(number, "bad JSON: nested too deeply"))
            continue
        except ValueError as exc:  # a number of more than 4,300 digits
            errors.append(LineError(number, f"bad JSON: {exc}"))
            continue
        if (where := _lone_surrogate(obj)) is not None:
            errors.append(LineError(number, f"{where}: {LONE_SURROGATE}"))
            continue
        problems: list[str] = []
        parsed = _parse_record(obj, problems, seen, existing)
        if parsed is not None and parsed.type == "contradiction" and not problems:
            pair = (parsed.values["claim"], parsed.values["counter"])
            if pair in pairs:
                problems.append(f"claim {pair[0]!r} is already paired with {pair[1]!r}")
            pairs.add(pair)
        if problems:
            errors.extend(LineError(number, problem) for problem in problems)
            continue
        parsed.line = number
        seen[parsed.type].add(parsed.id)
        records.append(parsed)
    if errors:
        raise ImportFailed(errors)
    return records


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


def _existing_ids() -> dict[str, set[str]]:
    return {
        name: set(spec.model.objects.values_list("slug", flat=True))
        for name, spec in RECORD_TYPES.items()
    }


def _parse_record(obj, problems, seen, existing) -> Parsed | None:
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
    if slug in seen[kind]:
        problems.append(f"duplicate id: {kind} {slug!r} already appears on an earlier line")
        return None

    def resolve(ref: Ref, value: Any, name: str) -> bool:
        if not isinstance(value, str):
            problems.append(f"{name}: must be an id (a string), not {_json_type(value)}")
            return False
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
                ids = value if value is not None else []
                if not isinstance(ids, list):
                    problems.append(f"{name}: must be a list of ids")
                    continue
                if all(resolve(converter, item, name) for item in ids):
                    parsed.topics = list(dict.fromkeys(ids))
            elif value is None:
                parsed.values[name] = None
            elif resolve(converter, value, name):
                parsed.values[name] = value
        elif converter == "citations":
            parsed.citations = _parse_citations(value, problems, seen, existing)
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
    if not problems:
        _check_model_fields(spec, parsed, problems)
    return parsed


def _parse_citations(value, problems, seen, existing) -> list[dict[str, str]]:
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
            source not in seen["source"] and source not in existing["source"]
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
    """Run the model's own field validation (lengths, URLs) without touching the database."""
    plain = {
        k: v
        for k, v in parsed.values.items()
        if not isinstance(spec.fields.get(k), Ref) and k in _concrete_names(spec.model)
    }
    instance = spec.model(**plain)
    exclude = [
        f.name
        for f in spec.model._meta.get_fields()
        if not getattr(f, "concrete", False) or f.is_relation or f.name not in plain
    ]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            problems.extend(f"{name}: {message}" for message in messages)


def _model_default(model, name: str, value: Any) -> Any:
    """A missing optional field takes the model's default (a claim's status: draft)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if model_field.has_default() and not model_field.null:
        return model_field.get_default()
    return value


def _concrete_names(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def import_records(data) -> ImportReport:
    """Validate, then write everything in one transaction. Idempotent: an unchanged record
    is not saved again, so importing the same file twice changes nothing (not even history).
    """
    records = parse(data)
    report = ImportReport()
    to_verify: list[Citation] = []
    current = 0
    try:
        with transaction.atomic():
            ids: dict[str, dict[str, models.Model]] = {name: {} for name in RECORD_TYPES}
            for record in records:
                current = record.line
                spec = RECORD_TYPES[record.type]
                values = _resolve(record, spec, ids)
                obj, state, changed_fields = _upsert(spec.model, record.id, values)
                ids[record.type][record.id] = obj
                if record.type == "source" and state == "updated" and "text" in changed_fields:
                    report.drifted += len(reanchor_citations(source=obj))
                if record.type == "claim":
                    changed = _sync_claim(obj, record, ids, to_verify)
                    if changed and state == "unchanged":
                        state = "updated"
                setattr(report, state, getattr(report, state) + 1)
            current = 0
            unique = {c.pk: c for c in to_verify}
            verify_citations(unique.values())
            report.verified = len(unique)
            refusals = _publishing_refusals(records, ids)
            if refusals:
                raise ImportFailed(refusals)
    except IntegrityError as exc:
        raise ImportFailed([LineError(current, f"rejected by the database: {exc}")]) from None
    return report


def _publishing_refusals(records: list[Parsed], ids) -> list[LineError]:
    """The publishing rules (claims/publishing.py) for every line that marks a claim or a
    contradiction published: each refusal is reported on its line, and nothing is imported."""
    errors = []
    for record in records:
        if record.type not in ("claim", "contradiction"):
            continue
        if record.values.get("status") != Status.PUBLISHED:
            continue
        item = ids[record.type][record.id]
        found = publishing.review(item)
        problems = found.blockers + ([] if item.override_reason else found.unverified)
        errors.extend(
            LineError(record.line, f"cannot publish {record.type} {record.id!r}: {problem}")
            for problem in problems
        )
    return errors


def _resolve(record: Parsed, spec: RecordType, ids) -> dict[str, Any]:
    values = {}
    for name, value in record.values.items():
        ref = spec.fields.get(name)
        if isinstance(ref, Ref):
            values[name] = None if value is None else _lookup(ref.type, value, ids)
        else:
            values[name] = value
    if record.type == "source":
        values["sha256"] = Source.digest(values.get("text", ""))
    return values


def _lookup(kind: str, slug: str, ids) -> models.Model:
    if slug not in ids[kind]:
        ids[kind][slug] = RECORD_TYPES[kind].model.objects.get(slug=slug)
    return ids[kind][slug]


def _upsert(model, slug: str, values: dict[str, Any]) -> tuple[models.Model, str, set[str]]:
    """Create or update the record; returns it, "created"/"updated"/"unchanged" and the names
    of the fields that changed (an unchanged record is not saved, so no history is written)."""
    obj = model.objects.filter(slug=slug).first()
    if "status" in values:
        previous = obj.published_at if obj else None
        values["published_at"] = first_published_at(values["status"], previous)
    if obj is None:
        obj = model(**values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        return obj, "created", set(values)
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not changed:
        return obj, "unchanged", set()
    for name, value in changed.items():
        setattr(obj, name, value)
    obj.save()
    return obj, "updated", set(changed)


def _sync_claim(claim: Claim, record: Parsed, ids, to_verify: list[Citation]) -> bool:
    """Make the claim's topics and citations what the file says; True if anything changed."""
    changed = False
    topics = [_lookup("topic", slug, ids) for slug in record.topics]
    current_topics = {t.pk for t in claim.topics.all()}
    if current_topics != {t.pk for t in topics}:
        claim.topics.set(topics)
        changed = True
    existing = {c.source.slug: c for c in claim.citations.select_related("source")}
    wanted = set()
    for position, item in enumerate(record.citations):
        wanted.add(item["source"])
        source = _lookup("source", item["source"], ids)
        citation = existing.get(item["source"])
        if citation is None:
            citation = Citation.objects.create(
                claim=claim,
                source=source,
                quote=item["quote"],
                note=item["note"],
                position=position,
            )
            to_verify.append(citation)
            changed = True
            continue
        values = {"quote": item["quote"], "note": item["note"], "position": position}
        diff = {k: v for k, v in values.items() if getattr(citation, k) != v}
        if diff:
            for name, value in diff.items():
                setattr(citation, name, value)
            citation.save()
            changed = True
            if "quote" in diff:
                to_verify.append(citation)
        if citation.verified_at is None:
            to_verify.append(citation)
    for slug, citation in existing.items():
        if slug not in wanted:
            citation.delete()
            changed = True
    return changed


# --- export -------------------------------------------------------------------------------


def _iso_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def export_records() -> Iterator[dict[str, Any]]:
    """Every record, types in dependency order, each type ordered by id."""
    for outlet in Outlet.objects.order_by("slug"):
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
    for speaker in Speaker.objects.order_by("slug"):
        yield {
            "type": "speaker",
            "id": speaker.slug,
            "name": speaker.name,
            "kind": speaker.kind,
            "role": speaker.role,
            "aliases": speaker.aliases,
            "misspellings": speaker.misspellings,
        }
    for topic in Topic.objects.order_by("slug"):
        yield {
            "type": "topic",
            "id": topic.slug,
            "name": topic.name,
            "description": topic.description,
        }
    claims = (
        Claim.objects.select_related("speaker")
        .prefetch_related(
            models.Prefetch("topics", queryset=Topic.objects.order_by("slug")),
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
            **({"override_reason": claim.override_reason} if claim.override_reason else {}),
            "citations": [
                {"source": c.source.slug, "quote": c.quote, "note": c.note}
                for c in claim.citations.all()
            ],
        }
    contradictions = Contradiction.objects.select_related("claim", "counter").order_by("slug")
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
            **({"override_reason": item.override_reason} if item.override_reason else {}),
        }
    corrections = Correction.objects.select_related("claim", "contradiction").order_by("slug")
    for item in corrections:
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
