"""Data out: every public list as CSV or JSON, streamed row by row from one query.

Rows are built from ``published()`` querysets the views hand in; nothing here widens them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse

from claims.models import Case, Citation, Claim, Contradiction, Correction, Topic
from claims.schema import public_fields

CHUNK = 500
# Rows an anonymous download carries at most: past this the response says it was cut and how
# to get everything, so no request holds a worker for minutes.
ANONYMOUS_CAP = 10_000
CAPPED_MESSAGE = (
    "{cap} rows, the first of a longer list: narrow it with filters, sign in as newsroom staff "
    "for the whole list, or export the full data set with `python manage.py export_jsonl`."
)


def row_cap(request) -> int | None:
    """None (no cap) for signed-in staff, ANONYMOUS_CAP for everyone else."""
    user = request.user
    return None if (user.is_active and user.is_staff) else ANONYMOUS_CAP


class Ids(list):
    """A list's ids in its order, read in one query (at most ``cap`` of them); ``capped`` when
    the list has more."""

    capped = False


def list_ids(queryset, cap: int | None) -> Ids:
    values = queryset.values_list("pk", flat=True)
    ids = Ids(values[: cap + 1] if cap is not None else values)
    if cap is not None and len(ids) > cap:
        del ids[cap:]
        ids.capped = True
    return ids


def chunked(ids: Ids, fetch: Callable[[list[int]], Iterable[Any]]) -> Iterator[Any]:
    """The rows of ``ids`` in their order, CHUNK at a time: ``fetch`` is one query per chunk
    (the ids came from a ``published()`` list, so the chunk is looked up by id alone)."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_id = {row.pk: row for row in fetch(chunk)}
        yield from (by_id[pk] for pk in chunk if pk in by_id)


def mark_capped(response: StreamingHttpResponse, ids: Ids, cap: int | None):
    if ids.capped:
        response["X-Export-Capped"] = CAPPED_MESSAGE.format(cap=cap)
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
    return response


# Claims --------------------------------------------------------------------------------

# The exchange schema's public claim fields (claims/schema.py), with the speaker's name after
# its id, and the cited sources' ids for the citations.
CLAIM_COLUMNS = [
    "id",
    "url",
    "speaker",
    "speaker_name",
    *public_fields("claim", leave_out=("speaker", "citations")),
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
                    pk="pk",
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
        "speaker": claim.speaker.slug,
        "speaker_name": claim.speaker.name,
        "kind": claim.kind,
        "text": claim.text,
        "summary": claim.summary,
        "said_on": claim.said_on.isoformat() if claim.said_on else None,
        "said_on_precision": claim.said_on_precision,
        "venue": claim.venue,
        "context": claim.context,
        "topics": claim.topic_ids,
        "cases": claim.case_ids,
        "citations": [
            {
                "source": c["source"],
                "source_title": c["source_title"],
                "source_url": absolute(_source_path(c["source"])),
                "passage_url": (
                    absolute(f"{_source_path(c['source'])}#quote-{c['pk']}")
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
    fmt: str, queryset, *, filename: str = "claims", cap: int | None = ANONYMOUS_CAP
) -> StreamingHttpResponse:
    ids = list_ids(queryset, cap)
    fetch = lambda chunk: _with_related(Claim.objects.filter(pk__in=chunk))  # noqa: E731
    rows = (claim_record(c) for c in chunked(ids, fetch))
    response = stream(fmt, rows, columns=CLAIM_COLUMNS, filename=filename, flatten=_flat_claim)
    return mark_capped(response, ids, cap)


# Contradictions --------------------------------------------------------------------------

CONTRADICTION_COLUMNS = [
    "id",
    "url",
    "title",
    "relation",
    "claim",
    "claim_speaker",
    "claim_text",
    "claim_said_on",
    "counter",
    "counter_speaker",
    "counter_text",
    "counter_said_on",
    "explanation",
    "published_at",
    "cases",
]


def contradiction_record(item: Contradiction) -> dict[str, Any]:
    """One pair as data; needs the ``with_case_ids`` annotation."""
    record = {
        "id": item.slug,
        "url": absolute(item.get_absolute_url()),
        "title": str(item),
        "relation": item.relation,
        "relation_label": item.get_relation_display(),
        "explanation": item.explanation,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "cases": item.case_ids,
    }
    for role in ("claim", "counter"):
        claim = getattr(item, role)
        record[role] = claim.slug
        record[f"{role}_speaker"] = claim.speaker.name
        record[f"{role}_text"] = claim.text
        record[f"{role}_said_on"] = claim.said_on.isoformat() if claim.said_on else None
    return record


def contradictions(
    fmt: str, queryset, *, filename="contradictions", cap: int | None = ANONYMOUS_CAP
) -> StreamingHttpResponse:
    ids = list_ids(queryset, cap)
    fetch = lambda chunk: with_case_ids(  # noqa: E731
        Contradiction.objects.filter(pk__in=chunk)
    ).select_related("claim__speaker", "counter__speaker")
    rows = (contradiction_record(c) for c in chunked(ids, fetch))
    response = stream(fmt, rows, columns=CONTRADICTION_COLUMNS, filename=filename)
    return mark_capped(response, ids, cap)


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
        data = {
            "id": base["id"],
            "url": base["url"],
            "title": base["title"],
            "relation": base["relation"],
            "relation_label": base["relation_label"],
            "explanation": base["explanation"],
            "published_at": base["published_at"],
            "cases": base["cases"],
            "claim": statement,
            "counter": counter,
        }
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

CORRECTION_COLUMNS = ["id", *public_fields("correction"), "url"]


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
        "kind": correction.kind,
        "published_on": correction.published_on.isoformat(),
        "text": correction.text,
        "claim": correction.claim.slug if correction.claim_id else None,
        "contradiction": correction.contradiction.slug if correction.contradiction_id else None,
        "url": absolute(correction_url(correction)),
    }


def corrections(
    fmt: str, queryset, *, filename="corrections", cap: int | None = ANONYMOUS_CAP
) -> StreamingHttpResponse:
    ids = list_ids(queryset, cap)
    fetch = lambda chunk: Correction.objects.filter(pk__in=chunk).select_related(  # noqa: E731
        "claim", "contradiction"
    )
    rows = (correction_record(c) for c in chunked(ids, fetch))
    response = stream(fmt, rows, columns=CORRECTION_COLUMNS, filename=filename)
    return mark_capped(response, ids, cap)
