"""Who may change what the public reads: one chokepoint, below every view.

A published or retracted claim or contradiction, a published case, and what the public reads
through them (their speakers, topics, citations, cited sources and outlets, the case and topic
links, every correction) change only by an editor's act. The rule is enforced by the database
(migration 0011: ``rust_tracker_is_public`` says which rows the public reads, a row trigger on
each of those tables refuses a write to them) whenever the connection acts for someone who is
not an editor. This module tells the connection whom it acts for:

* in a request (``ActorMiddleware``) it acts for the signed-in user, or for an anonymous
  visitor; before each write to a ``claims_`` or ``sources_`` table the connection is told
  whether that person is an editor (``claims.publish``);
* outside a request (``manage.py``, the import, a shell) it acts for the operator, who owns
  the database, unless a caller says otherwise with ``acting_as(user)``.

So a library's view (the history form), a new endpoint or an inline cannot route around the
rule: the write itself is refused, as ``Locked`` (a 403), whatever path it took.
``is_public(obj)`` asks the database's own rule, so the admin can offer a reporter a proposed
revision (``claims.revisions``) instead of a form that would be refused.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import connections

PUBLISH_PERMISSION = "claims.publish"
SETTING = "rust_tracker.guarded"
REFUSED_SQLSTATE = "42501"  # insufficient_privilege, raised only by the guard trigger

# The person the current code acts for: a callable returning the user (a request's user is
# read only when a write needs it), or None for the operator.
_actor: ContextVar = ContextVar("rust_tracker_actor", default=None)


class Locked(PermissionDenied):
    """A write to something the public reads, by someone who is not an editor."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "This is published (or part of what a published item shows): only an editor "
            "changes it. Propose your change from its page in the admin instead."
        )


def is_editor(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PUBLISH_PERMISSION))


@contextlib.contextmanager
def acting_as(user):
    """Run the block as ``user`` (None: the operator)."""
    token = _actor.set(None if user is None else (lambda: user))
    try:
        yield
    finally:
        _actor.reset(token)


def current_user():
    actor = _actor.get()
    return None if actor is None else actor()


def guarded() -> bool:
    """Does the current code act for someone who is not an editor?"""
    actor = _actor.get()
    return actor is not None and not is_editor(actor())


class ActorMiddleware:
    """Every request acts for its user (anonymous visitors included) until it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _actor.set(lambda: request.user)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def before_write(connection) -> None:
    """Tell ``connection`` whether this write is made for a non-editor (the trigger reads it).

    Set as a session setting before each write: always when guarded; when not, only on a
    connection that has ever been guarded (a rolled-back transaction restores a session setting,
    so a connection's setting is never assumed, only written)."""
    value = "on" if guarded() else ""
    if value or getattr(connection, "_rust_tracker_guarded_once", False):
        connection._rust_tracker_guarded_once = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, value])


def refusal(error) -> Locked | None:
    """The guard trigger's refusal as ``Locked``, or None for any other database error."""
    cause = getattr(error, "__cause__", None) or error
    if getattr(cause, "sqlstate", None) == REFUSED_SQLSTATE and "rust_tracker.guard" in str(cause):
        return Locked()
    return None


def is_public(obj, *, using: str = "default") -> bool:
    """Does the public read ``obj`` (as stored)? The database's own rule, one query."""
    if obj is None or obj.pk is None:
        return False
    table = obj._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f'SELECT rust_tracker_is_public(%s, to_jsonb(t)) FROM "{table}" t WHERE t.id = %s',
            [table, obj.pk],
        )
        row = cursor.fetchone()
    return bool(row and row[0])
