"""Data out: every public list as CSV or JSON, streamed in chunks of rows.

Each chunk is one query for the next CHUNK rows after the last one sent, in the list's order
(keyset: the index scan starts at that row), with the rows' related data in the same query; so
memory and the first byte do not depend on the list's length. Rows are built from
``published()`` querysets the views hand in; nothing here widens them.
"""

from __future__ import annotations

import csv
import functools
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, OrderBy, OuterRef, Q
from django.db.models.functions import JSONObject
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse

from claims import search as full_text
from claims.models import Case, Citation, Claim, Contradiction, Correction, Topic
from claims.schema import DATE, RECORD_TYPES, Field, public_fields

CHUNK = 500
# Rows an anonymous download carries at most: past this the response says it was cut and how
# to get everything, so no request holds a worker for minutes.
ANONYMOUS_CAP = 10_000
CAPPED_MESSAGE = (
    "{cap} rows, the first of a longer list: narrow it with filters, sign in as newsroom staff "
    "for the whole list, or export the full data set with `python manage.py export_jsonl`."
)
RELEVANCE_CAPPED_MESSAGE = (
    "{sent} rows: more than {sent} match and best match first ranks only the newest {sent}; "
    "add sort=newest for every match, newest first."
)
# Headers a script on another site may read (the data is public: Access-Control-Allow-Origin).
EXPOSED_HEADERS = "X-Export-Matches, X-Export-Capped, Link"


def row_cap(request) -> int | None:
    """None (no cap) for signed-in staff, ANONYMOUS_CAP for everyone else."""
    user = request.user
    return None if (user.is_active and user.is_staff) else ANONYMOUS_CAP


class Key(NamedTuple):
    """One column of a list's order."""

    name: str
    descending: bool
    nulls_last: bool
    nullable: bool


def _key(item, opts, annotations) -> Key | None:
    """``item`` of an ``order_by`` as a Key, or None when it is not a column of the model's own
    table (an annotation such as a search rank, a related table's field, ``?``)."""
    if isinstance(item, str):
        item = OrderBy(F(item.lstrip("-")), descending=item.startswith("-"))
    elif isinstance(item, F):
        item = item.asc()
    if not (isinstance(item, OrderBy) and type(item.expression) is F):
        return None
    name = item.expression.name
    name = opts.pk.name if name == "pk" else name
    if name in annotations:
        return None
    try:
        field = opts.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.is_relation or not field.concrete:
        return None
    # without NULLS FIRST/LAST PostgreSQL sorts NULL as the largest value
    nulls_last = True if item.nulls_last else False if item.nulls_first else not item.descending
    return Key(field.attname, item.descending, nulls_last, field.null)


def order_keys(queryset) -> list[Key] | None:
    """The queryset's order (its ``order_by``, else its model's ``Meta.ordering``) as columns,
    up to the first unique not-null one, which makes it total; None when it cannot be walked by
    key: a key is not a plain column, or no unique column ends it."""
    query, opts = queryset.query, queryset.model._meta
    if query.extra_order_by:
        return None
    unique = {c.fields[0] for c in opts.total_unique_constraints if len(c.fields) == 1}
    keys = []
    for item in query.order_by or (opts.ordering if query.default_ordering else ()):
        key = _key(item, opts, query.annotations)
        if key is None:
            return None
        keys.append(key)
        field = opts.get_field(key.name)
        if (field.primary_key or field.unique or field.name in unique) and not field.null:
            return keys
    return None


def after(keys: Sequence[Key], values: Sequence[Any] | None) -> list[Q]:
    """The rows after the row whose key values are ``values`` (None: from the start), in the
    order of ``keys``, as parts to read one after the other.

    A part is one index range: a redundant bound on its leading key (``said_on <= v`` for a
    descending key) lets PostgreSQL start the index scan at the last row instead of walking
    every earlier row again. No bound reaches NULLs, so the NULLs of a key are a part of their
    own, after the others (NULLS LAST) or before them (NULLS FIRST), ordered by the keys after it.
    """
    if values is None:
        return [Q()]
    if not keys:
        return []  # every key equal: the row itself
    (key, *rest), (value, *later) = keys, values
    name = key.name
    if value is None:
        nulls = [Q(**{f"{name}__isnull": True}) & part for part in after(rest, later)]
        return nulls if key.nulls_last else [*nulls, Q(**{f"{name}__isnull": False})]
    op = "lt" if key.descending else "gt"
    beyond = Q(**{f"{name}__{op}": value})
    tied = after(rest, later)
    if tied:
        beyond = Q(**{f"{name}__{op}e": value}) & (
            beyond | Q(**{name: value}) & functools.reduce(operator.or_, tied)
        )
    nulls = [Q(**{f"{name}__isnull": True})] if key.nullable and key.nulls_last else []
    return [beyond, *nulls]


def walk(queryset, keys: list[Key], limit: int | None) -> Iterator[Any]:
    """``queryset``'s rows in its order (at most ``limit``), CHUNK at a time: each chunk is one
    query for the next rows after the previous chunk's last (two where it steps into a key's
    NULLs), so neither memory nor the first row waits on the list's length."""
    last = None
    while limit is None or limit > 0:
        size = CHUNK if limit is None else min(CHUNK, limit)
        rows = []
        for part in after(keys, last):
            rows += queryset.filter(part)[: size - len(rows)]
            if len(rows) == size:
                break
        yield from rows
        if len(rows) < size:
            return
        limit = None if limit is None else limit - size
        last = [getattr(rows[-1], key.name) for key in keys]


class Ids(list):
    """A list's ids in its order, read in one query (at most ``cap`` of them); ``capped`` when
    the list has more; ``more`` when it is a relevance search that matched more than it ranks."""

    capped = False
    more = False


def list_ids(queryset, cap: int | None) -> Ids:
    ranked = full_text.BEYOND in queryset.query.annotations  # a relevance search
    values = (
        queryset.values_list("pk", full_text.BEYOND)
        if ranked
        else queryset.values_list("pk", flat=True)
    )
    rows = list(values[: cap + 1] if cap is not None else values)
    ids = Ids(pk for pk, _ in rows) if ranked else Ids(rows)
    if cap is not None and len(ids) > cap:
        del ids[cap:]
        ids.capped = True
    ids.more = ranked and bool(rows) and rows[0][1] is not None  # a match past those ranked
    return ids


def chunked(ids: Ids, fetch: Callable[[list[int]], Iterable[Any]]) -> Iterator[Any]:
    """The rows of ``ids`` in their order, CHUNK at a time: ``fetch`` is one query per chunk
    (the ids came from a ``published()`` list, so the chunk is looked up by id alone)."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_id = {row.pk: row for row in fetch(chunk)}
        yield from (by_id[pk] for pk in chunk if pk in by_id)


class Extent(NamedTuple):
    """How much of what matched a download holds: ``matches`` rows matched (``more``: more than
    that), and ``capped``, why it holds fewer (None when it holds them all)."""

    matches: int
    more: bool = False
    capped: str | None = None


def list_rows(queryset, prepare: Callable, cap: int | None) -> tuple[Iterator[Any], Extent]:
    """The list's rows in its order, at most ``cap``, each read through ``prepare`` (which adds
    its related data to the same query), and its Extent: how many matched, and why fewer come
    out, whichever the cause (the visitors' ``cap``, or relevance ranking a bounded set).

    Walked by key when the order is made of the model's columns; its rows are counted up to one
    past the cap first, in one query (the headers go out before the first row). Otherwise
    (relevance: a rank over a bounded candidate set) the ids are read first, in one query, with
    how many candidates there were, then fetched by chunk. Neither counts past its bound: that
    would read every match (a third of the table for a common word).
    """
    keys = order_keys(queryset)
    if keys is None:
        ids = list_ids(queryset, cap)
        fetch = lambda chunk: prepare(queryset.model._default_manager.filter(pk__in=chunk))  # noqa: E731
        return chunked(ids, fetch), _ids_extent(ids, cap)
    if cap is None:
        extent = Extent(queryset.count())
    else:
        found = queryset.values("pk")[: cap + 1].count()
        extent = (
            Extent(cap, more=True, capped=CAPPED_MESSAGE.format(cap=cap))
            if found > cap
            else Extent(found)
        )
    return walk(prepare(queryset), keys, cap), extent


def _ids_extent(ids: Ids, cap: int | None) -> Extent:
    if ids.capped:
        return Extent(cap, more=True, capped=CAPPED_MESSAGE.format(cap=cap))
    if ids.more:
        sent = len(ids)
        return Extent(sent, more=True, capped=RELEVANCE_CAPPED_MESSAGE.format(sent=sent))
    return Extent(len(ids))


def mark_capped(response: StreamingHttpResponse, extent: Extent):
    """The headers that say how much of what matched the download holds: X-Export-Matches, a
    count (``>N`` for more than N), and X-Export-Capped when it holds fewer, saying why."""
    response["X-Export-Matches"] = f">{extent.matches}" if extent.more else str(extent.matches)
    if extent.capped:
        response["X-Export-Capped"] = extent.capped
        response["Link"] = f'<{absolute(reverse("claims:home"))}>; rel="collection"'
    return response


def absolute(path: str) -> str:
    """A site path as an absolute URL on the public address (settings.SITE_URL)."""
    return settings.SITE_URL + path


# CSV cells that start like a formula are prefixed so spreadsheets show them as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_cell(row.get(c)) for c in columns])


def _json_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False, default=str)
        first = False
    yield "\n]\n"


def stream(
    fmt: str,
    rows: Iterable[dict[str, Any]],
    *,
    columns: list[str],
    filename: str,
    flatten: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> StreamingHttpResponse:
    """A streamed download of ``rows``; CSV gets ``flatten``ed rows and only ``columns``."""
    if fmt == "csv":
        flat = map(flatten, rows) if flatten else rows
        response = StreamingHttpResponse(
            _csv_lines(flat, columns), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            _json_lines(rows), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"  # public data, for newsroom tools
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


# Records -------------------------------------------------------------------------------
#
# A record of a public export is its id, its page, then the exchange format's public fields
# (claims/schema.py) in the exchange order, converted out as the exchange writes them. After a
# reference comes what a reader needs of the record it names (``beside``: a speaker's name, a
# side's words); a list of references is read from the annotation holding its public ids
# (``<type>_ids``: a draft case's id is never shown); ``instead`` reads a field another way.

Beside = dict[str, dict[str, Callable[[Any], Any]]]


@functools.cache
def _public(record_type: str, leave_out: tuple[str, ...]) -> tuple[Field, ...]:
    spec = RECORD_TYPES[record_type]
    return tuple(spec.field(name) for name in public_fields(record_type, leave_out=leave_out))


def public_columns(
    record_type: str, *, beside: Beside | None = None, leave_out: tuple[str, ...] = ()
) -> list[str]:
    """The columns of a type's public fields, each with what comes beside it."""
    beside = beside or {}
    return [
        column
        for f in _public(record_type, leave_out)
        for column in (f.name, *beside.get(f.name, {}))
    ]


def public_values(
    record_type: str,
    obj,
    *,
    beside: Beside | None = None,
    leave_out: tuple[str, ...] = (),
    instead: dict[str, Callable[[Any], Any]] | None = None,
) -> dict[str, Any]:
    """The values of ``obj``'s public fields, in ``public_columns``' order."""
    beside, instead = beside or {}, instead or {}
    values: dict[str, Any] = {}
    for f in _public(record_type, leave_out):
        if f.name in instead:
            values[f.name] = instead[f.name](obj)
        elif f.many:
            values[f.name] = getattr(obj, f"{f.ref}_ids")
        elif f.ref:
            values[f.name] = getattr(obj, f.name).slug if getattr(obj, f.attname) else None
        else:
            values[f.name] = f.dump(getattr(obj, f.name))
        for column, read in beside.get(f.name, {}).items():
            values[column] = read(obj)
    return values


# Claims --------------------------------------------------------------------------------

# Beside the speaker's id, its name; the cited sources' ids for the citations (CSV).
SPEAKER_NAME: Beside = {"speaker": {"speaker_name": lambda claim: claim.speaker.name}}
CLAIM_COLUMNS = [
    "id",
    "url",
    *public_columns("claim", beside=SPEAKER_NAME, leave_out=("citations",)),
    "sources",
]


def case_ids(related_name: str) -> ArraySubquery:
    """The ids of the published cases a claim or a contradiction belongs to (a draft case's
    id is never shown)."""
    return ArraySubquery(
        Case.objects.published()
        .filter(**{related_name: OuterRef("pk")})
        .order_by("slug")
        .values("slug")
    )


def with_case_ids(queryset):
    """Contradictions with ``case_ids`` for ``contradiction_record``."""
    return queryset.annotate(case_ids=case_ids("contradictions"))


def _with_related(queryset):
    return queryset.select_related("speaker").annotate(
        topic_ids=ArraySubquery(
            Topic.objects.filter(claims=OuterRef("pk")).order_by("slug").values("slug")
        ),
        case_ids=case_ids("claims"),
        citation_rows=ArraySubquery(
            Citation.objects.filter(claim=OuterRef("pk"))
            .order_by("position", "pk")
            .values(
                row=JSONObject(
                    source="source__slug",
                    source_title="source__title",
                    outlet="source__outlet__name",
                    quote="quote",
                    verification="verification_state",
                    score="verification_score",
                    anchored="anchor_start",
                )
            )
        ),
    )


def _source_path(slug: str) -> str:
    return reverse("claims:source_detail", kwargs={"slug": slug})


def claim_record(claim: Claim) -> dict[str, Any]:
    """One claim as data; needs ``_with_related`` annotations."""
    return {
        "id": claim.slug,
        "url": absolute(claim.get_absolute_url()),
        **public_values("claim", claim, beside=SPEAKER_NAME, leave_out=("citations",)),
        "citations": [
            {
                "source": c["source"],
                "source_title": c["source_title"],
                "source_url": absolute(_source_path(c["source"])),
                "passage_url": (
                    absolute(f"{_source_path(c['source'])}#quote-{claim.slug}")
                    if c["anchored"] is not None
                    else None
                ),
                "outlet": c["outlet"],
                "quote": c["quote"],
                "verification": c["verification"],
                "verification_score": c["score"],
            }
            for c in claim.citation_rows
        ],
    }


def _flat_claim(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "sources": [c["source"] for c in record["citations"]]}


def claims(
    fmt: str,
    queryset,
    *,
    filename: str = "claims",
    cap: int | None = ANONYMOUS_CAP,
) -> StreamingHttpResponse:
    rows, extent = list_rows(queryset, _with_related, cap)
    response = stream(
        fmt, map(claim_record, rows), columns=CLAIM_COLUMNS, filename=filename, flatten=_flat_claim
    )
    return mark_capped(response, extent)


# Contradictions --------------------------------------------------------------------------


def _side(role: str) -> dict[str, Callable[[Contradiction], Any]]:
    """Beside a side's id: who said it, its words and when."""
    return {
        f"{role}_speaker": lambda item: getattr(item, role).speaker.name,
        f"{role}_text": lambda item: getattr(item, role).text,
        f"{role}_said_on": lambda item: DATE.dump(getattr(item, role).said_on),
    }


PAIR_BESIDE: Beside = {
    "claim": _side("claim"),
    "counter": _side("counter"),
    "relation": {"relation_label": lambda item: item.get_relation_display()},
}
PAIR_TITLE = {"title": str}  # the pair's name, its title or else its sides and relation
CONTRADICTION_COLUMNS = ["id", "url", *public_columns("contradiction", beside=PAIR_BESIDE)]


def contradiction_record(item: Contradiction) -> dict[str, Any]:
    """One pair as data; needs the ``with_case_ids`` annotation."""
    return {
        "id": item.slug,
        "url": absolute(item.get_absolute_url()),
        **public_values("contradiction", item, beside=PAIR_BESIDE, instead=PAIR_TITLE),
    }


def contradictions(
    fmt: str, queryset, *, filename="contradictions", cap: int | None = ANONYMOUS_CAP
) -> StreamingHttpResponse:
    rows, extent = list_rows(
        queryset,
        lambda qs: with_case_ids(qs).select_related("claim__speaker", "counter__speaker"),
        cap,
    )
    response = stream(
        fmt, map(contradiction_record, rows), columns=CONTRADICTION_COLUMNS, filename=filename
    )
    return mark_capped(response, extent)


EVIDENCE_COLUMNS = ["role", *CLAIM_COLUMNS, "relation", "contradiction", "contradiction_url"]


def evidence(fmt: str, contradiction: Contradiction) -> HttpResponse:
    """The pair behind one contradiction page: both statements with every citation.

    ``contradiction`` is a published one, with ``with_case_ids``; its sides are read again through
    ``Claim.objects.published()`` with their annotations, in one query.
    """
    sides = {
        c.pk: claim_record(c)
        for c in _with_related(
            Claim.objects.published().filter(
                pk__in=[contradiction.claim_id, contradiction.counter_id]
            )
        )
    }
    statement, counter = sides[contradiction.claim_id], sides[contradiction.counter_id]
    base = contradiction_record(contradiction)
    if fmt == "json":
        # the pair's record, each side's id in full: every citation (its words beside it too)
        full = {"claim": statement, "counter": counter}
        words = {column for role in full for column in PAIR_BESIDE[role]}
        data = {key: full.get(key, value) for key, value in base.items() if key not in words}
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n",
            content_type="application/json; charset=utf-8",
        )
    else:
        rows = [
            {
                "role": role,
                **_flat_claim(record),
                "relation": base["relation"],
                "contradiction": base["id"],
                "contradiction_url": base["url"],
            }
            for role, record in (("claim", statement), ("counter", counter))
        ]
        response = HttpResponse(
            "".join(_csv_lines(rows, EVIDENCE_COLUMNS)), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{contradiction.slug}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Corrections ---------------------------------------------------------------------------

CORRECTION_COLUMNS = ["id", *public_columns("correction"), "url"]


def correction_url(correction: Correction) -> str:
    """Where a correction is read: on the corrected page, else on the corrections page."""
    if correction.contradiction_id:
        page = correction.contradiction.get_absolute_url()
    elif correction.claim_id:
        page = correction.claim.get_absolute_url()
    else:
        page = "/corrections/"
    return f"{page}#correction-{correction.slug}"


def correction_record(correction: Correction) -> dict[str, Any]:
    return {
        "id": correction.slug,
        **public_values("correction", correction),
        "url": absolute(correction_url(correction)),
    }


def corrections(
    fmt: str, queryset, *, filename="corrections", cap: int | None = ANONYMOUS_CAP
) -> StreamingHttpResponse:
    rows, extent = list_rows(queryset, lambda qs: qs.select_related("claim", "contradiction"), cap)
    response = stream(
        fmt, map(correction_record, rows), columns=CORRECTION_COLUMNS, filename=filename
    )
    return mark_capped(response, extent)
