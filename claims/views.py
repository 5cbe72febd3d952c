"""Public pages. Every queryset starts from ``published()``; each page runs a fixed number of
queries whatever the data size (pinned in tests)."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import django_filters
from django import forms
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Greatest, JSONObject
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from claims import comparison, embeds, exports
from claims import search as full_text
from claims.capture_diff import side_by_side
from claims.exports import absolute
from claims.filters import (
    MAX_QUERY,
    ClaimFilter,
    ContradictionFilter,
    CorrectionFilter,
    PublicFilterSet,
    TopicFilter,
    in_published_contradiction,
    search_widget,
)
from claims.forms import CompareForm, PageForm, SuggestForm
from claims.highlight import citation_anchors, render_segments, split_by_anchors
from claims.http import bad_request, with_form, with_format
from claims.models import (
    Case,
    Citation,
    Claim,
    Contradiction,
    Correction,
    Speaker,
    Topic,
    published_claim,
    published_contradiction,
    published_sources,
)
from claims.paging import paginate
from claims.seo import PublicPair, claim_review, json_ld
from rust_tracker.caching import cache_public
from sources.models import Capture, Outlet
from watch.models import KnownRepeat

HOME_LIMIT = 20
HOME_TOPICS = 40  # the rest on /topics/
TOPIC_PAGE_SIZE = 200  # topics are short: a page of chips
PAGE_SIZE = 25
PICKER_LIMIT = 10
DETAIL_PAGE_SIZE = 100  # statements per page on a speaker's or a topic's page
DETAIL_PAIRS = 20  # contradictions listed there; the rest through the filtered list
PICKER_TARGETS = {"picker-a-results": "a", "picker-b-results": "b"}

SUGGESTIONS = 10


def _contradictions():
    return Contradiction.objects.published().select_related("claim__speaker", "counter__speaker")


def _claims():
    return Claim.objects.published().select_related("speaker")


def _citations():
    """With the capture each was checked in (its date, for the badge; not its text)."""
    return Citation.objects.select_related("source__outlet", "capture").defer(
        "capture__text", "capture__warc"
    )


def _topics():
    return Topic.objects.only("slug", "name")


def _browsable_topics():
    """Published topics by name: the home page's first few, /topics/ all of them."""
    return _topics().published().order_by("name", "slug")


def _with_cases(queryset, related_name: str):
    """``public_cases``: the published cases an item belongs to, as ``{"slug", "title"}`` in
    the item's own row (no query of its own)."""
    return queryset.annotate(
        public_cases=ArraySubquery(
            Case.objects.published()
            .filter(**{related_name: OuterRef("pk")})
            .order_by("title", "slug")
            .values(row=JSONObject(slug="slug", title="title"))
        )
    )


def _is_fragment(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def with_page_number(view):
    """For the paged speaker, topic and case pages: ``?page=`` read by ``PageForm`` as
    ``number``; nonsense, or a page past the cap, answers 400."""
    return with_form(PageForm, page="number")(view)


def _filtered_list(
    request,
    *,
    fmt: str | None,
    filterset_class,
    queryset,
    template_name: str,
    export,
    for_page=lambda qs: qs,
    context: dict | None = None,
    size: int = PAGE_SIZE,
):
    """A filtered, paginated list as a page, its htmx results fragment, CSV or JSON. A search
    by relevance says what its order covers (``coverage``): every match, or the newest
    RELEVANCE_CANDIDATES of more; its download says it in headers."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    valid = not filterset.is_bound or filterset.is_valid()
    if fmt:
        if not valid:
            problems = "; ".join(f"{label}: {msg}" for label, msg in filterset.form.error_list())
            return bad_request(f"Some filters are not valid. {problems}")
        return export(fmt, filterset.qs, cap=exports.row_cap(request))
    page = (
        paginate(for_page(filterset.qs), number=filterset.form.page_number, size=size)
        if valid
        else None
    )
    relevance = full_text.coverage(page.items) if page else None
    if _is_fragment(request):
        template_name += "#results"
    response = render(
        request,
        template_name,
        {
            "filter": filterset,
            "page": page,
            "canonical_params": [*filterset.form.fields],
            "coverage": relevance,
            **(context or {}),
        },
        status=200 if valid else 400,
    )
    # the fragment or the page, as _is_fragment read the headers: a cache must know it
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


def _cases_with_counts():
    """Published cases, newest first, each with its number of published contradictions."""
    return (
        Case.objects.published()
        .annotate(
            contradiction_count=Count(
                "contradictions",
                filter=published_contradiction("contradictions__"),
                distinct=True,
            )
        )
        .order_by(F("published_at").desc(nulls_last=True), "title", "slug")
    )


@require_safe
def home(request):
    return render(
        request,
        "claims/home.html",
        {
            "cases": _cases_with_counts()[:HOME_LIMIT],
            "contradictions": _contradictions().latest_first()[:HOME_LIMIT],
            "topics": list(_browsable_topics()[: HOME_TOPICS + 1]),
            "home_topics": HOME_TOPICS,
        },
    )


class TopicIndexFilter(TopicFilter):
    """/topics/'s name search: at most MAX_QUERY characters, as on every other list."""

    q = django_filters.CharFilter(
        method="filter_name",
        label="Topic name",
        max_length=MAX_QUERY,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def topic_list(request):
    return _filtered_list(
        request,
        fmt=None,
        filterset_class=TopicIndexFilter,
        queryset=_browsable_topics(),
        template_name="claims/topic_list.html",
        export=None,
        size=TOPIC_PAGE_SIZE,
    )


@require_safe
@vary_on_headers("HX-Request")
@with_format
def claim_list(request, *, fmt):
    return _filtered_list(
        request,
        fmt=fmt,
        filterset_class=ClaimFilter,
        queryset=_claims().newest_first(),
        template_name="claims/claim_list.html",
        export=exports.claims,
        for_page=lambda qs: qs.annotate(
            in_contradiction=in_published_contradiction()
        ).prefetch_related(Prefetch("topics", queryset=_topics())),
    )


def staff_preview(view):
    """A draft seen by the newsroom before it is published: the public template with a DRAFT
    banner, for signed-in staff only (404 for anyone else), never cached, never indexed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_active and user.is_staff):
            raise Http404("No such page.")
        response = view(request, *args, preview=True, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return require_safe(wrapper)


@require_safe
def claim_detail(request, slug, *, preview: bool = False):
    """A published claim; a retracted one answers at the same URL with a notice."""
    claims = Claim.objects.all() if preview else Claim.objects.on_record()
    claim = get_object_or_404(
        _with_cases(claims, "claims")
        .select_related("speaker")
        .prefetch_related(
            Prefetch("citations", queryset=_citations()),
            Prefetch("topics", queryset=_topics()),
            Prefetch(
                "contradictions",
                queryset=_contradictions(),
                to_attr="published_contradictions",
            ),
            Prefetch("countered", queryset=_contradictions(), to_attr="published_counters"),
            Prefetch(
                "corrections",
                queryset=Correction.objects.published().order_by("published_on", "slug"),
                to_attr="published_corrections",
            ),
        ),
        slug=slug,
    )
    return render(request, "claims/claim_detail.html", {"claim": claim, "preview": preview})


@require_safe
@vary_on_headers("HX-Request")
@with_format
def contradiction_list(request, *, fmt):
    return _filtered_list(
        request,
        fmt=fmt,
        filterset_class=ContradictionFilter,
        queryset=_contradictions().latest_first(),
        template_name="claims/contradiction_list.html",
        export=exports.contradictions,
    )


@require_safe
@with_format
def contradiction_detail(request, slug, *, fmt, preview: bool = False):
    """A published pair; a retracted one answers at the same URL with a notice (its evidence
    is no longer offered for download)."""
    if fmt:
        pair = get_object_or_404(exports.with_case_ids(_contradictions()), slug=slug)
        return exports.evidence(fmt, pair)
    pairs = Contradiction.objects.all() if preview else Contradiction.objects.on_record()
    contradiction = get_object_or_404(
        _with_cases(pairs, "contradictions")
        .select_related("claim__speaker", "counter__speaker")
        .prefetch_related(
            Prefetch("claim__citations", queryset=_citations()),
            Prefetch("counter__citations", queryset=_citations()),
        ),
        slug=slug,
    )
    claim, counter = contradiction.claim, contradiction.counter
    # What may be shown of the sides (claims/seo.py PublicPair): a retracted pair whose side
    # has since left the record shows the notice alone and names that side by a placeholder,
    # in its head too.
    public = PublicPair.of(contradiction, preview=preview)
    shown = public.sides_shown
    corrections = Correction.objects.published().filter(
        Q(contradiction=contradiction) | Q(claim__in=[claim.pk, counter.pk])
    )
    review = claim_review(contradiction)  # None unless published
    repeats = (
        KnownRepeat.objects.public()
        .filter(contradiction=contradiction)
        .select_related("claim", "source")
        .order_by("found_at", "pk")
    )
    return render(
        request,
        "claims/contradiction_detail.html",
        {
            "preview": preview,
            "public": public,
            "sides_shown": shown,
            "contradiction": contradiction,
            "timeline": comparison.timeline(
                claim, counter, comparison.related_events(claim, counter)
            )
            if shown
            else [],
            "diff": comparison.quote_diff(claim, counter) if shown else None,
            "corrections": corrections.order_by("published_on", "slug") if shown else [],
            "repeats": repeats if shown and not preview else [],
            "json_ld": json_ld(review) if review else "",
        },
    )


def _picker_options(query: str):
    """Published statements for a compare picker: its id, words as prefixes, or a speaker's
    name (trigram index). Each way is an indexed query for its newest few; a UNION joins them."""
    if not query:
        return []
    newest = _claims().newest_first()
    ways = [newest.filter(slug=query), newest.filter(speaker__in=Speaker.objects.named(query))]
    words = full_text.prefix_query(query)
    if words is not None:
        ways.append(newest.filter(search_vector=words))
    found = (
        ways[0]
        .values("pk")[:PICKER_LIMIT]
        .union(*(way.values("pk")[:PICKER_LIMIT] for way in ways[1:]))
    )
    return list(_claims().filter(pk__in=found).newest_first()[:PICKER_LIMIT])


@require_safe
@vary_on_headers("HX-Request", "HX-Target")  # a picker's options for htmx aimed at a picker
def compare(request):
    """Any two published statements side by side: ``?a=<claim id>&b=<claim id>``.

    Missing ids show the pickers (200); the same id twice is a 400; an id that is not a
    published statement is a 404. Each picker's search (``aq``/``bq``) lists options whose
    links set that side, with JavaScript (htmx, as you type) or without (submit the form).
    """
    form = CompareForm(request.GET)
    form.is_valid()  # every field is optional free text, cut to its length: always valid
    a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    queries = {side: form.cleaned_data[f"{side}q"] for side in ("a", "b")}
    if request.htmx and request.htmx.target in PICKER_TARGETS:
        side = PICKER_TARGETS[request.htmx.target]
        return render(
            request,
            "claims/compare.html#picker_results",
            {
                "side": side,
                "query": queries[side],
                "options": _picker_options(queries[side]),
                "a": a,
                "b": b,
            },
        )

    found = {}
    if a or b:
        found = {
            c.slug: c
            for c in _claims()
            .filter(slug__in=[s for s in (a, b) if s])
            .prefetch_related(Prefetch("citations", queryset=_citations()))
        }
    errors, status = [], 200
    if a and a == b:
        errors.append("Pick two different statements: both sides are the same one.")
        status = 400
    else:
        for label, slug in (("first", a), ("second", b)):
            if slug and slug not in found:
                errors.append(f"The {label} id, “{slug}”, is not a published statement.")
                status = 404
    left, right = found.get(a), found.get(b)
    context = {
        "a": a,
        "b": b,
        "left": left,
        "right": right,
        "errors": errors,
        "pickers": [
            {
                "side": side,
                "label": label,
                "value": value,
                "chosen": chosen,
                "query": queries[side],
                "options": _picker_options(queries[side]) if queries[side] else None,
            }
            for side, label, value, chosen in (
                ("a", "First statement", a, left),
                ("b", "Second statement", b, right),
            )
        ],
        "canonical_params": ["a", "b"],
    }
    if left and right and not errors:
        context.update(
            existing=comparison.existing_contradiction(left, right),
            diff=comparison.quote_diff(left, right),
            timeline=comparison.timeline(left, right, comparison.related_events(left, right)),
        )
    return render(request, "claims/compare.html", context, status=status)


def _with_contradiction_flag(queryset):
    return queryset.annotate(in_contradiction=in_published_contradiction())


@require_safe
@with_format
@with_page_number
def speaker_detail(request, slug, *, fmt, number):
    speaker = get_object_or_404(Speaker.objects.published(), slug=slug)
    claims = Claim.objects.published().by_speaker(speaker).oldest_first()
    if fmt:
        return exports.claims(
            fmt, claims, filename=f"{speaker.slug}-claims", cap=exports.row_cap(request)
        )
    page = paginate(
        _with_contradiction_flag(claims).prefetch_related(Prefetch("topics", queryset=_topics())),
        number=number,
        size=DETAIL_PAGE_SIZE,
    )
    for claim in page.items:
        claim.speaker = speaker  # the same row; saves a join per claim
    pairs = paginate(
        _contradictions().said_by(speaker, first=DETAIL_PAIRS + 1).latest_first(),
        size=DETAIL_PAIRS,
    )
    return render(
        request,
        "claims/speaker_detail.html",
        {
            "speaker": speaker,
            "page": page,
            "claims": page.items,
            "groups": comparison.group_by_topic(page.items),
            "contradictions": pairs.items,
            "more_contradictions": pairs.has_next,
        },
    )


@require_safe
@with_format
@with_page_number
def topic_detail(request, slug, *, fmt, number):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    claims = _claims().on_topic(topic).oldest_first()
    if fmt:
        return exports.claims(
            fmt, claims, filename=f"{topic.slug}-claims", cap=exports.row_cap(request)
        )
    on_topic = Claim.objects.filter(topics=topic).values("pk")
    pairs = paginate(_contradictions().involving(on_topic).latest_first(), size=DETAIL_PAIRS)
    page = paginate(_with_contradiction_flag(claims), number=number, size=DETAIL_PAGE_SIZE)
    return render(
        request,
        "claims/topic_detail.html",
        {
            "topic": topic,
            "page": page,
            "claims": page.items,
            "contradictions": pairs.items,
            "more_contradictions": pairs.has_next,
        },
    )


@require_safe
@with_format
@with_page_number
def case_detail(request, slug, *, fmt, number):
    """A published case: its published contradictions, a timeline of its published statements
    (oldest first) and its speakers; ``?format=`` downloads the statements."""
    case = get_object_or_404(Case.objects.published(), slug=slug)
    claims = _claims().filter(cases=case).oldest_first()
    if fmt:
        return exports.claims(
            fmt, claims, filename=f"{case.slug}-claims", cap=exports.row_cap(request)
        )
    page = paginate(_with_contradiction_flag(claims), number=number, size=DETAIL_PAGE_SIZE)
    pairs = paginate(_contradictions().filter(cases=case).latest_first(), size=DETAIL_PAIRS)
    speakers = Speaker.objects.filter(
        Exists(Claim.objects.published().filter(speaker=OuterRef("pk"), cases=case))
    ).only("slug", "name", "kind", "role")
    return render(
        request,
        "claims/case_detail.html",
        {
            "case": case,
            "page": page,
            "claims": page.items,
            "contradictions": pairs.items,
            "more_contradictions": pairs.has_next,
            "speakers": speakers,
        },
    )


@require_safe
def source_detail(request, slug):
    source = get_object_or_404(published_sources().select_related("outlet"), slug=slug)
    citations = list(
        source.citations.filter(published_claim("claim__"))
        .select_related("claim__speaker", "capture")
        .defer("capture__text", "capture__warc")
        .order_by(F("anchor_start").asc(nulls_last=True), "pk")
    )
    anchors = [
        anchor
        for c in citations
        if not c.drifted  # a drifted citation's anchor is in an earlier capture's text
        for anchor in citation_anchors(
            c.claim.slug,
            c.anchor_start,
            c.anchor_end,
            c.anchor_parts,
            f"Quoted: {c.claim.speaker.name}",
        )
    ]
    captures, in_use = _captures(source)
    return render(
        request,
        "sources/source_detail.html",
        {
            "source": source,
            "citations": citations,
            "highlighted": render_segments(split_by_anchors(source.text, anchors)),
            "captures": captures,
            "comparable": in_use,
            "current": in_use[0] if in_use else None,
        },
    )


def _captures(source) -> tuple[list, list]:
    """The source's captures, newest first (without their texts), and those in use (not
    superseded)."""
    captures = list(source.captures.listed().order_by("-pk"))
    return captures, [c for c in captures if not c.superseded]


@require_safe
def source_changes(request, slug):
    """Two captures of a source side by side with their differences: ``a`` and ``b`` (ids of
    captures in use), by default the two latest; ``a`` alone, against the current one."""
    source = get_object_or_404(published_sources().select_related("outlet"), slug=slug)
    captures, in_use = _captures(source)
    by_pk = {c.pk: c for c in in_use}
    picked = {"a": in_use[1] if len(in_use) > 1 else None, "b": in_use[0] if in_use else None}
    for name in picked:
        value = request.GET.get(name, "").strip()
        if not value:
            continue
        if not value.isdigit() or int(value) not in by_pk:
            return bad_request(
                f"“{value[:20]}” is not one of this source's captures: pick two of those "
                f"listed on {source.get_absolute_url()}."
            )
        picked[name] = by_pk[int(value)]
    before, after = picked["a"], picked["b"]
    diff = None
    if before is not None and after is not None and before.pk != after.pk:
        if (before.taken_at, before.pk) > (after.taken_at, after.pk):
            before, after = after, before
        texts = dict(Capture.objects.filter(pk__in=[before.pk, after.pk]).values_list("pk", "text"))
        diff = side_by_side(texts[before.pk], texts[after.pk])
    return render(
        request,
        "sources/source_changes.html",
        {
            "source": source,
            "captures": captures,
            "comparable": in_use,
            "before": before,
            "after": after,
            "diff": diff,
        },
    )


@require_safe
@vary_on_headers("HX-Request")
@with_format
def correction_list(request, *, fmt):
    return _filtered_list(
        request,
        fmt=fmt,
        filterset_class=CorrectionFilter,
        queryset=Correction.objects.published().select_related(
            "claim", "contradiction__claim", "contradiction__counter"
        ),
        template_name="claims/correction_list.html",
        export=exports.corrections,
    )


SUGGESTERS = {
    # kind: (published items, matched by name, shown as)
    "speakers": lambda text: Speaker.objects.published().named(text).only("slug", "name"),
    "topics": lambda text: Topic.objects.published().named(text).only("slug", "name"),
    "outlets": lambda text: Outlet.objects.filter(
        Exists(published_sources().filter(outlet=OuterRef("pk"))),
        Q(name__icontains=text) | Q(slug__icontains=text),
    ).only("slug", "name"),
}
# the list filter field each suggester serves (its value is sent as the field's name)
SUGGEST_FIELDS = {"speakers": "speaker", "topics": "topic", "outlets": "outlet"}


@require_safe
def suggest(request, kind):
    """Suggestions for a list filter's text field: ``<option>``s for its ``<datalist>``, at most
    SUGGESTIONS published names containing what was typed (``?q=`` or the field's own name)."""
    if kind not in SUGGESTERS:
        raise Http404("No such list.")
    form = SuggestForm({"q": request.GET.get("q") or request.GET.get(SUGGEST_FIELDS[kind], "")})
    form.is_valid()
    text = form.cleaned_data["q"]
    items = (
        list(SUGGESTERS[kind](text).order_by("name", "slug")[:SUGGESTIONS])
        if len(text) >= 2
        else []
    )
    return render(request, "claims/suggestions.html", {"items": items, "query": text})


# --- /cases/ ------------------------------------------------------------------------------

CASE_PAGE_SIZE = PAGE_SIZE


class CaseIndexFilter(PublicFilterSet):
    """/cases/'s search: words in a case's title or summary, at most MAX_QUERY characters."""

    q = django_filters.CharFilter(
        method="filter_words",
        label="Search the cases",
        max_length=MAX_QUERY,
        widget=search_widget("Words in a title or a summary…"),
    )

    def filter_words(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


def _cases_by_activity():
    """Published cases, the one with the newest activity first: its own publication or the
    newest publication of one of its published statements or contradictions."""

    def newest(model, related):
        return (
            model.objects.published()
            .filter(**{related: OuterRef("pk")})
            .order_by(F("published_at").desc(nulls_last=True))
            .values("published_at")[:1]
        )

    return (
        _cases_with_counts()
        .annotate(
            last_activity=Greatest(
                "published_at",
                Subquery(newest(Contradiction, "cases")),
                Subquery(newest(Claim, "cases")),
            )
        )
        .order_by(F("last_activity").desc(nulls_last=True), "title", "slug")
    )


@require_safe
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def case_list(request):
    return _filtered_list(
        request,
        fmt=None,
        filterset_class=CaseIndexFilter,
        queryset=_cases_by_activity(),
        template_name="claims/case_list.html",
        export=None,
        size=CASE_PAGE_SIZE,
    )


# --- embeds and oEmbed -------------------------------------------------------------------

# The embed pages alone may be framed by any site: the site's policy with frame-ancestors
# opened, no script at all. Every other page keeps X-Frame-Options DENY and frame-ancestors
# 'none' (settings.SECURE_CSP).
EMBED_CSP = {
    **settings.SECURE_CSP,
    "script-src": [CSP.NONE],
    "frame-ancestors": ["*"],
}
OEMBED_ROUTES = {"claims:claim_detail": "claim", "claims:contradiction_detail": "contradiction"}


def embeddable(view):
    """A card other sites may put in an iframe, cached like every public page. The policy is
    the view's own (so a cached copy keeps it); the exemption from X-Frame-Options is set
    outside the cache too, on the copy served from it."""
    inner = csp_override(EMBED_CSP)(xframe_options_exempt(view))
    return xframe_options_exempt(cache_public(inner))


def _embed_pair(slug):
    return get_object_or_404(
        Contradiction.objects.on_record()
        .select_related("claim__speaker", "counter__speaker")
        .prefetch_related(
            Prefetch("claim__citations", queryset=_citations()),
            Prefetch("counter__citations", queryset=_citations()),
        ),
        slug=slug,
    )


@require_safe
def embed_contradiction(request, slug):
    """A published pair as a card: both sides, who and when, the quote checks, the relation,
    a link back. A retracted pair's card is its retraction notice alone."""
    pair = _embed_pair(slug)
    public = PublicPair.of(pair)
    return render(
        request,
        "embed/contradiction.html",
        {
            "pair": pair,
            "public": public,
            "retracted": embeds.retracted(pair),
            "page_url": absolute(pair.get_absolute_url()),
        },
    )


@require_safe
def embed_claim(request, slug):
    """A published statement as a card; a retracted one's card is its retraction notice."""
    claim = get_object_or_404(
        Claim.objects.on_record()
        .select_related("speaker")
        .prefetch_related(Prefetch("citations", queryset=_citations())),
        slug=slug,
    )
    return render(
        request,
        "embed/claim.html",
        {"claim": claim, "page_url": absolute(claim.get_absolute_url())},
    )


class OEmbedForm(forms.Form):
    url = forms.CharField(max_length=2000)
    maxwidth = forms.IntegerField(min_value=1, max_value=10_000, required=False)
    maxheight = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def clean_url(self):
        """An absolute http(s) address: any host (one not ours is a 404, not a 400)."""
        value = self.cleaned_data["url"].strip()
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise forms.ValidationError(
                "Give the full address of a page, from http:// or https://."
            )
        return value


def _oembed_target(url: str, request) -> tuple[str, str] | None:
    """(kind, slug) of a claim's or contradiction's page on this site, None for anything else."""
    parts = urlsplit(url)
    hosts = {urlsplit(settings.SITE_URL).netloc, request.get_host()}
    if parts.netloc not in hosts:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    kind = OEMBED_ROUTES.get(match.view_name)
    return (kind, match.kwargs["slug"]) if kind else None


@require_safe
def oembed(request):
    """oEmbed (https://oembed.com) for a claim's or a contradiction's page: ``?url=<page>``,
    JSON only (501 for XML, 400 for anything else), a ``rich`` answer whose HTML is an iframe
    of the card, its size within ``maxwidth``/``maxheight``; 404 for a page that is not a
    published (or retracted) item's."""
    fmt = request.GET.get("format") or "json"
    if fmt == "xml":  # oEmbed's other format: not implemented here, as the spec says to answer
        return HttpResponse(
            "Only format=json is served.\n", status=501, content_type="text/plain; charset=utf-8"
        )
    if fmt != "json":
        return bad_request(f"Unknown format “{fmt[:40]}”: oEmbed answers format=json.")
    form = OEmbedForm(request.GET)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return bad_request(f"Not an oEmbed request. {problems}")
    target = _oembed_target(form.cleaned_data["url"], request)
    if target is None:
        raise Http404("No embeddable page at this address.")
    kind, slug = target
    if kind == "claim":
        item = get_object_or_404(Claim.objects.on_record().select_related("speaker"), slug=slug)
    else:
        item = get_object_or_404(
            Contradiction.objects.on_record().select_related("claim__speaker", "counter__speaker"),
            slug=slug,
        )
    width, height = embeds.SIZES[kind]
    width = min(width, form.cleaned_data["maxwidth"] or width)
    height = min(height, form.cleaned_data["maxheight"] or height)
    title = embeds.title(item)
    html = embeds.iframe(item, width, height)
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": settings.SITE_NAME,
            "provider_url": settings.SITE_URL + "/",
            "html": str(html),
            "width": width,
            "height": height,
        },
        json_dumps_params={"ensure_ascii": False},
        headers={"Access-Control-Allow-Origin": "*"},  # consumers in a browser may ask too
    )
