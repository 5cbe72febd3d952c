"""Writing a checked file: the second pass, in one transaction, in batches of lines of one type
gathered across a window of the file whatever their order, written in dependency order (a line
refers only to earlier lines, never to a line of its own type; ``Window``).

Per batch: one query finds the records already in the database; new ones are written with COPY
(claims/exchange/rows.py: with their citations, list references and history rows), changed ones
with ``bulk_update``; the list references (topics, cases) are made what the file says; then a
record type's own work, in its hooks (``TypeHooks``: a source's digest and re-anchored
citations, a claim's citations verified against its sources' texts, each text read once while
it is in the cache, and the publishing rules checked by line; the published pairs, checked at
the end). Then ANALYZE.

A restore (``import_records(..., restore=True)``) loads into an empty database and records items
as they were exported, published ones too when today's publishing rules would refuse them: each
is reported (``ImportReport.attention``) and listed in the admin as "Published, needs attention"
(``publishing.needs_attention``), instead of the file being refused.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from claims import publishing
from claims.exchange.read import (
    ImportFailed,
    Input,
    LineError,
    Parsed,
    parsed_records,
    progress_bar,
    validate,
)
from claims.exchange.rows import NewRows, new_rows, through_columns
from claims.models import Citation, Claim, Contradiction, Status
from claims.publishing import first_published_at
from claims.schema import (
    CAPTURE_FIELDS,
    CHECK,
    FIRST,
    RECORD_TYPES,
    TOUCHED,
    TYPE_ORDER,
    Field,
    RecordType,
)
from claims.verification import SAVED_FIELDS, reanchor_citations, verify_citation
from sources.models import Capture, CaptureHow, Source

BATCH = 2000  # records of one type written at once
WINDOW_TEXT = 32 * 1024 * 1024  # characters of text held before a window is written anyway
TEXT_CACHE_BYTES = 64 * 1024 * 1024
ANALYZE_AFTER_ROWS = 1000  # a smaller import leaves the statistics to autovacuum


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    verified: int = 0
    drifted: int = 0
    # a restore: the published items recorded although they fail today's publishing rules
    attention: list[LineError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class NotEmpty(Exception):
    """A restore asked of a database that already holds records."""


def import_records(data, *, progress: bool = False, restore: bool = False) -> ImportReport:
    """Validate, then write everything in one transaction. Idempotent: an unchanged record
    is not saved again, so importing the same file twice changes nothing (not even history).

    ``data``: bytes, text, or a file opened in binary mode (read twice; standard input is
    spooled to a temporary file). ``progress``: tqdm bars on standard error. ``restore``: the
    file is a backup or an export of this app, loaded into an empty database (NotEmpty
    otherwise) with its items as they were: a published item that fails today's publishing
    rules is recorded, and reported in ``ImportReport.attention``, instead of refused.
    """
    if restore and (held := records_held()):
        raise NotEmpty(
            "A restore loads into an empty database, and this one holds "
            + ", ".join(f"{n} {name}(s)" for name, n in held.items())
            + ". Import without the restore switch to add the records under the publishing "
            "rules, or restore into an empty database."
        )
    source = Input(data)
    try:
        lines, _types = validate(source, progress=progress)
        writer = Writer(restore=restore)
        try:
            with transaction.atomic(), progress_bar(progress, lines, "importing") as bar:
                window = Window()
                for record in parsed_records(source):
                    if window.add(record):
                        window.write(writer)
                        bar.update(record.line - bar.n)
                window.write(writer)
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


class Window:
    """The lines read and not yet written, by type, whatever their order in the file: written
    in dependency order (``TYPE_ORDER``: each type refers only to types before it) once one
    type holds a batch's worth or the texts held pass ``WINDOW_TEXT``. A line refers only to
    lines before it, so what it refers to is written in an earlier window or earlier in its
    own: a file written case by case (a source, the claims citing it, their pairs, the next
    source) is written in as few batches, as large, as the same records grouped by type."""

    def __init__(self):
        self.held: dict[str, list[Parsed]] = {name: [] for name in TYPE_ORDER}
        self.text = 0

    def add(self, record: Parsed) -> bool:
        """Hold ``record``; is the window full?"""
        held = self.held[record.type]
        held.append(record)
        self.text += len(record.values.get("text") or "")
        self.text += sum(len(c["text"]) for c in record.captures or ())
        return len(held) >= BATCH or self.text >= WINDOW_TEXT

    def write(self, writer: Writer) -> None:
        for name in TYPE_ORDER:
            if self.held[name]:
                writer.write(self.held[name])
                self.held[name] = []
        self.text = 0


def records_held() -> dict[str, int]:
    """The record types the database holds rows of, with how many (what the exchange writes)."""
    found = {}
    for name, spec in RECORD_TYPES.items():
        if spec.model.objects.exists():
            found[name] = spec.model.objects.count()
    return found


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


class TextCache:
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
        found = {pk: self.texts[pk] for pk in wanted if pk in self.texts}
        missing = wanted - found.keys()
        if missing:
            for pk, text in Source.objects.filter(pk__in=missing).values_list("pk", "text"):
                found[pk] = text  # returned even when the cache cannot keep it
                self.put(pk, text)
        return found


class SourceCaptures:
    """The captures in use of some sources, without their texts, from one query: each
    source's current one (its last) and the one a citation's check names by its digest (the
    last with that digest)."""

    def __init__(self, source_ids: set[int]):
        self.by_source: dict[int, list[Capture]] = {}
        if source_ids:
            captures = (
                Capture.objects.in_use()
                .listed()
                .filter(source_id__in=source_ids)
                .order_by("source_id", "pk")
            )
            for capture in captures:
                self.by_source.setdefault(capture.source_id, []).append(capture)

    def current(self, source_id: int) -> Capture | None:
        captures = self.by_source.get(source_id)
        return captures[-1] if captures else None

    def named(self, source_id: int, sha256: str | None) -> Capture | None:
        if sha256 is None:
            return None
        for capture in reversed(self.by_source.get(source_id, ())):
            if capture.sha256 == sha256:
                return capture
        return None


# --- what a record type does beyond its declared fields --------------------------------------


class TypeHooks:
    """A record type's own part of a batch; the defaults do nothing. ``writer`` holds what the
    hooks of several types share (the source text cache, the refusals)."""

    defer: tuple[str, ...] = ()  # columns not read to compare (derived, or compared otherwise)

    def __init__(self, writer: Writer):
        self.writer = writer

    def prepare(self, record: Parsed, values: dict[str, Any]) -> None:
        """Derived values of a record about to be compared or written."""

    def new(self, obj: models.Model, record: Parsed) -> None:
        """A new record before it is written."""

    def changed(self, obj: models.Model, values: dict[str, Any]) -> set[str]:
        """The fields of an existing record the line changes."""
        return {k for k, v in values.items() if getattr(obj, k) != v}

    def saved(self, records: list[Parsed], objs: list, states: list[str]) -> list[bool]:
        """After the batch's rows and list references are written: per record, whether this
        hook changed it further (its citations)."""
        return [False] * len(records)

    def done(self, records: list[Parsed], objs: list, created: list) -> None:
        """After the history rows."""


class SourceHooks(TypeHooks):
    defer = ("text",)  # compared by its digest

    def __init__(self, writer: Writer):
        super().__init__(writer)
        self.text_changed: list[Source] = []

    def prepare(self, record, values):
        values["sha256"] = Source.digest(values.get("text", ""))

    def changed(self, obj, values):
        text = values.pop("text", "")
        changed = super().changed(obj, values)
        if "sha256" in changed:
            changed.add("text")
            self.text_changed.append(obj)
        obj.text = text  # the same as stored unless it changed: no query for it
        values["text"] = text
        return changed

    def saved(self, records, objs, states):
        writer = self.writer
        current = self._captures(records, objs, states)
        for obj in self.text_changed:  # a new capture: its citations re-anchored
            capture = current.get(obj.pk) if obj.text else None
            writer.report.drifted += len(reanchor_citations(source=obj, capture=capture))
            writer.texts.put(obj.pk, obj.text)
            if writer.claims_seen:
                writer.sources_changed_after_claims.add(obj.pk)
        self.text_changed = []
        return super().saved(records, objs, states)

    def _captures(self, records, objs, states) -> dict[int, Capture]:
        """Add the captures each source lacks (those the line lists, matched by digest and
        date; then its text, when the last capture in use is not it, but in a restore of a line
        that lists its captures, which records them as they were), all with one COPY after
        one query for the captures the batch's sources have. Returns each source's current
        capture (its last in use), without its text."""
        writer = self.writer
        have: dict[int, list[Capture]] = {}
        old = [obj.pk for obj, state in zip(objs, states, strict=True) if state != "created"]
        if old:
            for capture in (
                Capture.objects.filter(source_id__in=old)
                .only("pk", "source_id", "sha256", "taken_at", "superseded_at")
                .order_by("pk")
            ):
                have.setdefault(capture.source_id, []).append(capture)
        new: list[Capture] = []
        current: dict[int, Capture] = {}
        for record, obj in zip(records, objs, strict=True):
            captures = have.get(obj.pk, [])
            keys = {(c.sha256, c.taken_at) for c in captures}
            for item in record.captures or ():
                if (item["sha256"], item["taken_at"]) in keys:
                    continue  # kept as it is: a capture is never changed
                capture = Capture(source_id=obj.pk, **{k: item[k] for k in CAPTURE_FIELDS})
                keys.add((capture.sha256, capture.taken_at))
                captures.append(capture)
                new.append(capture)
            in_use = [c for c in captures if c.superseded_at is None]
            # a restore of a line that lists captures keeps them as they were, exactly
            as_listed = writer.restore and record.captures is not None
            if obj.text and not as_listed and (not in_use or in_use[-1].sha256 != obj.sha256):
                taken_at = obj.captured_at
                if taken_at is None or (obj.sha256, taken_at) in keys:
                    taken_at = writer.now
                capture = Capture(
                    source_id=obj.pk,
                    text=obj.text,
                    sha256=obj.sha256,
                    taken_at=taken_at,
                    how=CaptureHow.IMPORTED,
                )
                in_use.append(capture)
                new.append(capture)
            if in_use:
                current[obj.pk] = in_use[-1]
        if new:
            new_rows(Capture).insert(new)
            writer.rows_written += len(new)
            writer.touched.add(Capture)
            for capture in new:
                capture.text = ""  # keep no texts in memory but the cache's
        return current

    def done(self, records, objs, created):
        for obj in created:  # cited by the claims to come: no need to read them back
            self.writer.texts.put(obj.pk, obj.text)
        for obj in objs:
            obj.text = ""  # keep no texts in memory but the cache's


class ClaimHooks(TypeHooks):
    defer = ("topic_pks",)  # derived: kept by the database, not compared

    def new(self, obj, record):
        # Claim.topic_pks as the database's triggers make it, written in the claim's own COPY:
        # the one derived column with a second writer (claims/schema.py says why); the triggers
        # still run after the topic lists' COPY and correct a value that differs
        topics = record.many.get("topics", ())
        obj.topic_pks = sorted({self.writer.pks["topic"][slug] for slug in topics})

    def saved(self, records, objs, states):
        self.writer.claims_seen = True
        return self.writer.sync_citations(records, objs, states)


class ContradictionHooks(TypeHooks):
    def done(self, records, objs, created):
        writer = self.writer
        for record, obj in zip(records, objs, strict=True):
            if record.values.get("status") == Status.PUBLISHED:
                writer.to_review.append(obj.pk)
                writer.to_review_lines.append(record.line)


HOOKS: dict[str, type[TypeHooks]] = {
    "source": SourceHooks,
    "claim": ClaimHooks,
    "contradiction": ContradictionHooks,
}


# --- the writer --------------------------------------------------------------------------------


def _first_stamp(f: Field, status: str):
    """A ``FIRST`` date the line does not give: now when its status is the one that dates it
    (a first publication: the publishing rules' own function), else none."""
    if f.stamp_on == Status.PUBLISHED:
        return first_published_at(status, None)
    return timezone.now() if status == f.stamp_on else None


def checked_at(citation: Citation, item: dict[str, Any]):
    """When the check the citation now shows was made: the file's date when the import's own
    check (just made) found what the file says its check found, state, score, offsets and drift,
    in the capture the file names if it names one (a restore of an untouched backup: the badge
    keeps its date); else the import's check, which found something else (the text, the quote
    or the checker changed) or had no date to keep."""
    said = item["verified_at"]
    if said is None or said > citation.verified_at:
        return citation.verified_at
    for f in CHECK:
        if f.name == "verified_at" or (f.read_as and item[f.name] is None):
            continue
        if _checked(citation, f) != item[f.name]:
            return citation.verified_at
    return said


def _checked(citation: Citation, f: Field) -> Any:
    """A check's field as the citation holds it (a related record's value: ``read_as``)."""
    if not f.read_as:
        return getattr(citation, f.name)
    name, attribute = f.read_as.split(".")
    if getattr(citation, f"{name}_id") is None:
        return None
    return getattr(getattr(citation, name), attribute)


class Writer:
    """The second pass: writes batches of records of one type, each after those it refers to."""

    def __init__(self, *, restore: bool = False):
        self.restore = restore
        self.report = ImportReport()
        self.pks: dict[str, dict[str, int]] = {name: {} for name in RECORD_TYPES}
        self.hooks = {name: HOOKS.get(name, TypeHooks)(self) for name in RECORD_TYPES}
        self.texts = TextCache()
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

    def _load_refs(self, records: list[Parsed], spec: RecordType) -> None:
        """Primary keys of the records referred to that are not from this file: one query
        per type for the batch."""
        wanted: dict[str, set[str]] = {}
        for record in records:
            for f in spec.fields:
                if not f.ref:
                    continue
                if f.many:
                    slugs = record.many.get(f.name, ())
                else:
                    slugs = [record.values[f.name]] if record.values.get(f.name) else ()
                known = self.pks[f.ref]
                wanted.setdefault(f.ref, set()).update(s for s in slugs if s not in known)
            for item in record.citations:
                if item["source"] not in self.pks["source"]:
                    wanted.setdefault("source", set()).add(item["source"])
        for record_type, slugs in wanted.items():
            if slugs:
                model = RECORD_TYPES[record_type].model
                self.pks[record_type].update(
                    model.objects.filter(slug__in=slugs).values_list("slug", "pk")
                )

    def _values(self, record: Parsed, spec: RecordType, obj) -> dict[str, Any]:
        """The model's values for the line: references as primary keys, the public history's
        dates as the declaration says (``FIRST``: the first stands; a line without the field, as
        in a file from before the format carried it, is dated now if its status calls for it;
        null is no date. ``TOUCHED``: only for a new record, a changed one is dated now)."""
        values = {}
        for name, value in record.values.items():
            f = spec.field(name) if name != "slug" else None
            if f is not None and f.ref:
                values[f.attname] = None if value is None else self.pks[f.ref][value]
            elif f is not None and f.absent == TOUCHED:
                if obj is None:
                    values[name] = value
            else:
                values[name] = value
        status = values.get("status")
        for f in spec.fields:
            if f.absent != FIRST:
                continue
            stored = getattr(obj, f.name) if obj is not None else None
            if stored is not None:
                values.pop(f.name, None)  # the first date stands
            elif f.name not in values and status is not None:
                values[f.name] = _first_stamp(f, status)
        return values

    # -- one batch

    def write(self, records: list[Parsed]) -> None:
        record_type = records[0].type
        spec = RECORD_TYPES[record_type]
        hooks = self.hooks[record_type]
        model = spec.model
        self.current = records[0].line
        self._load_refs(records, spec)
        generated = [f.name for f in model._meta.concrete_fields if f.generated]
        queryset = model.objects.filter(slug__in=[r.id for r in records])
        if generated or hooks.defer:
            queryset = queryset.defer(*generated, *hooks.defer)
        existing = {obj.slug: obj for obj in queryset}

        objs, states, created, updated, fields = [], [], [], [], set()
        for record in records:
            obj = existing.get(record.id)
            values = self._values(record, spec, obj)
            hooks.prepare(record, values)
            if obj is None:
                obj = model(**values)
                hooks.new(obj, record)
                created.append(obj)
                states.append("created")
            else:
                changed = hooks.changed(obj, values)
                if changed:
                    for name in changed:
                        setattr(obj, name, values[name])
                    updated.append(obj)
                    fields |= changed
                    states.append("updated")
                else:
                    states.append("unchanged")
            objs.append(obj)

        rows = new_rows(model)
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
            self.pks[record_type][record.id] = obj.pk

        many_changed, links = self._sync_many(records, objs, spec, states)
        further = hooks.saved(records, objs, states)
        for index, name in enumerate(states):
            if name == "unchanged" and (many_changed[index] or further[index]):
                states[index] = "updated"
        self._history(rows, created, objs, states, many_changed, updated, links)
        hooks.done(records, objs, created)
        for name in states:
            setattr(self.report, name, getattr(self.report, name) + 1)
        if created or updated or any(many_changed):
            self.touched.add(model)
            self.rows_written += len(created) + len(updated)

    def _sync_many(self, records, objs, spec: RecordType, states):
        """Make each record's list references (topics, cases) what the file says; a list the
        line leaves out is kept (the declaration's KEEP). Per record: did one change? And the
        rows added, by field: (id, own pk, other pk)."""
        changed = [False] * len(records)
        added: dict[str, list[tuple[int, int, int]]] = {}
        model = spec.model
        for f in spec.fields:
            if not f.many:
                continue
            name = f.name
            through = getattr(model, name).through
            own, other = through_columns(model, name)
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
                wanted = [self.pks[f.ref][slug] for slug in records[i].many[name]]
                if set(wanted) != current.get(obj.pk, set()):
                    changed[i] = True
                    if obj.pk in current:
                        to_clear.append(obj.pk)
                    to_add.extend((obj.pk, pk) for pk in wanted)
            if to_clear:
                through.objects.filter(**{f"{own}__in": to_clear}).delete()
            if to_add:
                added[name] = new_rows(model).insert_links(name, to_add)
                self.rows_written += len(to_add)
        return changed, added

    def sync_citations(self, records, claims, states) -> list[bool]:
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
                        # the file's check: where it found the words (the hint of this one:
                        # of a quote printed twice, the same) and whether they were lost
                        anchor_start=item["anchor_start"],
                        drifted=item["drifted"],
                    )
                    new.append(citation)
                    to_verify.append((citation, item))
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
                        to_verify.append((citation, item))
                mine.append(citation)
            for source_id, citation in have.items():
                if source_id not in wanted:
                    gone.append(citation.pk)
                    changed[index] = True
            final.append(mine)

        if to_verify:
            texts = self.texts.get_many(c.source_id for c, _item in to_verify)
            captures = SourceCaptures({c.source_id for c, _item in to_verify})
            earlier: dict[int, Capture] = {}
            for citation, item in to_verify:
                if citation.pk is None and item["drifted"]:
                    # "changed since": the file's check stands in the capture it names while
                    # that capture prints the words (verify_citation looks there)
                    named = captures.named(citation.source_id, item["capture"])
                    citation.capture = named
                    current = captures.current(citation.source_id)
                    if named is not None and named is not current:
                        earlier[named.pk] = named
            if earlier:
                for pk, text in Capture.objects.filter(pk__in=earlier).values_list("pk", "text"):
                    earlier[pk].text = text
            for citation, item in to_verify:
                verify_citation(
                    citation=citation,
                    text=texts[citation.source_id],
                    save=False,
                    capture=captures.current(citation.source_id),
                    checked_in=earlier.get(citation.capture_id),
                )
                citation.verified_at = checked_at(citation, item)
            for capture in earlier.values():
                capture.text = ""
            self.report.verified += len(to_verify)
        if gone:
            Citation.objects.filter(pk__in=gone).delete()  # history rows by signal
        citation_rows = new_rows(Citation)
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
                edited, ["quote", "note", "position", "version", *SAVED_FIELDS], batch_size=BATCH
            )
            citation_rows.insert_history(edited, when=self.now, change="~", reason="")
            self.touched.add(Citation)
        edited_ids = {id(c) for c in edited} | {id(c) for c in new}
        verified_only = [c for c, _item in to_verify if id(c) not in edited_ids]
        if verified_only:  # machine-kept fields: no history, no new version
            Citation.objects.bulk_update(verified_only, SAVED_FIELDS, batch_size=BATCH)

        for record, claim, mine in zip(records, claims, final, strict=True):
            if record.values.get("status") != Status.PUBLISHED:
                continue
            self.published_claims.append(claim.pk)
            self.published_claim_lines.append(record.line)
            found = publishing.review_claim(claim, citations=mine)
            self._refuse(record, found, claim.override_reason)
        return changed

    def _refuse(self, record: Parsed, found: publishing.Review, override_reason: str) -> None:
        """The publishing rules a line that publishes does not meet: refusals of the file, or
        in a restore, items recorded as published that need an editor's attention."""
        problems = found.blockers + ([] if override_reason else found.unverified)
        if self.restore:
            what = f"{record.type} {record.id!r} is restored as published, but"
        else:
            what = f"cannot publish {record.type} {record.id!r}:"
        self.refusals.extend(LineError(record.line, f"{what} {problem}") for problem in problems)

    def _history(self, rows: NewRows, created, objs, states, many_changed, updated, links):
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
            own, other = through_columns(rows.model, name)
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
        then every refusal at once (a restore reports them instead)."""
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
        self.refusals.sort(key=lambda e: e.line)
        if self.restore:
            self.report.attention = self.refusals
        elif self.refusals:
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
