"""The export: every record, types in dependency order, each type ordered by id, each line's
fields as the declaration (claims/schema.py) lists them and converts them out. Deterministic,
so export → import into an empty database → export gives the same bytes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Any

from django.db import models

from claims.models import Citation
from claims.schema import (
    CAPTURE,
    CAPTURES,
    CITATION,
    CITATIONS,
    RECORD_TYPES,
    TYPE_ORDER,
    Field,
    RecordType,
)
from sources.models import Capture

# Rows read per query (a source carries its whole text; a claim its citations).
CHUNK_SIZE = {"source": 500, "claim": 1000, "contradiction": 1000}


def export_records() -> Iterator[dict[str, Any]]:
    """Every record, types in dependency order, each type ordered by id."""
    for record_type in TYPE_ORDER:
        spec = RECORD_TYPES[record_type]
        fields = [(f.name, f.omit_empty, f.stamp_on, _getter(f)) for f in spec.fields]
        for obj in _queryset(spec).iterator(chunk_size=CHUNK_SIZE.get(record_type, 2000)):
            line = {"type": record_type, "id": obj.slug}
            for name, omit_empty, stamp_on, get in fields:
                value = get(obj)
                # a date an item of its status lacks is said (null): an import would date it
                if (
                    not omit_empty
                    or value not in (None, "")
                    or (stamp_on is not None and line.get("status") == stamp_on)
                ):
                    line[name] = value
            yield line


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


def _queryset(spec: RecordType):
    """The type's records with what their lines name: the records referred to (one join, or
    one query per chunk for lists), in id order."""
    model = spec.model
    queryset = model.objects.order_by("slug")
    generated = [f.name for f in model._meta.concrete_fields if f.generated]
    if generated:
        queryset = queryset.defer(*generated)
    single = [f.name for f in spec.fields if f.ref and not f.many]
    if single:
        queryset = queryset.select_related(*single)
    lists = [
        models.Prefetch(
            f.name, queryset=RECORD_TYPES[f.ref].model.objects.order_by("slug").only("slug")
        )
        for f in spec.fields
        if f.many
    ]
    if any(f.kind is CITATIONS for f in spec.fields):
        cited = [f.name for f in CITATION if f.ref]
        related = {f.read_as.split(".")[0] for f in CITATION if f.read_as}
        lists.append(
            models.Prefetch(
                "citations",
                queryset=Citation.objects.select_related(*cited, *related)
                .defer(
                    *(f"{name}__text" for name in related), *(f"{name}__warc" for name in related)
                )
                .order_by("position", "source__slug"),
            )
        )
    if any(f.kind is CAPTURES for f in spec.fields):
        lists.append(
            models.Prefetch("captures", queryset=Capture.objects.defer("warc").order_by("pk"))
        )
    return queryset.prefetch_related(*lists) if lists else queryset


def _getter(f: Field) -> Callable[[Any], Any]:
    """How the field's value is read from a record and converted out."""
    if f.many:
        return lambda obj: [other.slug for other in getattr(obj, f.name).all()]
    if f.ref:
        return lambda obj: getattr(getattr(obj, f.name), "slug", None)
    if f.kind is CITATIONS:
        parts = [(c.name, c.omit_empty, _getter(c)) for c in CITATION]

        def citations(obj) -> list[dict[str, Any]]:
            lines = []
            for citation in getattr(obj, f.name).all():
                item = {}
                for name, omit_empty, get in parts:
                    value = get(citation)
                    if not (omit_empty and _empty(value)):
                        item[name] = value
                lines.append(item)
            return lines

        return citations
    if f.kind is CAPTURES:
        parts = [(c.name, c.omit_empty, _getter(c)) for c in CAPTURE]

        def captures(obj) -> list[dict[str, Any]]:
            lines = []
            for capture in getattr(obj, f.name).all():
                item = {}
                for name, omit_empty, get in parts:
                    value = get(capture)
                    if name == "text" and value == obj.text:
                        continue  # the source's own text: not carried twice
                    if not (omit_empty and _empty(value)):
                        item[name] = value
                lines.append(item)
            return lines

        return captures
    if f.read_as:
        path = attrgetter(f.read_as)
        dump = f.dump

        def related(obj) -> Any:
            try:
                return dump(path(obj))
            except AttributeError:  # no related record (None)
                return None

        return related
    read = attrgetter(f.name)
    dump = f.dump
    return lambda obj: dump(read(obj))


def _empty(value: Any) -> bool:
    """What a citation's field left out when empty holds then: no value, no text, not set (a
    score of 0 is a score)."""
    return value is None or value is False or value == ""
