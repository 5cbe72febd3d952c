"""COPY: the rows of new records.

New records, their citations, their list references (topics, cases) and the history rows of
all of them are written with COPY rather than INSERT: no SQL compiled per batch, no values
prepared one by one by Django nor packed into arrays, and the server reads rows as a stream.
Primary keys that other rows refer to are taken ahead from each table's sequence (``nextval``
for as many rows as there are), so the rows that refer to a new record (its citations, its
topics, its history row's topics) are written in the same pass; the other rows (most history
rows) get theirs from the sequence as an INSERT would. Either way the sequences stay where the
next INSERT (an editor's new claim) expects them. History rows are tuples with the columns
django-simple-history writes (``bulk_history_create``): the tracked fields as they are on the
record, then the history id, date, change reason, type ('+' created, '~' changed) and user.
The COPY is binary (each value sent as its column's type, which the server need not parse
from text: dates and times especially), with the columns' types read once from the catalog.
COPY bypasses Django's cursor and so the execute wrapper that moves the public data version
on (claims/write_watch.py): each COPY calls ``public_data_written`` itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from operator import attrgetter

from django.conf import settings
from django.db import connection, models

from claims.write_watch import public_data_written

# Fields whose Python value is what the database stores (psycopg adapts it as it is); any other
# field's value goes through the field's ``get_db_prep_save`` (a JSONField's list, say).
_PLAIN_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}

# The columns django-simple-history adds to a history table, after the tracked fields.
HISTORY_COLUMNS = [
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
]


class CopyTable:
    """One table written with COPY: ``columns`` (attribute names) in the order of each row.
    Without its primary key, the table's sequence gives each row one (as an INSERT would)."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        missing = {f.attname for f in meta.concrete_fields if not f.generated} - set(columns)
        if isinstance(meta.pk, models.AutoField | models.BigAutoField):
            missing.discard(meta.pk.attname)
        if missing:  # a field this import does not know how to fill (a new history field?)
            raise LookupError(f"{meta.db_table}: no value for {', '.join(sorted(missing))}")
        fields = [by_attname[name] for name in columns]
        quote = connection.ops.quote_name
        self.table = meta.db_table
        self.pk_column = meta.pk.column
        names = ", ".join(quote(f.column) for f in fields)
        self.sql = f"COPY {quote(self.table)} ({names}) FROM STDIN (FORMAT BINARY)"
        self.columns = [f.column for f in fields]
        self.types: list[int] | None = None
        self.prepare = [
            (index, f)
            for index, f in enumerate(fields)
            if f.get_internal_type() not in _PLAIN_FIELDS
        ]

    def take_ids(self, count: int) -> list[int]:
        """``count`` new primary keys from the table's sequence."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.table, self.pk_column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def _column_types(self, cursor) -> list[int]:
        """The columns' types (oids), read once: binary COPY sends each value as its type."""
        if self.types is None:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass",
                [self.table],
            )
            oids = dict(cursor.fetchall())
            self.types = [oids[column] for column in self.columns]
        return self.types

    def write(self, rows: Iterable[tuple]) -> None:
        with connection.wrap_database_errors, connection.cursor() as cursor:
            types = self._column_types(cursor)
            with cursor.copy(self.sql) as copy:
                copy.set_types(types)
                if self.prepare:
                    for row in rows:
                        row = list(row)
                        for index, f in self.prepare:
                            row[index] = f.get_db_prep_save(row[index], connection)
                        copy.write_row(row)
                else:
                    for row in rows:
                        copy.write_row(row)
        public_data_written(connection)


class NewRows:
    """Writes new records of one model with COPY, with their history rows and list references."""

    def __init__(self, model: type[models.Model]):
        meta = model._meta
        self.model = model
        self.columns = [f.attname for f in meta.concrete_fields if not f.generated]
        self.values = attrgetter(*self.columns)
        self.table = CopyTable(model, self.columns)
        self.auto_now = [
            f
            for f in meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        self.history = getattr(model, "history", None)
        self.m2m_history = {}
        if self.history is not None:
            history = self.history.model
            for m2m in getattr(history, "_history_m2m_fields", []):
                own, other = through_columns(model, m2m.name)
                columns = ["history_id", "id", own, other]
                m2m_model = m2m_history_model(history, m2m.name)
                self.m2m_history[m2m.name] = CopyTable(m2m_model, columns)
            tracked = [f.attname for f in history.tracked_fields]
            self.tracked = attrgetter(*tracked)
            # history ids are taken ahead only where history rows of list references need them
            extra = HISTORY_COLUMNS if self.m2m_history else HISTORY_COLUMNS[1:]
            self.history_table = CopyTable(history, [*tracked, *extra])
        self.through = {}
        for m2m in meta.many_to_many:
            own, other = through_columns(model, m2m.name)
            self.through[m2m.name] = CopyTable(m2m.remote_field.through, ["id", own, other])

    def insert(self, objs: list[models.Model]) -> None:
        """Give each new record its primary key and write them all (as ``bulk_create``); a
        date the record was given (the file's ``updated_at``) is kept, not stamped now."""
        for obj, pk in zip(objs, self.table.take_ids(len(objs)), strict=True):
            obj.pk = pk
            for f in self.auto_now:
                if getattr(obj, f.attname) is None:
                    f.pre_save(obj, add=True)
            obj._state.adding = False
            obj._state.db = connection.alias
        self.table.write(map(self.values, objs))

    def insert_history(
        self, objs: list[models.Model], *, when: dt.datetime, change: str, reason: str | None
    ) -> dict[int, int]:
        """One history row per record as it now is. Returns the history id of each record's
        row (pk -> history id) when the model keeps the history of list references."""
        enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        if self.history is None or not objs or not enabled:
            return {}
        user = self.history.model.get_default_history_user(objs[0])
        user_id = None if user is None else user.pk
        if not self.m2m_history:
            self.history_table.write(
                (*self.tracked(obj), when, reason, change, user_id) for obj in objs
            )
            return {}
        ids = self.history_table.take_ids(len(objs))
        self.history_table.write(
            (*self.tracked(obj), history_id, when, reason, change, user_id)
            for obj, history_id in zip(objs, ids, strict=True)
        )
        return {obj.pk: history_id for obj, history_id in zip(objs, ids, strict=True)}

    def insert_links(self, name: str, pairs: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """Rows of the list reference ``name`` (own pk, other pk); returns (id, own, other)."""
        table = self.through[name]
        rows = [(pk, *pair) for pk, pair in zip(table.take_ids(len(pairs)), pairs, strict=True)]
        table.write(rows)
        return rows

    def insert_link_history(self, name: str, rows: list[tuple[int, int, int]], history_ids) -> None:
        """The history of list references (``rows``: id, own, other) for the history rows."""
        self.m2m_history[name].write((history_ids[row[1]], *row) for row in rows)


_NEW_ROWS: dict[type[models.Model], NewRows] = {}


def new_rows(model: type[models.Model]) -> NewRows:
    if model not in _NEW_ROWS:
        _NEW_ROWS[model] = NewRows(model)
    return _NEW_ROWS[model]


def through_columns(model, name: str) -> tuple[str, str]:
    m2m = model._meta.get_field(name)
    return m2m.m2m_column_name(), m2m.m2m_reverse_name()


def m2m_history_model(history_model, name: str):
    for relation in history_model._meta.related_objects:
        if relation.related_model.__name__ == f"{history_model.__name__}_{name}":
            return relation.related_model
    raise LookupError(name)
