from django.contrib import admin
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from claims.services import known_speakers, replace_source_text
from sources.models import Outlet, Source
from sources.text.extract import extract_quotes


@admin.register(Outlet)
class OutletAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "homepage"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["title", "outlet", "kind", "published_on", "captured_at", "has_text"]
    list_filter = ["kind", "outlet", "published_on"]
    search_fields = ["title", "slug", "url", "author"]
    autocomplete_fields = ["outlet"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["sha256", "created_at", "updated_at", "candidate_quotes"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "slug", "outlet", "kind", "published_on", "author"]}),
        ("Where", {"fields": ["url", "archive_url"]}),
        ("Archived text", {"fields": ["text", "captured_at", "sha256"]}),
        ("Quotes found in the text", {"fields": ["candidate_quotes"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(boolean=True, description="Text")
    def has_text(self, obj):
        return bool(obj.text)

    @admin.display(description="Candidates")
    def candidate_quotes(self, obj):
        """Every quoted passage in the archived text, with its likely speaker: the starting
        point for turning a source into claims."""
        if not obj.text:
            return "No archived text yet."
        candidates = extract_quotes(obj.text, speakers=known_speakers())
        if not candidates:
            return "No quoted passages found."
        rows = format_html_join(
            "",
            "<tr><td>{}–{}</td><td>{}</td><td>“{}”</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    c.start,
                    c.end,
                    c.kind,
                    c.quote,
                    (c.speaker or "?") + (" (misspelled in the text)" if c.speaker_flag else ""),
                    c.cue or "",
                )
                for c in candidates
            ),
        )
        return format_html(
            "<table><thead><tr><th>Span</th><th>Kind</th><th>Quote</th><th>Speaker</th>"
            "<th>Cue</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def save_model(self, request, obj, form, change):
        """A new or replaced archived text re-anchors every citation in it."""
        if "text" in form.changed_data or not change:
            captured_at = obj.captured_at if "captured_at" in form.changed_data else None
            drifted = replace_source_text(source=obj, text=obj.text, captured_at=captured_at)
            if drifted:
                self.message_user(
                    request,
                    f"{len(drifted)} citation(s) no longer match the new text and are marked "
                    "drifted: review them.",
                    level="warning",
                )
        else:
            super().save_model(request, obj, form, change)
