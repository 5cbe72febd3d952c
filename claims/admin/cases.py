"""Cases in the admin: the stories the desk follows. A case needs no quote rules, but its
status is an editor's act, like every publication: it is read-only in the form for everyone
and moves only through the publishing services (``publishing.publish_case`` and
``unpublish_case``), by the buttons on its page and the actions on the list; a save or a
history revert keeps the stored status."""

from django.contrib import admin

from claims.admin.workflow import StepsAdmin
from claims.models import Case


@admin.register(Case)
class CaseAdmin(StepsAdmin):
    list_display = ["title", "slug", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fields = ["title", "slug", "summary", "status", "published_at", "created_at", "updated_at"]

    def on_record(self, obj) -> bool:
        return obj.is_published

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None
