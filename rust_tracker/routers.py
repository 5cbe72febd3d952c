"""Public reads to a read replica.

When ``DATABASE_REPLICA_URL`` is set, settings add a ``replica`` database alias (a streaming
replica of ``default``). Reads made while a public page is rendered for an anonymous visitor
(inside :func:`public_reads`, which ``rust_tracker.caching.cache_public`` opens) go to it;
everything else (writes, the admin, staff, previews, management commands, imports) uses
``default``, so the newsroom always reads its own writes. Without the alias the router
changes nothing.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import connections

REPLICA = "replica"

_public = contextvars.ContextVar("public_reads", default=False)


@contextmanager
def public_reads():
    """Within: reads may come from the replica (a few moments behind the primary)."""
    token = _public.set(True)
    try:
        yield
    finally:
        _public.reset(token)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class PublicReadsToReplica:
    def db_for_read(self, model, **hints):
        if _public.get() and replica_configured():
            return REPLICA
        return None  # default

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data, whichever alias read it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False  # it follows the primary's schema by replication
        return None
