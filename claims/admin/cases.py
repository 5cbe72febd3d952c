"""Cases in the admin: the stories the desk follows. A case needs no quote rules, but its
status is an editor's act: only a user with ``claims.publish`` changes it (it is read-only to
everyone else, and a save or a history revert by them keeps the stored status)."""

from django.contrib import admin

from claims import publishing
from claims.admin.revisions import GuardedAdmin
from claims.models import Case, Status
from claims.services import first_published_at


@admin.register(Case)
class CaseAdmin(GuardedAdmin):
    list_display = ["title", "slug", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", "created_at", "updated_at"]
    fields = ["title", "slug", "summary", "status", "published_at", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj)]
        if not publishing.can_publish(request.user):
            fields.append("status")
        return fields

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.status == Status.PUBLISHED else None

    def save_model(self, request, obj, form, change):
        if not publishing.can_publish(request.user):
            stored = Case.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            obj.status = stored if change and stored else Status.DRAFT
        obj.published_at = first_published_at(obj.status, obj.published_at)
        super().save_model(request, obj, form, change)
