from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from claims.models import Citation, Contradiction, Correction, Status
from sources.models import Source

HOME_LIMIT = 20


def _contradictions():
    return Contradiction.objects.published().select_related("claim__speaker", "counter__speaker")


def home(request):
    contradictions = _contradictions().order_by("-published_at", "-created_at", "slug")
    return render(request, "claims/home.html", {"contradictions": contradictions[:HOME_LIMIT]})


def contradiction_detail(request, slug):
    contradiction = get_object_or_404(
        _contradictions().prefetch_related(
            Prefetch(
                "claim__citations",
                queryset=Citation.objects.select_related("source__outlet"),
            ),
            Prefetch(
                "counter__citations",
                queryset=Citation.objects.select_related("source__outlet"),
            ),
            Prefetch("corrections", queryset=Correction.objects.order_by("published_on")),
        ),
        slug=slug,
    )
    return render(
        request,
        "claims/contradiction_detail.html",
        {
            "contradiction": contradiction,
            "sides": [contradiction.claim, contradiction.counter],
        },
    )


def source_detail(request, slug):
    source = get_object_or_404(Source.objects.published().select_related("outlet"), slug=slug)
    citations = (
        source.citations.filter(claim__status=Status.PUBLISHED)
        .select_related("claim__speaker")
        .order_by("anchor_start", "pk")
    )
    return render(request, "sources/source_detail.html", {"source": source, "citations": citations})
