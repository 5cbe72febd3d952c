"""Cursor pagination that never counts: a page is one query for ``limit + 1`` rows.

A list ordered by its own columns (ending in a unique one) is walked by key: the cursor holds
the last row's key values, and the next page is the rows after it in the list's order, the
exports' keyset rule (``claims.exports.order_keys`` and ``after``), so a page deep in a large
list costs what the first one does, and a row added meanwhile neither repeats nor skips one.
A list ordered otherwise (a search by relevance, which ranks a bounded set of candidates)
is read by position: the cursor holds an offset, at most MAX_OFFSET.

A cursor is opaque to the client (URL-safe base64 of a small JSON object); one that was not
given by this API, or was given for a list in another order, is a BadCursor (a 400).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
import operator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from claims.exports import after as rows_after
from claims.exports import order_keys

MAX_OFFSET = 10_000
BAD_CURSOR = (
    "This cursor is not one this list gave: use the “next” link of a page of the same list, "
    "or leave the cursor out for the first page."
)


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def _dump(value):
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def encode(payload: dict) -> str:
    text = json.dumps(payload, separators=(",", ":"), default=_dump, ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode("ascii")


def decode(cursor: str) -> dict:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeError):
        raise BadCursor(BAD_CURSOR) from None
    if not isinstance(payload, dict):
        raise BadCursor(BAD_CURSOR)
    return payload


def _key_values(queryset, keys, payload: dict) -> list[Any]:
    """The cursor's key values, each read as its column reads it; BadCursor for anything else."""
    names = [key.name for key in keys]
    values = payload.get("v")
    if set(payload) != {"k", "v"} or payload["k"] != names or not isinstance(values, list):
        raise BadCursor(BAD_CURSOR)
    if len(values) != len(names):
        raise BadCursor(BAD_CURSOR)
    read = []
    for key, value in zip(keys, values, strict=True):
        field = queryset.model._meta.get_field(key.name)
        if value is None:
            if not key.nullable:
                raise BadCursor(BAD_CURSOR)
            read.append(None)
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise BadCursor(BAD_CURSOR)
        try:
            read.append(field.to_python(value))
        except (ValidationError, TypeError, ValueError, OverflowError):
            raise BadCursor(BAD_CURSOR) from None
    return read


def read_page(queryset, *, cursor: str | None, limit: int) -> Page:
    """The page of ``queryset`` after ``cursor`` (None: the first page), at most ``limit``
    rows, in one query."""
    keys = order_keys(queryset)
    payload = decode(cursor) if cursor else None
    if keys is None:
        offset = 0
        if payload is not None:
            offset = payload.get("o")
            if set(payload) != {"o"} or type(offset) is not int or not 0 < offset <= MAX_OFFSET:
                raise BadCursor(BAD_CURSOR)
        rows = list(queryset[offset : offset + limit + 1])
        more = len(rows) > limit and offset + limit < MAX_OFFSET
        return Page(rows[:limit], encode({"o": offset + limit}) if more else None)
    values = None if payload is None else _key_values(queryset, keys, payload)
    # the parts of ``after`` (each an index range) in one query: a page is one query whatever
    # it steps across
    condition = functools.reduce(operator.or_, rows_after(keys, values))
    rows = list(queryset.filter(condition)[: limit + 1])
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(
        rows[:limit],
        encode({"k": [key.name for key in keys], "v": [getattr(last, k.name) for k in keys]}),
    )
