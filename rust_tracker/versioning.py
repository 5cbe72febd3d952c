"""Edits that never overwrite: a version number on every curated record.

Every save of a whole record raises its version by one. A form or a service call that says
which version it started from (``expected_version``) is refused when the record has moved on
since, with what the other person changed, read from the record's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, router, transaction


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised by one at every save of the record."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """A save of the whole record counts on from the stored version, read under a row
        lock: two saves at once are ordered, none is lost, and no two history rows share a
        version (whatever version the instance in hand carries: a stale copy, a revert)."""
        if self._state.adding or kwargs.get("update_fields") is not None:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            stored = (
                type(self)
                ._base_manager.using(using)
                .select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
            )
            if stored is not None:
                self.version = stored + 1
            super().save(*args, **kwargs)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


class EditConflict(Exception):
    """The record changed since the editor opened it."""

    def __init__(self, *, obj, expected: int, changed_by: list[str], changes: list[FieldChange]):
        self.obj = obj
        self.expected = expected
        self.changed_by = changed_by
        self.changes = changes
        super().__init__(self.message)

    @property
    def message(self) -> str:
        who = ", ".join(self.changed_by) or "someone else"
        label = obj_label(self.obj)
        what = "; ".join(f"{c.field}: “{c.new}” (was “{c.old}”)" for c in self.changes)
        changed = f" They changed {what}." if what else ""
        return (
            f"{who} saved {label} after you opened it (version {self.expected} → "
            f"{self.obj.version}).{changed} Your changes were not saved: reload the page to "
            "see theirs, then make yours again."
        )


def obj_label(obj) -> str:
    slug = getattr(obj, "slug", None)
    name = obj._meta.verbose_name
    return f"the {name} '{slug}'" if slug else f"this {name}"


def _shown(value, limit: int = 120) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def changes_since(obj, expected: int) -> tuple[list[str], list[FieldChange]]:
    """Who changed ``obj`` after ``expected`` and what, from its history (when it keeps one)."""
    history = getattr(obj, "history", None)
    if history is None:
        return [], []
    later = list(history.filter(version__gt=expected).select_related("history_user"))
    who = sorted(
        {
            (r.history_user.get_full_name() or r.history_user.get_username())
            for r in later
            if r.history_user
        }
    )
    before = history.filter(version=expected).order_by("history_date").last()
    after = history.order_by("history_date").last()
    if before is None or after is None or before.pk == after.pk:
        return who, []
    delta = after.diff_against(before)
    changes = []
    for change in delta.changes:
        if change.field == "version":
            continue
        field = obj._meta.get_field(change.field)
        changes.append(
            FieldChange(
                str(field.verbose_name).capitalize(), _shown(change.old), _shown(change.new)
            )
        )
    return who, changes


def lock_version(obj, expected: int | None):
    """Lock ``obj``'s row for this transaction and return it fresh; when ``expected`` is given
    and the record has moved on, raise EditConflict naming what changed."""
    fresh = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if expected is not None and fresh.version != expected:
        who, changes = changes_since(fresh, expected)
        raise EditConflict(obj=fresh, expected=expected, changed_by=who, changes=changes)
    return fresh
