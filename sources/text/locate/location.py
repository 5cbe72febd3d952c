"""What a search answers, and what every search shares.

The states (``verbatim``, ``normalized``, ``fuzzy``, ``not_found``, ``no_text``), `Part` and
`Location` (W3C TextQuoteSelector plus TextPositionSelector) and how they are built; the
occurrences of a needle; the windows of a text around a quote's longest word, normalised
instead of the whole text; an original offset in normalised text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

from ..normalize import Normalized

__all__ = [
    "FUZZY",
    "FUZZY_THRESHOLD",
    "NORMALIZED",
    "NOT_FOUND",
    "NO_TEXT",
    "STATES",
    "VERBATIM",
    "Location",
    "Part",
]

VERBATIM = "verbatim"
NORMALIZED = "normalized"
FUZZY = "fuzzy"
NOT_FOUND = "not_found"
NO_TEXT = "no_text"
STATES = (VERBATIM, NORMALIZED, FUZZY, NOT_FOUND, NO_TEXT)

FUZZY_THRESHOLD = 80.0
MAX_OCCURRENCES = 1000  # occurrences of one quote considered when choosing by hint/context

TRAILING = ",.;:"


@dataclass(frozen=True)
class Part:
    """One printed part of a quote: a TextPositionSelector (start, end) and a
    TextQuoteSelector (exact, prefix, suffix) into the original text."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str

    @classmethod
    def of(cls, text: str, start: int, end: int, context: int) -> Part:
        return cls(
            start=start,
            end=end,
            exact=text[start:end],
            prefix=text[max(0, start - context) : start],
            suffix=text[end : end + context],
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Location:
    """Where a quote was found, as a W3C TextQuoteSelector plus a TextPositionSelector.

    ``start``, ``end``, ``exact``, ``prefix`` and ``suffix`` cover the whole passage (for a
    split quote, from its first part's start to its last part's end, attribution included);
    ``parts`` holds one selector per printed part, in order: one part equal to the whole
    anchor for a quote printed in one piece, none when nothing was found.
    """

    state: str
    score: float = 0.0
    start: int | None = None
    end: int | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    parts: tuple[Part, ...] = ()

    @property
    def found(self) -> bool:
        return self.state in (VERBATIM, NORMALIZED, FUZZY)

    @property
    def is_split(self) -> bool:
        return len(self.parts) > 1

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def whole_location(
    state: str, score: float, text: str, start: int, end: int, context: int
) -> Location:
    whole = Part.of(text, start, end, context)
    return Location(
        state=state,
        score=round(score, 1),
        start=start,
        end=end,
        exact=whole.exact,
        prefix=whole.prefix,
        suffix=whole.suffix,
        parts=(whole,),
    )


def split_location(
    state: str, text: str, spans: Sequence[tuple[int, int]], context: int
) -> Location:
    start, end = spans[0][0], spans[-1][1]
    whole = Part.of(text, start, end, context)
    return Location(
        state=state,
        score=100.0,
        start=start,
        end=end,
        exact=whole.exact,
        prefix=whole.prefix,
        suffix=whole.suffix,
        parts=tuple(Part.of(text, part_start, part_end, context) for part_start, part_end in spans),
    )


def occurrences_of(haystack: str, needle: str, limit: int = MAX_OCCURRENCES) -> Iterator[int]:
    at = haystack.find(needle)
    count = 0
    while at != -1 and count < limit:
        yield at
        count += 1
        at = haystack.find(needle, at + 1)


_ANCHOR_WORD = re.compile(r"[^\W_]+")
MAX_WINDOWS = 200  # beyond that many occurrences of the anchor word, normalise it all


def windows_around(text: str, nq: str, margin: int) -> list[tuple[int, int]] | None:
    """Stretches of ``text`` around the occurrences of the longest word of the normalised
    quote ``nq``, reaching ``margin`` characters past the quote on each side (merged where
    they overlap); None when the word is too common to look at this way."""
    found = _ANCHOR_WORD.findall(nq)
    if not found:
        return None
    anchor = max(found, key=len)
    offset_in_quote = nq.find(anchor)
    occurrences = list(occurrences_of(text, anchor, MAX_WINDOWS + 1))
    if len(occurrences) > MAX_WINDOWS:
        return None
    windows: list[list[int]] = []
    for at in occurrences:
        lo, hi = max(0, at - offset_in_quote - margin), min(len(text), at + margin)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    return [(lo, hi) for lo, hi in windows]


def to_norm(nt: Normalized, pos: int | None) -> int | None:
    """Approximate normalised offset of an original offset (for hints only)."""
    if pos is None:
        return None
    # orig_starts is sorted: find the segment holding pos
    from bisect import bisect_right

    segment = bisect_right(nt.orig_starts, pos) - 1
    if segment < 0:
        return 0
    base = nt.norm_starts[segment]
    if nt.identity[segment]:
        return base + (pos - nt.orig_starts[segment])
    return base
