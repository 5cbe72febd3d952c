"""Outlets and sources in the admin. They live in ``claims`` because a source's page joins
it to claims: its citations re-anchored when its text changes, the quotes found in it."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef

from claims.admin.case_sources import SourceCasesMixin
from claims.admin.intake import SourceIntakeMixin
from claims.admin.quotes import CandidateQuotesMixin
from claims.admin.recheck import message_recheck
from claims.admin.revisions import GuardedAdmin
from claims.models import Citation
from claims.verification import drift_report, replace_source_text
from sources.models import Outlet, Source


@admin.register(Outlet)
class OutletAdmin(GuardedAdmin):
    list_display = ["name", "slug", "homepage"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class DriftFilter(admin.SimpleListFilter):
    title = "citations"
    parameter_name = "drifted"

    def lookups(self, request, model_admin):
        return [("yes", "A citation drifted")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                Exists(Citation.objects.filter(source=OuterRef("pk"), drifted=True))
            )
        return queryset


@admin.register(Source)
class SourceAdmin(SourceCasesMixin, SourceIntakeMixin, CandidateQuotesMixin, GuardedAdmin):
    list_display = ["title", "outlet", "kind", "published_on", "captured_at", "has_text"]
    list_filter = ["kind", DriftFilter, "outlet", "published_on"]
    actions = ["recheck_quotes"]
    search_fields = ["title", "slug", "url", "author"]
    autocomplete_fields = ["outlet"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["sha256", "created_at", "updated_at", "candidate_quotes"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "slug", "outlet", "kind", "published_on", "author"]}),
        ("Where", {"fields": ["url", "archive_url"]}),
        ("Archived text", {"fields": ["text", "captured_at", "sha256"]}),
        ("Quotes found in the text", {"fields": ["candidate_quotes"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(boolean=True, description="Text")
    def has_text(self, obj):
        return bool(obj.text)

    def save_model(self, request, obj, form, change):
        """A new or replaced archived text re-anchors every citation in it: compared with the
        stored text, so a revert from the history page re-anchors too."""
        if change and self.proposing(request, obj):
            return super().save_model(request, obj, form, change)  # a proposed revision
        stored = Source.objects.filter(pk=obj.pk).values_list("text", flat=True).first()
        if not change or stored != obj.text:
            captured_at = obj.captured_at if "captured_at" in form.changed_data else None
            if change:
                self.count_on(obj)
            obj._history_user = request.user
            drifted = replace_source_text(source=obj, text=obj.text, captured_at=captured_at)
            if drifted:
                self.message_user(request, drift_report(drifted), level=messages.WARNING)
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description="Re-check quotes against the archived text", permissions=["view"])
    def recheck_quotes(self, request, queryset):
        citations = Citation.objects.filter(source__in=queryset)
        message_recheck(self, request, citations.select_related("source", "claim"))
