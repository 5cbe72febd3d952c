"""The public API's endpoints: every published item type, a list and a detail each.

Every queryset starts from the same visibility rule as the pages (``published()``, and
``on_record()`` for a detail, where a retracted item answers with its notice alone); a list's
filters and search are its page's FilterSet (claims/filters.py); an item's fields are its
public export's record (claims/exports.py). Each answer runs a fixed number of queries
whatever the page size (tests/api/test_queries.py); every answer is cached, with an ETag,
by the public page cache (api/urls.py)."""

from typing import Annotated

from django.db.models import F
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger

from api import schemas
from api.filters import filter_data, query_schema
from api.paging import BadCursor, read_page
from claims import exports
from claims.exports import (
    PAIR_BESIDE,
    absolute,
    claim_record,
    contradiction_record,
    correction_record,
    public_values,
    with_case_ids,
)
from claims.filters import ClaimFilter, ContradictionFilter, CorrectionFilter, TopicFilter
from claims.models import (
    Case,
    Claim,
    Contradiction,
    Correction,
    Speaker,
    Topic,
    published_sources,
)

DESCRIPTION = """Read-only JSON of everything the site publishes: claims, contradictions,
speakers, topics, cases, sources and corrections. Drafts never appear; a retracted claim or
contradiction answers at its address with its retraction notice only.

**Lists** take the filters of the matching page (`/claims/`, `/contradictions/`, `/topics/`,
`/corrections/`) and are paged by cursor: follow each page's `next` until it is null
(`limit` sets the page size, at most 100). **Errors** are a 400 (a bad filter value or cursor)
or a 404 (no such published item) with a `detail` in plain words.

**Caching**: answers carry an `ETag` and `Last-Modified`; send `If-None-Match` to get a 304
while nothing changed. **CORS**: any site may read the API from a browser (GET).
The whole data set is also downloadable as CSV or JSON from each list page (`?format=json`).
"""

api = NinjaAPI(
    title="Public API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": True}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
)

LIST_ERRORS = {400: schemas.Error}
DETAIL_ERRORS = {400: schemas.Error, 404: schemas.Error}
Slug = Annotated[
    str, Path(description="The item's id (its slug).", max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")
]


class FilterError(Exception):
    def __init__(self, form):
        self.form = form


@api.exception_handler(NinjaValidationError)
def invalid_parameters(request, exc):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        errors.setdefault(".".join(where[-1:]) or "request", []).append(error.get("msg", ""))
    words = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items())
    return api.create_response(
        request, {"detail": f"Some parameters are not valid. {words}", "errors": errors}, status=400
    )


@api.exception_handler(FilterError)
def invalid_filters(request, exc):
    form = exc.form
    problems = "; ".join(f"{label}: {message}" for label, message in form.error_list())
    errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
    return api.create_response(
        request, {"detail": f"Some filters are not valid. {problems}", "errors": errors}, status=400
    )


@api.exception_handler(BadCursor)
def bad_cursor(request, exc):
    return api.create_response(request, {"detail": str(exc), "errors": None}, status=400)


def _one(queryset, slug: str, noun: str):
    """The item of ``queryset`` with this slug, or a 404 that names the noun."""
    item = queryset.filter(slug=slug).first()
    if item is None:
        raise HttpError(404, f"There is no published {noun} with this id.")
    return item


def _page(request, queryset, query, *, record, filterset_class=None, prepare=lambda qs: qs):
    """A page of ``queryset`` narrowed by ``filterset_class`` (the page's FilterSet), after the
    query's cursor, each row as ``record`` makes it."""
    if filterset_class is not None:
        data = filter_data(request, filterset_class)
        filterset = filterset_class(data or None, queryset=queryset, request=request)
        if filterset.is_bound and not filterset.is_valid():
            raise FilterError(filterset.form)
        queryset = filterset.qs
    page = read_page(prepare(queryset), cursor=query.cursor, limit=query.limit)
    following = None
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        following = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
    return {"items": [record(row) for row in page.items], "next": following}


def _retracted(item) -> dict:
    return {
        "id": item.slug,
        "url": absolute(item.get_absolute_url()),
        "status": "retracted",
        "retracted_at": item.retracted_at,
        "retraction_reason": item.retraction_reason,
    }


# --- claims ---------------------------------------------------------------------------------

ClaimQuery = query_schema("ClaimQuery", ClaimFilter)


@api.get(
    "/claims/",
    response={200: schemas.page_of(schemas.Claim), **LIST_ERRORS},
    url_name="claim_list",
    tags=["claims"],
    summary="Published claims",
)
def claim_list(request, query: Query[ClaimQuery]):
    """Published statements, newest first, or best match first with `q` (as `/claims/`)."""
    return _page(
        request,
        Claim.objects.published().select_related("speaker").newest_first(),
        query,
        filterset_class=ClaimFilter,
        prepare=exports._with_related,
        record=claim_record,
    )


@api.get(
    "/claims/{slug}/",
    response={200: schemas.ClaimDetail | schemas.Retracted, **DETAIL_ERRORS},
    url_name="claim_detail",
    tags=["claims"],
    summary="A claim",
)
def claim_detail(request, slug: Slug):
    """A published statement with every citation; a retracted one, its notice only."""
    claim = _one(exports._with_related(Claim.objects.on_record()), slug, "claim")
    if claim.is_retracted:
        return _retracted(claim)
    return {**claim_record(claim), "status": "published"}


# --- contradictions -------------------------------------------------------------------------

ContradictionQuery = query_schema("ContradictionQuery", ContradictionFilter)


def _pairs(queryset):
    return with_case_ids(queryset).select_related("claim__speaker", "counter__speaker")


@api.get(
    "/contradictions/",
    response={200: schemas.page_of(schemas.Contradiction), **LIST_ERRORS},
    url_name="contradiction_list",
    tags=["contradictions"],
    summary="Published contradictions",
)
def contradiction_list(request, query: Query[ContradictionQuery]):
    """Published pairs, latest first (as `/contradictions/`)."""
    return _page(
        request,
        Contradiction.objects.published().latest_first(),
        query,
        filterset_class=ContradictionFilter,
        prepare=_pairs,
        record=contradiction_record,
    )


@api.get(
    "/contradictions/{slug}/",
    response={200: schemas.ContradictionDetail | schemas.Retracted, **DETAIL_ERRORS},
    url_name="contradiction_detail",
    tags=["contradictions"],
    summary="A contradiction",
)
def contradiction_detail(request, slug: Slug):
    """A published pair with both statements in full; a retracted one, its notice only."""
    pair = _one(_pairs(Contradiction.objects.on_record()), slug, "contradiction")
    if pair.is_retracted:
        return _retracted(pair)
    sides = {
        claim.pk: claim_record(claim)
        for claim in exports._with_related(
            Claim.objects.published().filter(pk__in=[pair.claim_id, pair.counter_id])
        )
    }
    words = {column for role in ("claim", "counter") for column in PAIR_BESIDE[role]}
    record = {k: v for k, v in contradiction_record(pair).items() if k not in words}
    return {
        **record,
        "status": "published",
        "claim": sides[pair.claim_id],
        "counter": sides[pair.counter_id],
    }


# --- speakers, topics, cases ----------------------------------------------------------------

Paging = query_schema("Paging")


def _record(kind: str):
    """The API record of a ``kind`` (speaker, topic, case): its id, address and public columns."""

    def record(item) -> dict:
        return {
            "id": item.slug,
            "url": absolute(item.get_absolute_url()),
            **public_values(kind, item),
        }

    return record


_speaker = _record("speaker")
_topic = _record("topic")
_case = _record("case")


@api.get(
    "/speakers/",
    response={200: schemas.page_of(schemas.Speaker), **LIST_ERRORS},
    url_name="speaker_list",
    tags=["speakers"],
    summary="Speakers",
)
def speaker_list(request, query: Query[Paging]):
    """The speakers of published statements, by name."""
    return _page(
        request, Speaker.objects.published().order_by("name", "slug"), query, record=_speaker
    )


@api.get(
    "/speakers/{slug}/",
    response={200: schemas.Speaker, **DETAIL_ERRORS},
    url_name="speaker_detail",
    tags=["speakers"],
    summary="A speaker",
)
def speaker_detail(request, slug: Slug):
    """A speaker of published statements (its statements: `/api/v1/claims/?speaker=<id>`)."""
    speaker = _one(Speaker.objects.published(), slug, "speaker")
    return _speaker(speaker)


TopicQuery = query_schema("TopicQuery", TopicFilter)


@api.get(
    "/topics/",
    response={200: schemas.page_of(schemas.Topic), **LIST_ERRORS},
    url_name="topic_list",
    tags=["topics"],
    summary="Topics",
)
def topic_list(request, query: Query[TopicQuery]):
    """The topics of published statements, by name (as `/topics/`)."""
    return _page(
        request,
        Topic.objects.published().order_by("name", "slug"),
        query,
        filterset_class=TopicFilter,
        record=_topic,
    )


@api.get(
    "/topics/{slug}/",
    response={200: schemas.Topic, **DETAIL_ERRORS},
    url_name="topic_detail",
    tags=["topics"],
    summary="A topic",
)
def topic_detail(request, slug: Slug):
    """A topic of published statements (its statements: `/api/v1/claims/?topic=<id>`)."""
    topic = _one(Topic.objects.published(), slug, "topic")
    return _topic(topic)


@api.get(
    "/cases/",
    response={200: schemas.page_of(schemas.Case), **LIST_ERRORS},
    url_name="case_list",
    tags=["cases"],
    summary="Cases",
)
def case_list(request, query: Query[Paging]):
    """Published cases, newest first."""
    cases = Case.objects.published().order_by(
        F("published_at").desc(nulls_last=True), "title", "slug"
    )
    return _page(request, cases, query, record=_case)


@api.get(
    "/cases/{slug}/",
    response={200: schemas.Case, **DETAIL_ERRORS},
    url_name="case_detail",
    tags=["cases"],
    summary="A case",
)
def case_detail(request, slug: Slug):
    """A published case (its statements: `/api/v1/claims/?case=<id>`; its pairs:
    `/api/v1/contradictions/?case=<id>`)."""
    case = _one(Case.objects.published(), slug, "case")
    return _case(case)


# --- sources --------------------------------------------------------------------------------

OUTLET_NAME = {"outlet": {"outlet_name": lambda s: s.outlet.name if s.outlet_id else None}}


def _source(source, *, text: bool = False) -> dict:
    return {
        "id": source.slug,
        "page_url": absolute(source.get_absolute_url()),
        **public_values("source", source, beside=OUTLET_NAME, leave_out=() if text else ("text",)),
    }


@api.get(
    "/sources/",
    response={200: schemas.page_of(schemas.Source), **LIST_ERRORS},
    url_name="source_list",
    tags=["sources"],
    summary="Sources",
)
def source_list(request, query: Query[Paging]):
    """The sources published statements cite, newest first (without their text)."""
    sources = (
        published_sources()
        .select_related("outlet")
        .defer("text")
        .order_by(F("published_on").desc(nulls_last=True), "title", "slug")
    )
    return _page(request, sources, query, record=_source)


@api.get(
    "/sources/{slug}/",
    response={200: schemas.SourceDetail, **DETAIL_ERRORS},
    url_name="source_detail",
    tags=["sources"],
    summary="A source",
)
def source_detail(request, slug: Slug):
    """A source a published statement cites, with its archived text."""
    source = _one(published_sources().select_related("outlet"), slug, "source")
    return _source(source, text=True)


# --- corrections ----------------------------------------------------------------------------

CorrectionQuery = query_schema("CorrectionQuery", CorrectionFilter)


def _corrections():
    return (
        Correction.objects.published()
        .select_related("claim", "contradiction")
        .order_by("-published_on", "slug")
    )


@api.get(
    "/corrections/",
    response={200: schemas.page_of(schemas.Correction), **LIST_ERRORS},
    url_name="correction_list",
    tags=["corrections"],
    summary="Corrections",
)
def correction_list(request, query: Query[CorrectionQuery]):
    """Corrections, updates, clarifications and retractions, newest first (as `/corrections/`)."""
    return _page(
        request,
        _corrections(),
        query,
        filterset_class=CorrectionFilter,
        record=correction_record,
    )


@api.get(
    "/corrections/{slug}/",
    response={200: schemas.Correction, **DETAIL_ERRORS},
    url_name="correction_detail",
    tags=["corrections"],
    summary="A correction",
)
def correction_detail(request, slug: Slug):
    """A published correction (of a published or retracted item, or standing alone)."""
    correction = _one(_corrections(), slug, "correction")
    return correction_record(correction)
