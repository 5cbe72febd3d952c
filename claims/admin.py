from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Citation, Claim, Contradiction, Correction, Speaker, Topic
from claims.services import stamp_publication, verify_citation


@admin.register(Speaker)
class SpeakerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "role", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases", "misspellings"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "note", "position", "verification"]
    readonly_fields = ["verification"]

    @admin.display(description="Verification")
    def verification(self, obj):
        if not obj.pk:
            return "Checked when saved."
        score = f" ({obj.verification_score:.0f})" if obj.verification_score is not None else ""
        drift = " — drifted after the source's text was replaced" if obj.drifted else ""
        checked = f", checked {obj.verified_at:%d %b %Y %H:%M}" if obj.verified_at else ""
        return f"{obj.get_verification_state_display()}{score}{drift}{checked}"


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "speaker", "kind", "said_on", "status"]
    list_filter = ["status", "kind", "said_on_precision", "topics", "speaker"]
    search_fields = ["slug", "text", "summary", "venue", "speaker__name"]
    autocomplete_fields = ["speaker", "topics"]
    prepopulated_fields = {"slug": ["summary"]}
    date_hierarchy = "said_on"
    inlines = [CitationInline]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    list_select_related = ["speaker"]

    def save_model(self, request, obj, form, change):
        stamp_publication(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Citation:
            for citation_form in formset.forms:
                citation = citation_form.instance
                if citation.pk and (citation_form.has_changed() or citation.verified_at is None):
                    verify_citation(citation=citation)


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "source", "verification_state", "verification_score", "drifted"]
    list_filter = ["verification_state", "drifted", "source__kind"]
    search_fields = ["quote", "claim__slug", "claim__text", "source__title"]
    autocomplete_fields = ["claim", "source"]
    list_select_related = ["claim", "source"]
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verify_citation(citation=obj)


@admin.register(Contradiction)
class ContradictionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "claim", "relation", "counter", "status"]
    list_filter = ["status", "relation"]
    search_fields = ["slug", "title", "explanation", "claim__text", "counter__text"]
    autocomplete_fields = ["claim", "counter"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", "created_at", "updated_at"]
    list_select_related = ["claim", "counter"]

    def save_model(self, request, obj, form, change):
        stamp_publication(obj)
        super().save_model(request, obj, form, change)


@admin.register(Correction)
class CorrectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "published_on", "claim", "contradiction"]
    list_filter = ["kind", "published_on"]
    search_fields = ["slug", "text"]
    autocomplete_fields = ["claim", "contradiction"]
    date_hierarchy = "published_on"
