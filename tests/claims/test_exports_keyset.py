"""The keyset of a list's export, without a database: its order read off the queryset, and the
condition for "the rows after this one" checked against every row of small lists, with NULLs and
ties, in every direction, by evaluating the condition as SQL would (NULL compares unknown)."""

import datetime as dt
import itertools
import operator

from django.db.models import Q

from claims.exports import Key, after, order_keys
from claims.models import Claim, Contradiction, Correction

SAID_ON = Key("said_on", descending=True, nulls_last=True, nullable=True)
SLUG = Key("slug", descending=False, nulls_last=True, nullable=False)


def test_the_lists_orders_are_read_as_keys_up_to_the_unique_slug():
    published_at = Key("published_at", descending=True, nulls_last=True, nullable=True)
    created_at = Key("created_at", descending=True, nulls_last=False, nullable=False)
    published_on = Key("published_on", descending=True, nulls_last=False, nullable=False)
    assert order_keys(Claim.objects.published().newest_first()) == [SAID_ON, SLUG]
    assert order_keys(Claim.objects.oldest_first().filter(speaker=1)) == [
        SAID_ON._replace(descending=False),
        SLUG,
    ]
    assert order_keys(Contradiction.objects.latest_first()) == [published_at, created_at, SLUG]
    assert order_keys(Correction.objects.published()) == [published_on, SLUG]  # Meta.ordering
    # Meta.ordering is the indexed order: NULLS LAST, as newest_first()
    assert order_keys(Claim.objects.all()) == [SAID_ON, SLUG]
    # "-said_on" without NULLS LAST: PostgreSQL puts NULL first when descending
    assert order_keys(Claim.objects.order_by("-said_on", "slug")) == [
        SAID_ON._replace(nulls_last=False),
        SLUG,
    ]
    assert order_keys(Claim.objects.order_by("said_on", "pk", "slug")) == [
        SAID_ON._replace(descending=False),
        Key("id", descending=False, nulls_last=True, nullable=False),
    ]


def test_an_order_not_made_of_own_columns_or_not_total_has_no_keys():
    assert order_keys(Claim.objects.by_relevance("gun")) is None  # a computed rank
    assert order_keys(Claim.objects.order_by("speaker__name", "slug")) is None
    assert order_keys(Claim.objects.order_by("speaker", "slug")) is None  # the speaker's order
    assert order_keys(Claim.objects.order_by("said_on")) is None  # ties: not total
    assert order_keys(Claim.objects.order_by("?")) is None
    assert order_keys(Claim.objects.order_by()) is None


def test_a_part_bounds_its_leading_key_so_the_index_scan_starts_at_the_last_row():
    day = dt.date(2024, 5, 1)
    dated, undated = after([SAID_ON, SLUG], [day, "b"])
    assert ("said_on__lte", day) in dated.children
    assert undated == Q(said_on__isnull=True)
    assert after([SAID_ON, SLUG], [None, "b"]) == [Q(said_on__isnull=True) & Q(slug__gt="b")]
    assert after([SAID_ON, SLUG], None) == [Q()]


COMPARE = {
    "": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def sql(q: Q, row: dict):
    """``q`` on ``row`` in SQL's three-valued logic: True, False or None (unknown)."""
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(sql(child, row))
            continue
        lookup, value = child
        name, _, op = lookup.partition("__")
        x = row[name]
        if op == "isnull":
            results.append((x is None) == value)
        elif x is None:
            results.append(None)
        else:
            results.append(COMPARE[op](x, value))
    if q.connector == Q.AND:
        return False if False in results else None if None in results else True
    return True if True in results else None if None in results else False


def in_order(rows: list[dict], keys: list[Key]) -> list[dict]:
    def sort_key(row):
        return [
            (0, -row[k.name] if k.descending else row[k.name])
            if row[k.name] is not None
            else (1 if k.nulls_last else -1, 0)
            for k in keys
        ]

    return sorted(rows, key=sort_key)


def test_the_parts_after_each_row_are_exactly_the_rows_after_it_in_order():
    values = [None, 1, 2]
    rows = [
        {"a": a, "b": b, "id": n}
        for n, (a, b, _) in enumerate(itertools.product(values, values, values))
    ]
    for a_desc, a_last, b_desc, b_last in itertools.product([False, True], repeat=4):
        keys = [
            Key("a", a_desc, a_last, True),
            Key("b", b_desc, b_last, True),
            Key("id", False, True, False),
        ]
        ordered = in_order(rows, keys)
        for position in range(-1, len(ordered)):
            last = None if position < 0 else [ordered[position][k.name] for k in keys]
            walked = [
                row for part in after(keys, last) for row in ordered if sql(part, row) is True
            ]
            assert walked == ordered[position + 1 :], (keys, last)
