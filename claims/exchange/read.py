"""Reading a file: its lines, each line's record checked against the declaration
(claims/schema.py) and the models' own field rules, and the first pass that names every bad
line before anything is written.

Two streaming passes over the file, in constant memory (what is kept between lines: the ids
seen so far, the ids of rejected lines with their numbers, so that a line referring to one names
that line instead of calling the id undefined, and in the second pass a map from id to primary
key): this module's ``validate`` (nothing is written), then the writer's
(claims/exchange/write.py), which reads the lines again through ``parsed_records``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from claims.exchange.fields import check_model_fields, model_default
from claims.schema import (
    CAPTURE,
    CAPTURES,
    CHECK,
    CHOICE,
    CITATIONS,
    DEFAULT,
    FIRST,
    KEEP,
    RECORD_TYPES,
    FieldError,
    json_type,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LINE_BYTES = 10 * 1024 * 1024


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
    citations: list[dict[str, Any]] = field(default_factory=list)
    # a source's captures as the file lists them (None: the line has no ``captures``)
    captures: list[dict[str, Any]] | None = None


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


class Input:
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


def progress_bar(enabled: bool, total: int | None, what: str):
    return tqdm(
        total=total,
        unit=" lines",
        desc=what,
        disable=not enabled,
        file=sys.stderr,
        mininterval=0.5,
        smoothing=0.1,
    )


class Seen(dict):
    """The ids of the lines checked so far, per type (``seen[type]`` is a set), and of the lines
    rejected: ``rejected[type][id]`` is the first rejected line that defined that id."""

    def __init__(self):
        super().__init__((name, set()) for name in RECORD_TYPES)
        self.rejected: dict[str, dict[str, int]] = {name: {} for name in RECORD_TYPES}

    def reject(self, number: int, obj: Any) -> None:
        """Remember a rejected line's type and id if it names them and no accepted line or
        earlier rejected line defined that id."""
        if not isinstance(obj, dict):
            return
        record_type, slug = obj.get("type"), obj.get("id")
        if not isinstance(record_type, str) or record_type not in RECORD_TYPES:
            return
        if not isinstance(slug, str) or slug in self[record_type]:
            return
        self.rejected[record_type].setdefault(slug, number)


def undefined(target: str, value: Any, seen) -> str:
    """Why a reference to ``value`` of type ``target`` does not resolve."""
    rejected = getattr(seen, "rejected", None)
    line = rejected[target].get(value) if rejected and isinstance(value, str) else None
    if line is not None:
        return f"refers to {target} {value!r} on line {line}, which was rejected"
    return f"{target} {value!r} is not defined on an earlier line"


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
    seen = Seen()
    pairs: set[tuple[str, str]] = set()
    record_types: Counter = Counter()
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
                seen.reject(number, {"type": parsed.type, "id": parsed.id})
                continue
            pairs.add(pair)
        seen[parsed.type].add(parsed.id)
        record_types[parsed.type] += 1
    return errors, number, record_types


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
    parsed = parse_record(obj, problems, seen, existing, trusted=trusted)
    if problems:
        errors.extend(LineError(number, problem) for problem in problems)
        if isinstance(seen, Seen):
            seen.reject(number, obj)
        return None
    parsed.line = number
    return parsed


def validate(source: Input, *, progress: bool = False) -> tuple[int, Counter]:
    """The first pass: raise ImportFailed naming every bad line; writes nothing. Returns the
    number of lines and the records per type (for the progress bar of the second pass).

    References to records not in the file are taken as present, then looked up in one query
    per type; only when one is missing is the file checked again against what was found, so
    each line's message is exact."""
    asked: dict[str, set[str]] = {name: set() for name in RECORD_TYPES}
    anything = {name: _Anything(asked[name]) for name in RECORD_TYPES}
    with progress_bar(progress, None, "checking") as bar:
        errors, lines, record_types = _check_lines(source.lines(), anything, bar)
    found = {name: _existing_slugs(name, slugs) for name, slugs in asked.items()}
    if any(found[name] != asked[name] for name in RECORD_TYPES):
        errors, lines, record_types = _check_lines(source.lines(), found)
    if errors:
        errors.sort(key=lambda e: e.line)
        raise ImportFailed(errors)
    return lines, record_types


def _existing_slugs(record_type: str, slugs: set[str]) -> set[str]:
    model = RECORD_TYPES[record_type].model
    found: set[str] = set()
    ordered = sorted(slugs)
    for start in range(0, len(ordered), 10_000):
        chunk = ordered[start : start + 10_000]
        found.update(model.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    return found


def parse(data) -> list[Parsed]:
    """Validate every line; raise ImportFailed listing every bad line. Writes nothing.
    (Keeps every record: for small files and tests; the import streams instead.)"""
    source = Input(data)
    try:
        validate(source)
        return list(parsed_records(source))
    finally:
        source.close()


def parsed_records(source: Input) -> Iterator[Parsed]:
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


def parse_record(obj, problems, seen, existing, *, trusted=False) -> Parsed | None:
    """One line's record, or None with its problems. ``trusted``: the line passed the first
    pass already, so references and field rules are not checked again."""
    if not isinstance(obj, dict):
        problems.append(f"expected a JSON object, got {json_type(obj)}")
        return None
    record_type = obj.get("type")
    if not isinstance(record_type, str) or record_type not in RECORD_TYPES:
        allowed = ", ".join(RECORD_TYPES)
        problems.append(f"unknown type {record_type!r} (expected one of: {allowed})")
        return None
    spec = RECORD_TYPES[record_type]
    slug = obj.get("id")
    if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > 120:
        problems.append(f"id {slug!r} is not a slug (lowercase letters, digits and hyphens)")
        return None
    if not trusted and slug in seen[record_type]:
        problems.append(f"duplicate id: {record_type} {slug!r} already appears on an earlier line")
        return None

    def resolve(target: str, value: Any, name: str) -> bool:
        if not isinstance(value, str):
            problems.append(f"{name}: must be an id (a string), not {json_type(value)}")
            return False
        if trusted:
            return True
        if value not in seen[target] and value not in existing[target]:
            problems.append(f"{name}: {undefined(target, value, seen)}")
            return False
        return True

    parsed = Parsed(line=0, type=record_type, id=slug, values={"slug": slug})
    for name in spec.required:
        if obj.get(name) in (None, ""):
            problems.append(f"{name}: is required")
    for f in spec.fields:
        name = f.name
        value = obj.get(name)
        if f.required and value in (None, ""):
            continue
        if f.many:
            if value is None and f.absent == KEEP:
                continue  # an existing record keeps its own
            ids = value if value is not None else []
            if not isinstance(ids, list):
                problems.append(f"{name}: must be a list of ids")
                continue
            if all(resolve(f.ref, item, name) for item in ids):
                parsed.many[name] = list(dict.fromkeys(ids))
        elif f.ref:
            if value is None:
                parsed.values[name] = None
            elif resolve(f.ref, value, name):
                parsed.values[name] = value
        elif f.kind is CITATIONS:
            parsed.citations = _parse_citations(value, problems, seen, existing, trusted)
        elif f.kind is CAPTURES:
            parsed.captures = _parse_captures(value, obj.get("text"), problems, trusted)
        else:
            if value is None and f.absent != DEFAULT and not (f.absent == FIRST and name in obj):
                continue  # a new record takes the model's default; an existing one keeps its own
            if value is None:
                value = model_default(spec.model, name, value)
            try:
                parsed.values[name] = f.load(value)
            except FieldError as exc:
                problems.append(f"{name}: {exc}")
    if (
        record_type == "contradiction"
        and obj.get("claim") == obj.get("counter")
        and obj.get("claim")
    ):
        problems.append("claim and counter are the same claim")
    if not problems and not trusted:
        check_model_fields(spec, parsed.values, problems)
    return parsed


def _parse_citations(value, problems, seen, existing, trusted=False) -> list[dict[str, Any]]:
    """A claim's citations: each ``source``, ``quote``, ``note`` and its last check (the
    declaration's CHECK fields, as given: absent is null, and not drifted)."""
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
            problems.append(f"{where}.source: {undefined('source', source, seen)}")
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
        check = _parse_check(item, where, problems)
        if check is None:
            continue
        sources.add(source)
        result.append({"source": source, "quote": quote, "note": note, **check})
    return result


def _parse_captures(value, text, problems, trusted=False) -> list[dict[str, Any]] | None:
    """A source's captures (the declaration's CAPTURE fields), each with its text: a capture
    without one is the source's own ``text``. Each text must have the digest the capture
    says (checked in the first pass), and a source lists a capture (digest and date) once."""
    if value is None:
        return None
    if not isinstance(value, list):
        problems.append("captures: must be a list")
        return None
    result, keys = [], set()
    for index, item in enumerate(value, start=1):
        where = f"captures[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        capture, bad = {}, False
        for f in CAPTURE:
            given = item.get(f.name)
            if f.required and given in (None, ""):
                problems.append(f"{where}.{f.name}: is required")
                bad = True
                continue
            try:
                capture[f.name] = None if given is None and f.name == "text" else f.load(given)
            except FieldError as exc:
                problems.append(f"{where}.{f.name}: {exc}")
                bad = True
        if bad:
            continue
        if capture["text"] is None:
            if not isinstance(text, str) or not text:
                problems.append(
                    f"{where}.text: is left out (the source's own text), but the source has none"
                )
                continue
            capture["text"] = text
        elif not capture["text"]:
            problems.append(f"{where}.text: a capture's text is never empty")
            continue
        if not trusted:
            digest = hashlib.sha256(capture["text"].encode("utf-8")).hexdigest()
            if digest != capture["sha256"]:
                problems.append(
                    f"{where}.sha256: is not the digest of its text (which is {digest})"
                )
                continue
            if capture["superseded_at"] is not None and not capture["superseded_reason"].strip():
                problems.append(f"{where}.superseded_reason: a superseded capture says why")
                continue
            if len(capture["url"]) > 1000 or len(capture["superseded_reason"]) > 500:
                problems.append(f"{where}: url (1,000) or superseded_reason (500) is too long")
                continue
        key = (capture["sha256"], capture["taken_at"])
        if key in keys:
            problems.append(f"{where}: the same capture (digest and taken_at) is listed twice")
            continue
        keys.add(key)
        result.append(capture)
    return result


def _parse_check(item: dict, where: str, problems: list[str]) -> dict[str, Any] | None:
    """A citation's last check as the file says it, or None with its problems."""
    check, bad = {}, False
    for f in CHECK:
        value = item.get(f.name)
        try:
            check[f.name] = None if value is None and f.kind is CHOICE else f.load(value)
        except FieldError as exc:
            problems.append(f"{where}.{f.name}: {exc}")
            bad = True
    return None if bad else check
