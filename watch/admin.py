"""The watch in the admin: alerts (resolved by the desk), repeats (confirmed for the public by
an editor), the watched sources (last check, failures, "check now"), who follows which case,
and the periodic jobs' last runs. The tasks' own results (each run, its failure and
traceback) are django-tasks-db's "Task results"."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from watch.models import Alert, CaseFollower, KnownRepeat, PeriodicJob, RepeatStatus, WatchedSource


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ["title", "kind", "created_at", "emailed", "resolved_at"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body"]
    readonly_fields = [
        "kind",
        "title",
        "body",
        "what_to_do",
        "created_at",
        "source",
        "revision",
        "repeat",
        "emailed",
        "resolved_at",
        "resolved_by",
    ]
    fields = readonly_fields
    actions = ["resolve"]

    @admin.display(description="What to do")
    def what_to_do(self, alert):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", '<li><a href="{}">{}</a></li>', ((u, lb) for lb, u in alert.links)
            ),
        )

    @admin.action(description="Mark as resolved", permissions=["change"])
    def resolve(self, request, queryset):
        done = queryset.filter(resolved_at=None).update(
            resolved_at=timezone.now(), resolved_by=request.user
        )
        self.message_user(request, f"{done} alert(s) resolved.", messages.SUCCESS)


@admin.register(KnownRepeat)
class KnownRepeatAdmin(ReadOnly):
    list_display = ["words_short", "speaker_name", "contradiction", "side", "similarity", "status"]
    list_filter = ["status", "side"]
    search_fields = ["words", "speaker_name"]
    readonly_fields = [
        "contradiction",
        "side",
        "claim",
        "source",
        "words",
        "speaker_name",
        "similarity",
        "status",
        "found_at",
        "decided_at",
        "decided_by",
    ]
    fields = readonly_fields
    actions = ["confirm", "dismiss"]

    @admin.display(description="Words")
    def words_short(self, repeat):
        return repeat.words[:100]

    def has_confirm_permission(self, request):
        return request.user.has_perm("watch.confirm_repeat")

    def _decide(self, request, queryset, status):
        done = queryset.exclude(status=status).update(
            status=status, decided_at=timezone.now(), decided_by=request.user
        )
        from rust_tracker.caching import bump_public_version

        bump_public_version()
        self.message_user(request, f"{done} repeat(s) marked {status}.", messages.SUCCESS)

    @admin.action(description="Confirm: show on the pair's public page", permissions=["confirm"])
    def confirm(self, request, queryset):
        self._decide(request, queryset, RepeatStatus.CONFIRMED)

    @admin.action(description="Dismiss (not a repeat)", permissions=["confirm"])
    def dismiss(self, request, queryset):
        self._decide(request, queryset, RepeatStatus.DISMISSED)


@admin.register(WatchedSource)
class WatchedSourceAdmin(ReadOnly):
    list_display = [
        "source",
        "last_checked_at",
        "last_outcome",
        "failures",
        "next_check_at",
        "checks",
        "changes",
        "paused",
    ]
    list_filter = ["last_outcome", "paused"]
    search_fields = ["source__title", "source__url"]
    readonly_fields = [
        "source",
        "next_check_at",
        "queued_at",
        "last_checked_at",
        "last_outcome",
        "last_error",
        "failures",
        "checks",
        "changes",
        "etag",
        "last_modified",
    ]
    fields = [*readonly_fields, "paused"]
    actions = ["check_now"]

    @admin.action(description="Re-check now", permissions=["change"])
    def check_now(self, request, queryset):
        done = queryset.update(next_check_at=timezone.now(), queued_at=None)
        self.message_user(
            request, f"{done} source(s) due now: the next tick queues them.", messages.SUCCESS
        )


@admin.register(CaseFollower)
class CaseFollowerAdmin(admin.ModelAdmin):
    list_display = ["case", "user", "since"]
    autocomplete_fields = ["case"]
    fields = ["case", "user"]

    def get_changeform_initial_data(self, request):
        return {"user": request.user.pk, **super().get_changeform_initial_data(request)}


@admin.register(PeriodicJob)
class PeriodicJobAdmin(ReadOnly):
    list_display = [
        "name",
        "last_started_at",
        "last_finished_at",
        "last_result",
        "runs",
        "failures",
        "last_failed_at",
        "next_due_at",
    ]
    readonly_fields = [f.name for f in PeriodicJob._meta.fields if f.name != "id"]
    fields = readonly_fields

    def has_change_permission(self, request, obj=None):
        return False


def _errors(value):
    return format_html("<pre>{}</pre>", value) if value else "-"
