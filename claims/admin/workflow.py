"""The publishing workflow in the admin: the steps (send to review, publish, unpublish, retract)
as buttons on a change page, a confirmation page per step (``WorkflowForm``) and actions on the
list.

Status changes only through the publishing services (claims/publishing.py); every other path (a
change-form post, a history revert) keeps the status the record has. ``StepsAdmin`` is the base
of every admin whose model is published (cases: ``claims.admin.cases``); ``WorkflowAdmin`` adds
what claims and contradictions have besides (the quote rules, corrections, re-checks)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from claims import publishing
from claims.admin.case_sources import back_to_case
from claims.admin.recheck import message_recheck
from claims.admin.revisions import WORKFLOW_FIELDS as SERVICE_FIELDS
from claims.admin.revisions import GuardedAdmin
from claims.models import Citation, Claim, Contradiction
from rust_tracker.versioning import EditConflict

# Read-only in every form: what the publishing services alone write, and the version.
WORKFLOW_FIELDS = [*SERVICE_FIELDS, "version"]


class WorkflowForm(forms.Form):
    """The confirmation form of a workflow step."""

    override_reason = forms.CharField(
        label="Publish all the same, because…",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with your name, kept with the item and in its history.",
    )
    reason = forms.CharField(
        label="Why it is retracted",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to readers on the retraction notice and in the corrections.",
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page did not say which version of the item it showed: reload it "
            "and take the step again."
        },
    )


STEPS = {
    "review": ("Send to review", "sent to review"),
    "publish": ("Publish", "published"),
    "unpublish": ("Unpublish", "unpublished: back to draft"),
    "retract": ("Retract", "retracted"),
}


class StepsAdmin(GuardedAdmin):
    """The workflow steps as change-page buttons, a confirmation page per step and actions on
    the list. Which steps a user may take is ``publishing.allowed_steps``; each is taken by its
    service (``publishing.take_step``). The status and what goes with it are read-only in
    every form. Claims and contradictions (``WorkflowAdmin``), cases (``claims.admin.cases``).
    """

    change_form_template = "admin/claims/workflow_change_form.html"
    actions = ["publish_selected", "unpublish_selected"]

    def has_delete_permission(self, request, obj=None):
        """Nothing published disappears: an item on the record (published, or retracted with its
        notice) is retracted, never deleted, whoever asks; drafts may be deleted."""
        if obj is not None and getattr(obj, "is_on_record", getattr(obj, "is_published", False)):
            return False
        return super().has_delete_permission(request, obj)

    def _workflow_fields(self) -> list[str]:
        names = {f.name for f in self.model._meta.get_fields()}
        return [name for name in WORKFLOW_FIELDS if name in names]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self._workflow_fields()]

    def has_publish_permission(self, request):
        return publishing.can_publish(request.user)

    def on_record(self, obj) -> bool:
        """Does its permanent public URL answer?"""
        return obj.is_on_record

    def save_model(self, request, obj, form, change):
        if change:  # the status and what goes with it are the services' (a revert keeps them)
            current = type(obj).objects.get(pk=obj.pk)
            for name in self._workflow_fields():
                if name != "version":
                    setattr(obj, name, getattr(current, name))
        super().save_model(request, obj, form, change)

    # --- the change page ------------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/workflow/<slug:step>/",
                self.admin_site.admin_view(self.workflow_view),
                name=f"{opts.app_label}_{opts.model_name}_workflow",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            opts = self.model._meta
            context["workflow_steps"] = [
                (
                    reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_workflow",
                        args=[obj.pk, step],
                    ),
                    self.step_label(step),
                )
                for step in publishing.allowed_steps(request.user, obj)
            ]
            if hasattr(obj, "cases"):  # claims and pairs: the way back to their cases' work
                context["item_cases"] = list(obj.cases.order_by("title").only("pk", "title"))
            context["on_record"] = on_record = self.on_record(obj)
            context["publishing_review"] = [] if on_record else publishing.review(obj).problems
            context["attention"] = publishing.needs_attention(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def step_label(self, step: str) -> str:
        return STEPS[step][0]

    def step_context(self, request, obj, step: str) -> dict:
        """What a step's confirmation page shows besides the rules (a case: its plan)."""
        return {}

    def workflow_view(self, request, object_id, step):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such item.")
        if step not in publishing.steps_of(obj):
            raise Http404("No such step.")
        if not publishing.may_take(request.user, obj, step):
            raise PermissionDenied
        form = WorkflowForm(request.POST or None, initial={"version": obj.version})
        problems = []
        if request.method == "POST" and not form.is_valid():
            problems = [error for errors in form.errors.values() for error in errors]
        elif request.method == "POST":
            try:
                self._take_step(request, obj, step, form.cleaned_data)
            except publishing.Refused as refusal:
                problems = refusal.problems
            except EditConflict as conflict:
                problems = [conflict.message]
            else:
                self.message_user(
                    request, f"The {obj._meta.verbose_name} '{obj.slug}' was {STEPS[step][1]}."
                )
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change",
                        args=[obj.pk],
                    )
                )
        found = publishing.review(obj) if step == "publish" else publishing.Review()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"{self.step_label(step)}: {obj}",
            "step": step,
            "step_label": self.step_label(step),
            "form": form,
            "problems": problems,
            "review": found,
            "can_override": step == "publish" and not found.blockers and bool(found.unverified),
            **self.step_context(request, obj, step),
        }
        return TemplateResponse(
            request,
            "admin/claims/workflow.html",
            context,
            status=400 if problems else 200,
        )

    def _take_step(self, request, obj, step: str, data: dict) -> None:
        publishing.take_step(
            step,
            item=obj,
            by=request.user,
            expected_version=data.get("version"),
            override_reason=data.get("override_reason") or "",
            reason=data.get("reason") or "",
        )

    # --- actions on the list --------------------------------------------------------------

    def _bulk(self, request, queryset, step: str) -> None:
        done, refused = [], []
        for obj in queryset.order_by("pk"):
            try:
                self._take_step(request, obj, step, {})
            except (publishing.Refused, PermissionDenied) as refusal:
                reasons = getattr(refusal, "problems", None) or [str(refusal)]
                refused.append(f"'{obj.slug}': " + "; ".join(reasons))
            else:
                done.append(obj.slug)
        if done:
            self.message_user(request, f"{STEPS[step][0]}: done for {', '.join(done)}.")
        for line in refused:
            self.message_user(request, f"{STEPS[step][0]} refused for {line}", messages.ERROR)

    @admin.action(description="Publish selected (every rule must hold)", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description="Unpublish selected (back to draft)", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, "unpublish")


class WorkflowAdmin(StepsAdmin):
    """Claims and contradictions: besides the steps, "Save and send to review", the quote
    rules on the change page, a correction one click away, the quotes re-checked from the
    list."""

    actions = ["send_to_review", "publish_selected", "unpublish_selected", "recheck_quotes"]

    def autocomplete_label(self, obj) -> str:
        """What an autocomplete choice says: enough to tell a draft from a published item."""
        return f"{obj} · {obj.get_status_display().lower()}"

    def view_on_site(self, obj):
        if obj.is_on_record:
            return obj.get_absolute_url()
        return reverse(f"claims:preview_{obj._meta.model_name}", kwargs={"slug": obj.slug})

    def response_change(self, request, obj):
        if "_send_to_review" in request.POST:
            return self._send_after_save(request, obj)
        self._warn_if_attention(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        """ "Save and send to review" on an add form too: the new draft is saved, then sent."""
        if "_send_to_review" in request.POST:
            return self._send_after_save(request, obj)
        response = super().response_add(request, obj, post_url_continue)
        return back_to_case(request, obj) or response

    def _send_after_save(self, request, obj):
        """ "Save and send to review": the edit is saved (above), then the step is taken."""
        change_url = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
        )
        try:
            publishing.submit_for_review(item=obj, by=request.user)
        except (publishing.Refused, PermissionDenied) as refusal:
            reasons = getattr(refusal, "problems", None) or [str(refusal)]
            self.message_user(
                request, "Saved, not sent to review: " + "; ".join(reasons), messages.WARNING
            )
        else:
            self.message_user(
                request, f"The {obj._meta.verbose_name} '{obj.slug}' was saved and sent to review."
            )
        return HttpResponseRedirect(change_url)

    def _warn_if_attention(self, request, obj):
        problems = publishing.needs_attention(obj)
        if problems:
            self.message_user(
                request,
                f"This published {obj._meta.verbose_name} no longer meets the publishing rules: "
                + "; ".join(problems)
                + ". Fix the quote, or unpublish it.",
                level=messages.WARNING,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:  # a new item is a draft: whoever may add it may send it to review
            context["can_send_to_review"] = self.has_add_permission(request)
        if obj is not None and obj.pk:
            context["can_send_to_review"] = "review" in publishing.allowed_steps(request.user, obj)
            if self.on_record(obj) and request.user.has_perm("claims.add_correction"):
                field = "contradiction" if isinstance(obj, Contradiction) else "claim"
                today = timezone.localdate()
                context["add_correction_url"] = (
                    reverse("admin:claims_correction_add")
                    + "?"
                    + urlencode(
                        {
                            field: obj.pk,
                            "published_on": today.isoformat(),
                            "slug": f"{obj.slug}-correction-{today:%Y%m%d}"[:120],
                        }
                    )
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Send selected to review", permissions=["change"])
    def send_to_review(self, request, queryset):
        self._bulk(request, queryset, "review")

    @admin.action(description="Re-check quotes against the archived sources", permissions=["view"])
    def recheck_quotes(self, request, queryset):
        if queryset.model is Contradiction:
            claims = Claim.objects.filter(
                Q(pk__in=queryset.values("claim")) | Q(pk__in=queryset.values("counter"))
            )
        else:
            claims = queryset
        citations = Citation.objects.filter(claim__in=claims).select_related("source", "claim")
        message_recheck(self, request, citations)
