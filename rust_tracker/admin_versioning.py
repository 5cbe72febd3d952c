"""The admin side of edits that never overwrite (see ``rust_tracker.versioning``).

The change form carries the version it was opened at (``_version``); saving a record that
has moved on since is refused on the form, in words, with what the other person changed. The
check locks the row inside the admin's own transaction, so two saves at the same moment are
ordered and the second is refused.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from rust_tracker.versioning import EditConflict, lock_version

VERSION_FIELD = "_version"


def posted_version(data) -> int | None:
    raw = (data or {}).get(VERSION_FIELD, "")
    return int(raw) if str(raw).isdigit() else None


class VersionGuardForm:
    """Mixed into the admin's ModelForm for records that exist."""

    def clean(self):
        cleaned = super().clean()
        expected = posted_version(self.data)
        if self.instance.pk and expected is None:
            # a form that does not say which version it shows could overwrite anyone's save
            raise ValidationError(
                "This form did not say which version of the record it was opened at, so "
                "saving it could overwrite someone else's changes. Reload the page and make "
                "your changes again.",
                code="edit_conflict",
            )
        if self.instance.pk:
            try:
                lock_version(self.instance, expected)
            except EditConflict as conflict:
                raise ValidationError(conflict.message, code="edit_conflict") from None
        return cleaned


class VersionedAdmin(SimpleHistoryAdmin):
    """History with who, when and a field-level diff (django-simple-history), revertable,
    and a refused save when the record changed since the form was opened."""

    change_form_template = "admin/versioned_change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        return type(form.__name__, (VersionGuardForm, form), {})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # after a refusal the posted version is kept: saving again stays refused until
            # the page is reloaded with the other person's changes
            context["opened_version"] = posted_version(request.POST) or obj.version
        return super().render_change_form(request, context, add, change, form_url, obj)

    def count_on(self, obj) -> None:
        """A revert from the history page brings back an old version number: count on from
        the stored one (the form has already checked it against the one it opened)."""
        obj.version = (
            type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).get()
        )

    def save_model(self, request, obj, form, change):
        if change and obj.pk:
            self.count_on(obj)
        super().save_model(request, obj, form, change)
