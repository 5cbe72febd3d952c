"""Autocomplete widgets that survive a value that is not an id.

An admin form shown again after a validation error renders each autocomplete field (a foreign
key or many-to-many picked by search) with the values that were posted. Django's
``AutocompleteMixin.optgroups`` looks them up with ``<to_field>__in``, and a value that is not
valid for that field ("abc" for an integer id) raises ValueError there: a 500 instead of the
form with its error ("Select a valid choice").

:func:`install` (called once by the admin's app config) makes every autocomplete widget drop
such values before that query: the model admins' and their inlines' widgets, and the ones a
form builds itself (the claim-from-a-quote form). It wraps Django's method rather than
subclassing the widgets because those are made in several places this project does not own
(``ModelAdmin.formfield_for_foreignkey``, custom forms); the valid values go to Django's own
method unchanged. The form's validation is untouched: it still refuses the value, in words.
"""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError

_django_optgroups = AutocompleteMixin.optgroups


def target_field(widget):
    """The field of the related model that the widget's values stand for (its primary key, or
    the foreign key's ``to_field``)."""
    remote = widget.field.remote_field
    opts = remote.model._meta
    return opts.get_field(getattr(remote, "field_name", None) or opts.pk.attname)


def valid_values(widget, values) -> list:
    """``values`` without those the target field cannot take: not of its type, or holding a
    NUL character (which PostgreSQL refuses in any text). Empty values are kept: Django's
    method ignores them itself."""
    field = target_field(widget)
    empty = widget.choices.field.empty_values
    kept = []
    for value in values:
        if value in empty or str(value) in empty:
            kept.append(value)
            continue
        if "\x00" in str(value):
            continue
        try:
            field.to_python(value)
        except ValidationError:
            continue
        kept.append(value)
    return kept


def optgroups(self, name, value, attr=None):
    return _django_optgroups(self, name, valid_values(self, value), attr)


optgroups.__doc__ = _django_optgroups.__doc__


def install() -> None:
    """Put :func:`optgroups` in Django's place (once; calling again changes nothing)."""
    AutocompleteMixin.optgroups = optgroups
