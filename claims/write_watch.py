"""Every SQL statement that may write goes through one execute wrapper on each database
connection (:func:`public_write_watcher`): before it, the connection is told whom it acts for,
so the guard trigger can refuse a non-editor's write to a public row (claims/guard.py); after a
write to what the public reads, the public data version moves on.

The public data version moves on whenever the data behind the public pages is written: every
SQL write to a table of the ``claims`` or ``sources`` apps counts, whichever way it is made:
``save()``, ``delete()``, many-to-many changes, ``QuerySet.update()``, ``bulk_create``, history
rows, raw SQL through Django's cursor. The wrapper sees the statement; the version moves at
once (so a page rendered afterwards in this process is never served from before) and again when
the transaction commits (so a page rendered by another connection between the write and the
commit, from the old data, is not kept). A bulk load that bypasses Django's cursor (``COPY``
through psycopg, as ``import_jsonl`` writes new records) calls :func:`public_data_written`
itself.
"""

from __future__ import annotations

import re

from django.db import DatabaseError, transaction
from django.db.backends.signals import connection_created

from claims import guard
from rust_tracker.caching import bump_public_version

PUBLIC_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(?:claims|sources)_',
    re.IGNORECASE,
)


def _bump_on_commit():
    bump_public_version()


def public_data_written(connection) -> None:
    """The public data changed through ``connection``: a new version now, and another when its
    transaction commits. Called by the watcher below, and by writes that bypass it (COPY)."""
    bump_public_version()
    if connection.in_atomic_block and not any(
        func is _bump_on_commit for _, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(_bump_on_commit, using=connection.alias)


# Statements that cannot write a row; anything else (INSERT, UPDATE, DELETE, WITH, COPY, a
# comment first...) may, and is preceded by telling the connection whom it acts for.
READ_ONLY = re.compile(
    r"^\s*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|START|SET|SHOW|EXPLAIN"
    r"|DECLARE|FETCH|CLOSE)\b",
    re.IGNORECASE,
)


def public_write_watcher(execute, sql, params, many, context):
    """Before a statement that may write: tell the connection whom it acts for (the guard
    trigger refuses a non-editor's write to a public row, claims/guard.py); after a write to
    what the public reads: a new public data version."""
    if not isinstance(sql, str) or READ_ONLY.match(sql):
        return execute(sql, params, many, context)
    guard.before_write(context["connection"])
    try:
        result = execute(sql, params, many, context)
    except DatabaseError as error:
        locked = guard.refusal(error)
        if locked is None:
            raise
        raise locked from error
    if PUBLIC_WRITE.match(sql):
        public_data_written(context["connection"])
    return result


def watch_connection(sender, connection, **kwargs):
    if public_write_watcher not in connection.execute_wrappers:
        # First in the list: a wrapper pushed and popped around this connect (Django's
        # ``connection.execute_wrapper()``) pops its own, not this one.
        connection.execute_wrappers.insert(0, public_write_watcher)


def connect():
    connection_created.connect(watch_connection, dispatch_uid="claims.public_write_watcher")
