"""Contradictions in the admin: two claims that do not square, under the same workflow as
claims."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.text import slugify

from claims import curation
from claims.admin.claims import VerificationFilter
from claims.admin.workflow import WorkflowAdmin
from claims.models import Contradiction, Status
from claims.slugs import free_slug

TITLE_ID_LENGTH = 80


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

    def save_model(self, request, obj, form, change):
        """A pair linked from a claim's page was saved before it had a title, so its id was
        made from its two claims' ids; the first title written while it is a draft, never
        published, gives it its id instead (as a pair added with its title gets one), unless
        the curator wrote the id too."""
        if (
            change
            and obj.status == Status.DRAFT
            and obj.published_at is None
            and "title" in form.changed_data
            and "slug" not in form.changed_data
            and not form.initial.get("title")
            and obj.title.strip()
        ):
            words = slugify(obj.title)
            if len(words) > TITLE_ID_LENGTH:  # cut at a word, as a reader would
                words = words[:TITLE_ID_LENGTH].rsplit("-", 1)[0]
            others = Contradiction.objects.exclude(pk=obj.pk)
            obj.slug = free_slug(others, words, max_length=TITLE_ID_LENGTH)
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_swap_sides"] = (
            obj is not None
            and obj.status == Status.DRAFT
            and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        """ "Swap the two sides" on a draft: the form is saved (above), then turned round."""
        if "_swap_sides" in request.POST:
            try:
                curation.swap_sides(pair=obj, by=request.user)
            except ValueError as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(
                    request,
                    "Sides swapped: the statement challenged is now "
                    f"'{obj.counter.slug}', the counter-evidence '{obj.claim.slug}'.",
                )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.cleaned_data.get("cases") and form.instance.pk:
            curation.take_shared_cases(form.instance)  # a new pair: the case its claims share
