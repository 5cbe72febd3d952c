"""A pager that never counts the table: fetch one row more than a page to know if there is more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int | None:
        """The previous page, ``None`` for the first (so the link drops ``page=``)."""
        return self.number - 1 if self.number > 2 else None

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.items)


def paginate(queryset, *, number: int = 1, size: int = 25) -> Page:
    """One query: ``size + 1`` rows from the right offset, no COUNT(*)."""
    number = max(1, number)
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return Page(items=rows[:size], number=number, size=size, has_next=len(rows) > size)
