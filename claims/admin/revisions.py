"""The admin under the public-row guard (claims/guard.py), and proposed revisions.

Every curated model's admin derives from ``GuardedAdmin``:

* a reporter's save of something the public reads does not write it (the database would refuse
  it anyway): the change becomes a proposed revision, listed for the editors;
* the history pages are read-only to anyone but an editor, and an editor's revert keeps the
  workflow fields (status, publication and retraction dates): status moves only through the
  publishing services;
* an editor accepts or rejects a revision from its page (claims/revisions.py).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from claims import guard, publishing, revisions
from claims.models import Revision, RevisionStatus
from rust_tracker.admin_versioning import VersionedAdmin, posted_version
from rust_tracker.versioning import EditConflict

# What the publishing services alone write (a save or a revert keeps the stored values).
WORKFLOW_FIELDS = [
    "status",
    "published_at",
    "published_by",
    "override_reason",
    "retracted_at",
    "retraction_reason",
]


class GuardedAdmin(VersionedAdmin):
    object_history_form_template = "admin/versioned_history_form.html"

    def proposing(self, request, obj) -> bool:
        """Is this save by a reporter of something the public reads (a proposal)?"""
        return obj is not None and obj.pk is not None and publishing.can_propose(request.user, obj)

    def keeps_workflow_fields(self, request, obj) -> bool:
        """A revert, or a form without the status field, keeps the stored workflow fields."""
        return getattr(request, "_reverting", False)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["proposing"] = self.proposing(request, obj)
            context["pending_revisions"] = list(revisions.pending_for(obj)[:20])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change and self.proposing(request, obj):
            request._proposal = revisions.propose(
                obj=obj, form=form, by=request.user, base_version=posted_version(request.POST)
            )
            return
        if change and self.keeps_workflow_fields(request, obj):
            stored = type(obj)._default_manager.get(pk=obj.pk)
            for name in WORKFLOW_FIELDS:
                if hasattr(stored, name):
                    setattr(obj, name, getattr(stored, name))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if hasattr(request, "_proposal"):
            return  # nothing of a proposal is written: the m2m choices are in the revision
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if hasattr(request, "_proposal"):
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if hasattr(request, "_proposal"):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if hasattr(request, "_proposal"):
            proposal = request._proposal
            if proposal is None:
                self.message_user(request, "Nothing changed: no revision was proposed.")
            else:
                self.message_user(
                    request,
                    format_html(
                        "Your changes were sent to the editors as <a href='{}'>proposed "
                        "revision {}</a>. What the public sees is unchanged until an editor "
                        "accepts them.",
                        reverse("admin:claims_revision_change", args=[proposal.pk]),
                        proposal.pk,
                    ),
                )
            opts = obj._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
        return super().response_change(request, obj)

    # --- history: read-only but for editors; a revert is an editor's save ------------------

    def revert_disabled(self, request, obj=None):
        return not guard.is_editor(request.user) or super().revert_disabled(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():  # the library's view would query with it (a 500)
            raise Http404("No such item.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404("No such version.")
        if request.method == "POST" and not guard.is_editor(request.user):
            raise PermissionDenied("The history is read-only: only an editor reverts.")
        current = self.model._default_manager.filter(pk=object_id).values("version").first()
        context = {**(extra_context or {})}
        if current is not None:
            context["opened_version"] = posted_version(request.POST) or current["version"]
        request._reverting = True
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, context)


class RevisionDecisionForm(forms.Form):
    note = forms.CharField(
        label="Note to the reporter",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "proposed_by", "proposed_at", "status", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["proposed_by", "decided_by", "content_type"]
    search_fields = ["item_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:revision_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="claims_revision_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        if revision is None or not self.has_view_permission(request, revision):
            raise Http404("No such revision.")
        return self._page(request, revision, RevisionDecisionForm(), problems=[])

    def _page(self, request, revision, form, problems, status=200):
        item = revision.item
        opts = item._meta if item is not None else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(revision),
            "revision": revision,
            "item": item,
            "item_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
            if item is not None
            else "",
            "can_decide": guard.is_editor(request.user)
            and revision.status == RevisionStatus.PENDING,
            "form": form,
            "problems": problems,
            "stale": item is not None and item.version != revision.base_version,
        }
        return TemplateResponse(request, "admin/claims/revision.html", context, status=status)

    def decide_view(self, request, revision_id, decision):
        if decision not in ("accept", "reject"):
            raise Http404("No such decision.")
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:claims_revision_change", args=[revision_id]))
        revision = Revision.objects.filter(pk=revision_id).first()
        if revision is None:
            raise Http404("No such revision.")
        if not guard.is_editor(request.user):
            raise PermissionDenied
        form = RevisionDecisionForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        try:
            if decision == "accept":
                revisions.accept(revision=revision, by=request.user, note=note)
            else:
                revisions.reject(revision=revision, by=request.user, note=note)
        except publishing.Refused as refusal:
            return self._page(request, revision, form, refusal.problems, status=400)
        except EditConflict as conflict:
            return self._page(
                request,
                revision,
                form,
                [
                    conflict.message.replace("Your changes were not saved", "Not accepted")
                    + " Ask the reporter to propose the change again on the current version."
                ],
                status=409,
            )
        verb = "accepted: the change is made" if decision == "accept" else "rejected"
        self.message_user(request, f"Revision {revision.pk} {verb}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:claims_revision_changelist"))
