"""The newsroom's admin (outlets and sources in ``claims.admin.sources``).

Status changes only through the publishing services (claims/publishing.py), by actions on the
lists and buttons on the change pages; every other path (a change-form post, a history
revert) keeps the status the record has."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from claims import curation, publishing
from claims.admin.checks import message_recheck
from claims.admin.revisions import WORKFLOW_FIELDS as SERVICE_FIELDS
from claims.admin.revisions import GuardedAdmin
from claims.models import (
    VERIFIED_STATES,
    Citation,
    Claim,
    Contradiction,
    Correction,
    Speaker,
    Topic,
)
from claims.services import verify_citation
from rust_tracker.versioning import EditConflict

# Read-only in every form: what the publishing services alone write, and the version.
WORKFLOW_FIELDS = [*SERVICE_FIELDS, "version"]


@admin.register(Speaker)
class SpeakerAdmin(GuardedAdmin):
    list_display = ["name", "kind", "role", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases", "misspellings"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(GuardedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


def verification_text(citation: Citation) -> str:
    """The same state and score the public badge shows."""
    if not citation.pk:
        return "Checked when saved."
    score = (
        f" (score {citation.verification_score:.0f})"
        if citation.verification_score is not None
        else ""
    )
    drift = " — drifted after the source's text was replaced" if citation.drifted else ""
    checked = f", checked {citation.verified_at:%d %b %Y %H:%M}" if citation.verified_at else ""
    return f"{citation.get_verification_state_display()}{score}{drift}{checked}"


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "note", "position", "verification"]
    readonly_fields = ["verification"]

    @admin.display(description="Verification")
    def verification(self, obj):
        return verification_text(obj)

    def _may_edit(self, request, obj) -> bool:
        return obj is None or publishing.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)


class VerificationFilter(admin.SimpleListFilter):
    title = "quote verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [
            ("unverified", "A citation not verified"),
            ("drifted", "A citation drifted"),
            ("attention", "Published, needs attention"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "attention":  # the publishing rule (publishing.needs_attention)
            return queryset.needing_attention()
        if queryset.model is Claim:
            sides = Citation.objects.filter(claim=OuterRef("pk"))
        else:  # contradictions: either side
            sides = Citation.objects.filter(
                Q(claim=OuterRef("claim")) | Q(claim=OuterRef("counter"))
            )
        if self.value() == "unverified":
            return queryset.filter(Exists(sides.exclude(verification_state__in=VERIFIED_STATES)))
        if self.value() == "drifted":
            return queryset.filter(Exists(sides.filter(drifted=True)))
        return queryset


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
                    STEPS[step][0],
                )
                for step in publishing.allowed_steps(request.user, obj)
            ]
            context["on_record"] = on_record = self.on_record(obj)
            context["publishing_review"] = [] if on_record else publishing.review(obj).problems
            context["attention"] = publishing.needs_attention(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

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
            "title": f"{STEPS[step][0]}: {obj}",
            "step": step,
            "step_label": STEPS[step][0],
            "form": form,
            "problems": problems,
            "review": found,
            "can_override": step == "publish" and not found.blockers and bool(found.unverified),
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


@admin.register(Claim)
class ClaimAdmin(WorkflowAdmin):
    list_display = ["__str__", "speaker", "kind", "said_on", "status", "quotes"]
    list_filter = [
        "status",
        VerificationFilter,
        "kind",
        "topics",
        "cases",
        "speaker",
        ("citations__source__outlet", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["slug", "text", "summary", "venue", "speaker__name"]
    autocomplete_fields = ["speaker", "topics", "cases"]
    prepopulated_fields = {"slug": ["summary"]}
    date_hierarchy = "said_on"
    inlines = [CitationInline]
    readonly_fields = ["counter_evidence", "created_at", "updated_at"]
    list_select_related = ["speaker"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj else [f for f in fields if f != "counter_evidence"]

    @admin.display(description="Suggested counter-evidence")
    def counter_evidence(self, obj):
        """Findings, records and statements that may challenge this claim, each one click
        from a draft contradiction (claims/curation.py ranks them)."""
        if not obj.pk:
            return ""
        return render_to_string(
            "admin/claims/counter_suggestions.html",
            {"claim": obj, "suggestions": curation.suggested_counters(obj)},
        )

    def get_urls(self):
        return [
            path(
                "<int:claim_id>/link/",
                self.admin_site.admin_view(self.link_view),
                name="claims_claim_link",
            ),
            *super().get_urls(),
        ]

    def link_view(self, request, claim_id):
        """POST: the claim challenged by ``counter``, as a draft contradiction."""
        if request.method != "POST":
            raise Http404("Use the button on the claim's page.")
        if not request.user.has_perm("claims.add_contradiction"):
            raise PermissionDenied
        claim = Claim.objects.filter(pk=claim_id).first()
        counter = Claim.objects.filter(pk=request.POST.get("counter", "")).first()
        if claim is None or counter is None:
            raise Http404("No such claim.")
        try:
            pair = curation.link_as_contradiction(claim=claim, counter=counter, by=request.user)
        except ValueError as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        self.message_user(
            request,
            f"Draft contradiction '{pair.slug}' created: write why the two do not square, "
            "then send it to review.",
        )
        return HttpResponseRedirect(reverse("admin:claims_contradiction_change", args=[pair.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        similar = [c for c in curation.claims_like(obj.text, speaker=obj.speaker) if c.pk != obj.pk]
        if similar:
            self.message_user(
                request,
                "Similar claims already on record: "
                + "; ".join(f"'{c.slug}' ({c.get_status_display().lower()})" for c in similar[:5])
                + ". If this is the same statement, add a citation to that claim instead.",
                messages.WARNING,
            )
        return super().response_add(request, obj, post_url_continue)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("speaker")
            .annotate(
                citation_count=Count("citations", distinct=True),
                verified_count=Count(
                    "citations",
                    filter=Q(citations__verification_state__in=VERIFIED_STATES),
                    distinct=True,
                ),
            )
        )

    def autocomplete_label(self, obj) -> str:
        said = obj.said_on.isoformat() if obj.said_on else "undated"
        return (
            f"“{obj.text[:90]}” — {obj.speaker.name}, {said} · {obj.get_status_display().lower()}"
        )

    def get_search_results(self, request, queryset, search_term):
        """Words as full text (stemmed, any order), ids and speakers as typed."""
        results, duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.strip()[:200]
        if words:
            results = (results | queryset.search(words)).order_by(*Claim._meta.ordering)
        return results, duplicates

    @admin.display(description="Quotes verified")
    def quotes(self, obj):
        total = getattr(obj, "citation_count", None)
        if not total:
            return "—"
        return f"{'✓' if obj.verified_count == total else '✗'} {obj.verified_count} of {total}"

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Citation:
            for citation_form in formset.forms:
                citation = citation_form.instance
                if citation.pk and (citation_form.has_changed() or citation.verified_at is None):
                    verify_citation(citation=citation)


@admin.register(Citation)
class CitationAdmin(GuardedAdmin):
    list_display = ["claim", "source", "verification_state", "verification_score", "drifted"]
    list_filter = ["verification_state", "drifted", "source__kind"]
    search_fields = ["quote", "claim__slug", "claim__text", "source__title"]
    autocomplete_fields = ["claim", "source"]
    list_select_related = ["claim", "source"]
    actions = ["recheck_quotes"]
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

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or publishing.can_edit(request.user, obj.claim))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or publishing.can_edit(request.user, obj.claim))

    def save_model(self, request, obj, form, change):
        if not publishing.can_edit(request.user, obj.claim):
            raise PermissionDenied("Only an editor can change a published claim's citations.")
        super().save_model(request, obj, form, change)
        verify_citation(citation=obj)

    @admin.action(description="Re-check quotes against the archived sources", permissions=["view"])
    def recheck_quotes(self, request, queryset):
        message_recheck(self, request, queryset.select_related("source", "claim"))


class ContradictionAdminForm(forms.ModelForm):
    class Meta:
        model = Contradiction
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields it shows)

    def clean(self):
        cleaned = super().clean()
        claim, counter = cleaned.get("claim"), cleaned.get("counter")
        if claim and counter and claim != counter:
            paired = Contradiction.objects.between(claim, counter).exclude(pk=self.instance.pk)
            existing = paired.first()
            if existing is not None and existing.claim_id == counter.pk:  # the same way round:
                raise ValidationError(  # the unique constraint says so
                    f"These two claims are already paired the other way round in '{existing.slug}'."
                )
        return cleaned


@admin.register(Contradiction)
class ContradictionAdmin(WorkflowAdmin):
    form = ContradictionAdminForm
    list_display = ["title", "claim", "relation", "counter", "status"]
    list_filter = ["status", VerificationFilter, "relation", "cases"]
    search_fields = ["slug", "title", "explanation", "claim__text", "counter__text"]
    autocomplete_fields = ["claim", "counter", "cases"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["claim", "counter"]


class CorrectionAdminForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = "__all__"  # noqa: DJ007 (the admin chooses the fields it shows)

    def clean(self):
        cleaned = super().clean()
        for name in ("claim", "contradiction"):
            item = cleaned.get(name)
            if item is not None and not item.is_on_record:
                self.add_error(
                    name,
                    f"Corrections are for published items: '{item.slug}' is "
                    f"{item.get_status_display().lower()}.",
                )
        return cleaned


@admin.register(Correction)
class CorrectionAdmin(GuardedAdmin):
    form = CorrectionAdminForm
    list_display = ["__str__", "kind", "published_on", "claim", "contradiction"]
    list_filter = ["kind", "published_on"]
    search_fields = ["slug", "text"]
    autocomplete_fields = ["claim", "contradiction"]
    date_hierarchy = "published_on"


from claims.admin import cases as _cases  # noqa: E402, F401  (registers the case admin)
from claims.admin import sources  # noqa: E402, F401  (registers the outlet and source admins)
