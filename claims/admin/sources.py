"""Outlets and sources in the admin. They live in ``claims`` because a source's page joins
it to claims: its citations re-anchored when its text changes, the quotes found in it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from claims.admin.case_sources import SourceCasesMixin
from claims.admin.intake import SourceIntakeMixin
from claims.admin.quotes import CandidateQuotesMixin
from claims.admin.recheck import message_recheck
from claims.admin.revisions import GuardedAdmin
from claims.guard import current_user, is_editor
from claims.models import Citation
from claims.verification import drift_report, replace_source_text, supersede_capture
from sources.models import Capture, CaptureHow, Outlet, Source


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
    readonly_fields = ["sha256", "created_at", "updated_at", "candidate_quotes", "captures"]
    date_hierarchy = "published_on"
    fieldsets = [
        (None, {"fields": ["title", "slug", "outlet", "kind", "published_on", "author"]}),
        ("Where", {"fields": ["url", "archive_url"]}),
        ("Archived text", {"fields": ["text", "captured_at", "sha256"]}),
        ("Captures", {"fields": ["captures"]}),
        ("Quotes found in the text", {"fields": ["candidate_quotes"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(boolean=True, description="Text")
    def has_text(self, obj):
        return bool(obj.text)

    def save_model(self, request, obj, form, change):
        """A new or replaced archived text is a new capture and re-anchors every citation in
        it: compared with the stored text, so a revert from the history page re-anchors too."""
        if change and self.proposing(request, obj):
            return super().save_model(request, obj, form, change)  # a proposed revision
        stored = Source.objects.filter(pk=obj.pk).values_list("text", flat=True).first()
        if not change or stored != obj.text:
            captured_at = obj.captured_at if "captured_at" in form.changed_data else None
            if change:
                self.count_on(obj)
            obj._history_user = request.user
            drifted = replace_source_text(
                source=obj,
                text=obj.text,
                captured_at=captured_at,
                by=request.user,
                **self._taken(form),
            )
            if drifted:
                self.message_user(request, drift_report(drifted), level=messages.WARNING)
        else:
            super().save_model(request, obj, form, change)

    @staticmethod
    def _taken(form) -> dict:
        """How the form's text was taken (the intake's upload or fetch, else a paste), with an
        upload's original bytes (kept as a WARC record)."""
        cleaned = getattr(form, "cleaned_data", {}) or {}
        upload, address = cleaned.get("upload"), cleaned.get("fetch_url")
        document = getattr(form, "document", None)
        if upload:
            upload.seek(0)
            content_type = getattr(document, "content_type", "") or "application/octet-stream"
            return {
                "how": CaptureHow.UPLOADED,
                "raw_bytes": upload.read(),
                "headers": {"Content-Type": content_type},
                "url": f"urn:upload:{upload.name}",
            }
        if address:
            return {"how": CaptureHow.FETCHED, "url": getattr(document, "url", "") or address}
        return {"how": CaptureHow.PASTED}

    # --- captures: listed, a WARC record downloaded, a wrong one superseded ------------------

    def get_urls(self):
        return [
            path(
                "<int:source_id>/captures/<int:capture_id>/warc/",
                self.admin_site.admin_view(self.capture_warc_view),
                name="sources_source_capture_warc",
            ),
            path(
                "<int:source_id>/captures/<int:capture_id>/supersede/",
                self.admin_site.admin_view(self.supersede_view),
                name="sources_source_capture_supersede",
            ),
            *super().get_urls(),
        ]

    def _capture(self, request, source_id, capture_id) -> Capture:
        source = get_object_or_404(Source, pk=source_id)
        if not self.has_view_permission(request, source):
            raise PermissionDenied
        return get_object_or_404(
            Capture.objects.select_related("source"), pk=capture_id, source=source
        )

    def capture_warc_view(self, request, source_id, capture_id):
        """A capture's original bytes and headers, as the WARC record kept (staff only)."""
        capture = self._capture(request, source_id, capture_id)
        if not capture.warc:
            raise Http404("This capture has no original bytes: it was pasted or imported.")
        response = HttpResponse(bytes(capture.warc), content_type="application/warc")
        name = f"{capture.source.slug}-capture-{capture.pk}.warc.gz"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def supersede_view(self, request, source_id, capture_id):
        """An editor marks a wrong capture (a bad paste) superseded, with a reason: kept in the
        list, never used for verification again."""
        capture = self._capture(request, source_id, capture_id)
        if not is_editor(request.user):
            raise PermissionDenied
        change_url = reverse("admin:sources_source_change", args=[capture.source_id])
        if capture.superseded:
            self.message_user(request, "This capture is already superseded.", messages.INFO)
            return redirect(change_url)
        form = SupersedeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            drifted = supersede_capture(
                capture=capture, by=request.user, reason=form.cleaned_data["reason"]
            )
            self.message_user(request, f"Capture {capture.pk} superseded: {capture}.")
            if drifted:
                self.message_user(request, drift_report(drifted), level=messages.WARNING)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Supersede a capture",
            "capture": capture,
            "form": form,
            "change_url": change_url,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(
            request, "admin/sources/source/supersede_capture.html", context, status=status
        )

    @admin.display(description="Captures")
    def captures(self, obj):
        if obj is None or obj.pk is None:
            return "The text you give is its first capture."
        captures = list(obj.captures.listed().select_related("by", "superseded_by").order_by("-pk"))
        if not captures:
            return "No capture: the source has no archived text."
        with_warc = set(obj.captures.filter(warc__isnull=False).values_list("pk", flat=True))
        editor = is_editor(current_user())  # the request's user (claims.guard)

        def row(capture):
            state = (
                format_html(
                    "superseded {} by {}: {}",
                    capture.superseded_at.strftime("%-d %b %Y"),
                    capture.superseded_by or "an editor",
                    capture.superseded_reason,
                )
                if capture.superseded
                else ("current" if capture.sha256 == obj.sha256 else "")
            )
            warc = (
                format_html(
                    '<a href="{}">WARC record</a>',
                    reverse("admin:sources_source_capture_warc", args=[obj.pk, capture.pk]),
                )
                if capture.pk in with_warc
                else ""
            )
            supersede = (
                format_html(
                    '<a href="{}">Supersede…</a>',
                    reverse("admin:sources_source_capture_supersede", args=[obj.pk, capture.pk]),
                )
                if editor and not capture.superseded
                else ""
            )
            return (
                capture.pk,
                capture.taken_at.strftime("%-d %b %Y %H:%M"),
                capture.get_how_display(),
                capture.by or "—",
                capture.sha256[:12],
                state,
                warc,
                supersede,
            )

        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td>"
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            (row(capture) for capture in captures),
        )
        return format_html(
            '<table class="captures"><thead><tr><th>#</th><th>Taken</th><th>How</th>'
            "<th>By</th><th>SHA-256</th><th>State</th><th>Original</th><th></th></tr>"
            "</thead><tbody>{}</tbody></table>",
            body,
        )

    @admin.action(description="Re-check quotes against the archived text", permissions=["view"])
    def recheck_quotes(self, request, queryset):
        citations = Citation.objects.filter(source__in=queryset)
        message_recheck(self, request, citations.select_related("source", "claim"))


class SupersedeForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why this capture was wrong (a bad paste, the wrong page): kept with it.",
    )
