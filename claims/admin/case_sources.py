"""The cases a source belongs to, on the source's admin page (issue 19, point 2).

``Case.sources`` is declared on the case (``sources`` knows nothing of claims), so the source's
form gets a "Cases" field of its own: pre-filled from ``?cases=<id>,<id>`` as the admin fills a
many-to-many field (the case's page links "Add source" so), written through
``claims.cases.set_source_cases`` (the history row is the case's). A source added from a case
goes back to that case's page, where its quotes are listed with the case's work.
"""

from __future__ import annotations

import copy

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.http import HttpResponseRedirect
from django.urls import reverse

from claims import cases as case_work
from claims.models import Case, Claim

FIELD = "cases"


def _ids(value: str) -> list[str]:
    return [part for part in value.split(",") if part.strip().isdigit()]


class SourceCasesMixin:
    """For ``SourceAdmin``: the "Cases" field, its initial value and its save."""

    def _may_write(self, request, obj) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._may_write(request, obj):
            return fieldsets
        fieldsets = copy.deepcopy(fieldsets)
        name, options = fieldsets[0]
        options["fields"] = [*options.get("fields", []), FIELD]
        return [(name, options), *fieldsets[1:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        fields = kwargs.pop("fields", None)
        if fields is None:
            fields = [
                name
                for fieldset in self.get_fieldsets(request, obj)
                for name in _flat(fieldset[1].get("fields", []))
            ]
        form = super().get_form(
            request, obj, change, fields=[f for f in fields if f != FIELD], **kwargs
        )
        if FIELD not in fields:
            return form
        field = forms.ModelMultipleChoiceField(
            queryset=Case.objects.order_by("title"),
            required=False,
            label="Cases",
            help_text="The stories this source is worked on for: it is listed on their pages.",
            # the claims' own case field names the autocomplete's permission check
            widget=AutocompleteSelectMultiple(Claim._meta.get_field("cases"), self.admin_site),
        )
        return type(form.__name__, (_WithCases, form), {FIELD: field})

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if FIELD in initial:  # "3,4": the ids, as the admin reads a many-to-many field's
            initial[FIELD] = _ids(initial[FIELD])
        return initial

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Also for a reporter's proposed revision of a published source: which stories the
        # desk works it for is not what the public reads (claims_case_sources is not guarded).
        if FIELD in form.fields and form.instance.pk and FIELD in form.changed_data:
            case_work.set_source_cases(
                source=form.instance, cases=form.cleaned_data[FIELD], by=request.user
            )

    def response_add(self, request, obj, post_url_continue=None):
        """Added from a case's page (``?cases=``): back to that case, where the source's
        quotes are listed with the rest of the case's work."""
        response = super().response_add(request, obj, post_url_continue)
        return back_to_case(request, obj) or response


def back_to_case(request, obj) -> HttpResponseRedirect | None:
    """Where a plain "Save" of an item added from a case's page (``?cases=<id>``) goes: back
    to that case's workspace, when the item belongs to it (None otherwise, or when the
    curator asked for another page: save and continue, add another, a popup)."""
    came_from = _ids(request.GET.get(FIELD, ""))
    others = ("_continue", "_addanother", "_popup", "_saveasnew", "_send_to_review")
    if not came_from or any(key in request.POST for key in others):
        return None
    case = obj.cases.filter(pk=came_from[0]).first()
    if case is None:
        return None
    return HttpResponseRedirect(reverse("admin:claims_case_change", args=[case.pk]))


class _WithCases(forms.ModelForm):
    """A source's form with the cases it belongs to as their initial value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and FIELD not in self.initial:
            self.initial[FIELD] = [case.pk for case in self.instance.cases.all()]


def _flat(fields) -> list[str]:
    out = []
    for name in fields:
        out.extend(name if isinstance(name, (list, tuple)) else [name])
    return out
