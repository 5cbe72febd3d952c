"""Corrections in the admin: notes published about an item already on record."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from claims.admin.revisions import GuardedAdmin
from claims.models import Correction


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
