"""Proposed revisions: a reporter's change to something the public reads waits for an editor.

A reporter cannot write a published item (claims/guard.py refuses it in the database); the
admin turns their save into a ``Revision`` holding each changed field, and an editor accepts it
(the change is then made, in the editor's name, through the same code paths as an editor's own
save: a source's new text re-checks its citations) or rejects it with a note. A revision made to
a version of the item that has moved on since is refused on acceptance, with what changed.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from claims import guard
from claims.models import Revision, RevisionStatus
from claims.publishing import Refused
from claims.verification import replace_source_text
from rust_tracker.versioning import lock_version
from sources.models import Source

NOT_PROPOSED = {"version", "status", "published_at", "published_by", "override_reason"}


def _shown(value, limit: int = 2000) -> str:
    if value is None:
        return ""
    text = ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _many(obj, name):
    return list(getattr(obj, name).all())


def changed_fields(*, obj, form) -> dict:
    """What ``form`` (bound to ``obj``, its values already on ``obj``) changes, as stored."""
    stored = type(obj)._default_manager.get(pk=obj.pk)
    changes = {}
    for name in form.changed_data:
        try:
            field = obj._meta.get_field(name)
        except Exception:  # a form-only field
            continue
        if name in NOT_PROPOSED or not field.concrete:
            continue
        label = str(field.verbose_name).capitalize()
        if field.many_to_many:
            chosen = list(form.cleaned_data.get(name) or [])
            before = _many(stored, name)
            if sorted(o.pk for o in chosen) == sorted(o.pk for o in before):
                continue
            changes[name] = {
                "label": label,
                "old": _shown(before),
                "new": _shown(chosen),
                "value": sorted(o.pk for o in chosen),
            }
            continue
        new_value = field.value_from_object(obj)
        if new_value == field.value_from_object(stored):
            continue
        changes[name] = {
            "label": label,
            "old": _shown(getattr(stored, field.name)),
            "new": _shown(getattr(obj, field.name)),
            "value": None if new_value is None else field.value_to_string(obj),
        }
    return changes


@transaction.atomic
def propose(*, obj, form, by, base_version: int | None = None) -> Revision | None:
    """Keep the change ``form`` makes to ``obj`` as a revision for an editor; None when it
    changes nothing."""
    changes = changed_fields(obj=obj, form=form)
    if not changes:
        return None
    stored_version = type(obj)._default_manager.values_list("version", flat=True).get(pk=obj.pk)
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        item_label=f"{obj._meta.verbose_name} “{_shown(str(obj), 200)}”"[:300],
        base_version=base_version or stored_version,
        changes=changes,
        proposed_by=by,
    )


def pending_for(obj):
    return Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        status=RevisionStatus.PENDING,
    )


def _decidable(revision: Revision, by) -> Revision:
    if not guard.is_editor(by):
        raise PermissionDenied("Only an editor accepts or rejects a proposed revision.")
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.PENDING:
        raise Refused([f"this revision was already {revision.get_status_display().lower()}"])
    return revision


def _close(revision: Revision, *, by, status: str, note: str) -> Revision:
    revision.status = status
    revision.decided_by = by
    revision.decided_at = timezone.now()
    revision.decision_note = note
    revision.save()
    return revision


@transaction.atomic
def accept(*, revision: Revision, by, note: str = "") -> Revision:
    """Make the proposed change, in the editor's name. Refused (EditConflict) when the item
    changed since it was proposed, and (Refused) when the change breaks a field's rules."""
    revision = _decidable(revision, by)
    item = revision.item
    if item is None:
        raise Refused(["the item this revision changes no longer exists"])
    item = lock_version(item, revision.base_version)
    many = {}
    for name, change in revision.changes.items():
        field = item._meta.get_field(name)
        if field.many_to_many:
            many[name] = change["value"]
        else:
            setattr(item, field.attname, field.to_python(change["value"]))
    try:
        item.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as invalid:
        raise Refused(
            [f"{name}: {' '.join(errors)}" for name, errors in invalid.message_dict.items()]
        ) from None
    reason = f"Accepted revision {revision.pk} proposed by {revision.proposed_by}"[:100]
    item._history_user = by
    item._change_reason = reason
    with guard.acting_as(by):
        _save(item, by=by, changed=set(revision.changes))
        for name, pks in many.items():
            getattr(item, name).set(pks)
    return _close(revision, by=by, status=RevisionStatus.ACCEPTED, note=note)


def _save(item, *, by, changed: set[str]) -> None:
    """An editor's save: a source's new text goes through the service that re-checks it."""
    if isinstance(item, Source) and "text" in changed:
        replace_source_text(source=item, text=item.text, by=by)
    else:
        item.save()


@transaction.atomic
def reject(*, revision: Revision, by, note: str = "") -> Revision:
    revision = _decidable(revision, by)
    return _close(revision, by=by, status=RevisionStatus.REJECTED, note=note.strip())
