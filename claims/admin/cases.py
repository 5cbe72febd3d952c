"""Cases in the admin: the stories the desk follows. A case needs no quote rules, but its
status is an editor's act, like every publication: it is read-only in the form for everyone
and moves only through the publishing services (``publishing.publish_case`` and
``unpublish_case``), by the buttons on its page and the actions on the list; a save or a
history revert keeps the stored status.

A case's page is the desk's workspace (``claims.cases.workspace``): its sources and the quotes
found in them, its claims and pairs each with its rule status, its claims not yet paired, and
"Add source / claim / contradiction" links whose forms come pre-filled with the case."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.http import urlencode

from claims import cases as case_work
from claims import publishing
from claims.admin.workflow import StepsAdmin
from claims.models import Case


@admin.register(Case)
class CaseAdmin(StepsAdmin):
    list_display = ["title", "slug", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "title",
        "slug",
        "summary",
        "sources",
        "status",
        "published_at",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["sources"]
    change_form_template = "admin/claims/case/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workspace"] = case_work.workspace(obj)
            context["add_links"] = self.add_links(request, obj)
            context["claims_list_url"] = (
                reverse("admin:claims_claim_changelist") + f"?cases__id__exact={obj.pk}"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def add_links(self, request, case) -> list[tuple[str, str]]:
        """ "Add source / claim / contradiction", each form pre-filled with this case (the
        admin reads ``?cases=<id>`` as a many-to-many field's initial value), for the user's
        permissions."""
        links = []
        for label, model, perm in (
            ("Add source", "sources_source", "sources.add_source"),
            ("Add claim", "claims_claim", "claims.add_claim"),
            ("Add contradiction", "claims_contradiction", "claims.add_contradiction"),
        ):
            if request.user.has_perm(perm):
                url = reverse(f"admin:{model}_add") + "?" + urlencode({"cases": case.pk})
                links.append((label, url))
        return links

    def step_label(self, step: str) -> str:
        return "Publish case" if step == "publish" else super().step_label(step)

    def step_context(self, request, obj, step: str) -> dict:
        if step != "publish":
            return {}
        return {"case_plan": publishing.case_publication_plan(obj)}

    def _take_step(self, request, obj, step: str, data: dict) -> None:
        """ "Publish case": the case and everything in review in it that passes the rules, in
        one pass (``publishing.publish_case_with_items``); what it held back is listed, why."""
        if step != "publish":
            return super()._take_step(request, obj, step, data)
        result = publishing.publish_case_with_items(
            case=obj, by=request.user, expected_version=data.get("version")
        )
        if result.published:
            self.message_user(
                request,
                "Published with the case: "
                + ", ".join(f"{item._meta.verbose_name} '{item.slug}'" for item in result.published)
                + ".",
            )
        for item, reasons in result.held_back:
            self.message_user(
                request,
                f"Held back: the {item._meta.verbose_name} '{item.slug}' stays in review: "
                + "; ".join(reasons),
                messages.WARNING,
            )

    def on_record(self, obj) -> bool:
        return obj.is_published

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None
