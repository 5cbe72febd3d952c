"""Claims and their citations in the admin: the claim's page with its citations inline and
its suggested counter-evidence, the citations' own list, and the verification filter (shared with
contradictions)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from claims import curation, publishing
from claims.admin.recheck import message_recheck
from claims.admin.revisions import GuardedAdmin
from claims.admin.workflow import WorkflowAdmin
from claims.models import VERIFIED_STATES, Citation, Claim
from claims.verification import verify_citation


def verification_text(citation: Citation) -> str:
    """The same state and score the public badge shows."""
    if not citation.pk:
        return "Checked when saved."
    score = (
        f" (score {citation.verification_score:.0f})"
        if citation.verification_score is not None
        else ""
    )
    drift = " — drifted after the source's text was replaced" if citation.drifted else ""
    checked = f", checked {citation.verified_at:%d %b %Y %H:%M}" if citation.verified_at else ""
    return f"{citation.get_verification_state_display()}{score}{drift}{checked}"


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "note", "position", "verification"]
    readonly_fields = ["verification"]

    @admin.display(description="Verification")
    def verification(self, obj):
        """The state and score, and for a close match the words that differ from the source's
        (the public claim page shows the same diff: includes/source_diff.html)."""
        diff = render_to_string("includes/source_diff.html", {"citation": obj}) if obj.pk else ""
        return format_html("{}{}", verification_text(obj), mark_safe(diff))

    def _may_edit(self, request, obj) -> bool:
        return obj is None or publishing.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class VerificationFilter(admin.SimpleListFilter):
    title = "quote verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [
            ("unverified", "A citation not verified"),
            ("drifted", "A citation drifted"),
            ("attention", "Published, needs attention"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "attention":  # the publishing rule (publishing.needs_attention)
            return queryset.needing_attention()
        if queryset.model is Claim:
            sides = Citation.objects.filter(claim=OuterRef("pk"))
        else:  # contradictions: either side
            sides = Citation.objects.filter(
                Q(claim=OuterRef("claim")) | Q(claim=OuterRef("counter"))
            )
        if self.value() == "unverified":
            return queryset.filter(Exists(sides.exclude(verification_state__in=VERIFIED_STATES)))
        if self.value() == "drifted":
            return queryset.filter(Exists(sides.filter(drifted=True)))
        return queryset


@admin.register(Claim)
class ClaimAdmin(WorkflowAdmin):
    list_display = ["__str__", "speaker", "kind", "said_on", "status", "quotes"]
    list_filter = [
        "status",
        VerificationFilter,
        "kind",
        "topics",
        "cases",
        "speaker",
        ("citations__source__outlet", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["slug", "text", "summary", "venue", "speaker__name"]
    autocomplete_fields = ["speaker", "topics", "cases"]
    prepopulated_fields = {"slug": ["summary"]}
    date_hierarchy = "said_on"
    inlines = [CitationInline]
    readonly_fields = ["counter_evidence", "created_at", "updated_at"]
    list_select_related = ["speaker"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj else [f for f in fields if f != "counter_evidence"]

    @admin.display(description="Suggested counter-evidence")
    def counter_evidence(self, obj):
        """Findings, records and statements that may challenge this claim, each one click
        from a draft contradiction (claims/curation.py ranks them)."""
        if not obj.pk:
            return ""
        return render_to_string(
            "admin/claims/counter_suggestions.html",
            {"claim": obj, "suggestions": curation.suggested_counters(obj)},
        )

    def get_urls(self):
        return [
            path(
                "<int:claim_id>/link/",
                self.admin_site.admin_view(self.link_view),
                name="claims_claim_link",
            ),
            *super().get_urls(),
        ]

    def link_view(self, request, claim_id):
        """POST: the claim challenged by ``counter``, as a draft contradiction."""
        if request.method != "POST":
            raise Http404("Use the button on the claim's page.")
        if not request.user.has_perm("claims.add_contradiction"):
            raise PermissionDenied
        claim = Claim.objects.filter(pk=claim_id).first()
        counter = Claim.objects.filter(pk=request.POST.get("counter", "")).first()
        if claim is None or counter is None:
            raise Http404("No such claim.")
        try:
            pair = curation.link_as_contradiction(claim=claim, counter=counter, by=request.user)
        except ValueError as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        self.message_user(
            request,
            f"Draft contradiction '{pair.slug}' created: write why the two do not square, "
            "then send it to review.",
        )
        return HttpResponseRedirect(reverse("admin:claims_contradiction_change", args=[pair.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        similar = curation.claims_like(  # the same speaker's or case's: others only clutter
            obj.text, speaker=obj.speaker, cases=obj.cases.all(), near_only=True
        )
        similar = [c for c in similar if c.pk != obj.pk]
        if similar:
            self.message_user(
                request,
                "Similar claims already on record: "
                + "; ".join(f"'{c.slug}' ({c.get_status_display().lower()})" for c in similar[:5])
                + ". If this is the same statement, add a citation to that claim instead.",
                messages.WARNING,
            )
        return super().response_add(request, obj, post_url_continue)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("speaker")
            .annotate(
                citation_count=Count("citations", distinct=True),
                verified_count=Count(
                    "citations",
                    filter=Q(citations__verification_state__in=VERIFIED_STATES),
                    distinct=True,
                ),
            )
        )

    def autocomplete_label(self, obj) -> str:
        said = obj.said_on.isoformat() if obj.said_on else "undated"
        return (
            f"“{obj.text[:90]}” — {obj.speaker.name}, {said} · {obj.get_status_display().lower()}"
        )

    def get_search_results(self, request, queryset, search_term):
        """Words as full text (stemmed, any order), ids and speakers as typed."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.strip()[:200]
        if words:
            results = (results | queryset.search(words)).order_by(*Claim._meta.ordering)
        return results, duplicates

    @admin.display(description="Quotes verified")
    def quotes(self, obj):
        total = getattr(obj, "citation_count", None)
        if not total:
            return "—"
        return f"{'✓' if obj.verified_count == total else '✗'} {obj.verified_count} of {total}"

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Citation:
            for citation_form in formset.forms:
                citation = citation_form.instance
                if citation.pk and (citation_form.has_changed() or citation.verified_at is None):
                    verify_citation(citation=citation)


@admin.register(Citation)
class CitationAdmin(GuardedAdmin):
    list_display = ["claim", "source", "verification_state", "verification_score", "drifted"]
    list_filter = ["verification_state", "drifted", "source__kind"]
    search_fields = ["quote", "claim__slug", "claim__text", "source__title"]
    autocomplete_fields = ["claim", "source"]
    list_select_related = ["claim", "source"]
    actions = ["recheck_quotes"]
    readonly_fields = [
        "verification_state",
        "verification_score",
        "verified_at",
        "drifted",
        "anchor_exact",
        "anchor_prefix",
        "anchor_suffix",
        "anchor_start",
        "anchor_end",
    ]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or publishing.can_edit(request.user, obj.claim))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or publishing.can_edit(request.user, obj.claim))

    def save_model(self, request, obj, form, change):
        if not publishing.can_edit(request.user, obj.claim):
            raise PermissionDenied("Only an editor can change a published claim's citations.")
        super().save_model(request, obj, form, change)
        verify_citation(citation=obj)

    @admin.action(description="Re-check quotes against the archived sources", permissions=["view"])
    def recheck_quotes(self, request, queryset):
        message_recheck(self, request, queryset.select_related("source", "claim"))
