"""Typographic normalisation with a map back to the original offsets.

`normalize(text)` makes equal what typography changes and nothing else:

* every double quote mark (straight, curly, low-9, guillemets, double prime) becomes ``"``;
  every single quote mark, apostrophe, prime and backtick becomes ``'``;
* ``…`` and ``...`` (and ``. . .``) become ``...``, without the spaces around them;
* dashes and hyphens (‐ ‑ ‒ – — ― − -), runs of them and the spaces around them become ``-``;
* runs of whitespace (any Unicode space, non-breaking ones, tabs, newlines) become one space;
* zero-width characters and soft hyphens disappear;
* everything else goes through Unicode NFKC (compatibility forms: ligatures, full-width
  letters, composed accents).

Case and words are never changed. The result keeps, for every stretch of normalised text, the
stretch of original text it came from, so a span found in the normalised text maps back to the
original (`Normalized.span_to_original`). The pass is linear and only touches the characters
that change: plain ASCII runs are copied in one slice.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from .quotemarks import DOUBLE_QUOTES, GUILLEMET_MARKS, SINGLE_GUILLEMET_MARKS, SINGLE_QUOTES

__all__ = [
    "DASHES",
    "DOUBLE_QUOTES",
    "SINGLE_QUOTES",
    "Normalized",
    "fold_one_for_one",
    "normalize",
    "normalize_simple",
    "words_unchanged",
]

DASHES = "-‐‑‒–—―−⁃﹘﹣－"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"

_NON_ASCII_DASHES = DASHES.replace("-", "")
_ALL_QUOTES = DOUBLE_QUOTES + SINGLE_QUOTES

# Positions worth looking at: whitespace other than a single ASCII space, quote marks, dashes,
# dots, and anything non-ASCII. A pure character class, so the regex engine skips plain text
# at C speed; double ASCII spaces get their own alternative only when the text has any.
# Characters that change one for one (same length, same offsets) go through str.translate
# first: quote marks, single spaces of any kind, dashes. Guillemets stay for the second pass,
# which needs to know them (French spacing).
_UNICODE_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ONE_FOR_ONE = {
    **{ord(char): '"' for char in DOUBLE_QUOTES if char not in GUILLEMET_MARKS},
    **{ord(char): "'" for char in SINGLE_QUOTES if char not in SINGLE_GUILLEMET_MARKS},
    **{ord(char): " " for char in _UNICODE_SPACES},
    **{ord(char): "-" for char in DASHES},
}
_ONE_FOR_ONE_PAIRS = tuple((chr(code), replacement) for code, replacement in _ONE_FOR_ONE.items())


def _translate(text: str) -> str:
    """``text`` with the one-for-one replacements made (str.replace is faster than a
    translate table here)."""
    for char, replacement in _ONE_FOR_ONE_PAIRS:
        if char in text:
            text = text.replace(char, replacement)
    return text


_KEEPS_WORDS = frozenset(char for char, _ in _ONE_FOR_ONE_PAIRS) | frozenset("…«»‹›")


@lru_cache(maxsize=8192)
def _keeps_words(char: str) -> bool:
    """Does normalisation leave the words around ``char`` alone (only typography changes)?"""
    if char in _KEEPS_WORDS:
        return True
    if char in _ZW_SET or char in _COMBINING_SET:
        return False
    return unicodedata.normalize("NFKC", char) == char


def words_unchanged(text: str) -> bool:
    """True when normalising ``text`` changes typography only: every letter and digit stays.

    Then a word of the normalised text is found as such in the original, which lets a
    search look at a few windows of the text instead of normalising all of it.
    """
    return all(char < "\x80" or _keeps_words(char) for char in set(text))


def fold_one_for_one(text: str) -> str:
    """The one-for-one part of normalisation (quote marks, single spaces, dashes): the result
    has the same length and offsets as ``text``."""
    return _translate(text)


# Positions the second pass looks at, in the translated text: dashes, dots, anything
# non-ASCII. A pure character class, so the regex engine skips plain text at C speed;
# runs of spaces get their own alternative only when the text has any.
_TRIGGER_CLASS = r"[\-.\x80-\U0010ffff]"
_TRIGGER = re.compile(_TRIGGER_CLASS)
_TRIGGER_WITH_SPACES = re.compile(rf"{_TRIGGER_CLASS}|  +")
_WS_RUN = re.compile(r"\s+")
_DASH_RUN = re.compile(rf"[{re.escape(DASHES)}](?:\s*[{re.escape(DASHES)}])*")
_ELLIPSIS = re.compile(r"…|\.\.\.|\. \. \.")
_COMBINING_RUN = re.compile(rf"[{_COMBINING}]+")
_OTHER_RUN = re.compile(
    rf"[^\x00-\x7f\s{_ZERO_WIDTH}{_COMBINING}{re.escape(_ALL_QUOTES)}"
    rf"{re.escape(_NON_ASCII_DASHES)}…«»‹›]+"
)
_ZW_RUN = re.compile(rf"[{_ZERO_WIDTH}]+")
_COMBINING_SET = frozenset(
    chr(code)
    for lo, hi in ((0x300, 0x36F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF))
    for code in range(lo, hi + 1)
) | frozenset(chr(code) for code in range(0xFE20, 0xFE30))
_DQ_SET = frozenset(DOUBLE_QUOTES)
_SQ_SET = frozenset(SINGLE_QUOTES)
_DASH_SET = frozenset(DASHES)
_ZW_SET = frozenset(_ZERO_WIDTH)
_DOTS = ("...", ". . .")
_GUILLEMETS = frozenset(GUILLEMET_MARKS + SINGLE_GUILLEMET_MARKS)
_CLOSING_PUNCT = frozenset(".,;:!?)]}")

_DQ_TABLE = {ord(char): '"' for char in DOUBLE_QUOTES}
_SQ_TABLE = {ord(char): "'" for char in SINGLE_QUOTES}
_DASH_TABLE = {ord(char): "-" for char in DASHES}
_FIX_TABLE = {**_DQ_TABLE, **_SQ_TABLE, **_DASH_TABLE}


@lru_cache(maxsize=4096)
def _nfkc(text: str) -> str:
    out = unicodedata.normalize("NFKC", text)
    # NFKC turns some marks into others (″ into two primes, … into dots): settle them here.
    out = out.translate(_FIX_TABLE)
    for zero_width in _ZERO_WIDTH:
        out = out.replace(zero_width, "")
    return re.sub(r"\s+", " ", out)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and the map back to the original.

    The map is a list of segments. Segment ``k`` starts at normalised offset ``norm_starts[k]``
    and came from ``original[orig_starts[k]:orig_ends[k]]``; an identity segment maps
    character for character, a replaced segment maps every one of its characters to the whole
    original stretch.
    """

    original: str
    text: str
    norm_starts: tuple[int, ...] = field(repr=False)
    orig_starts: tuple[int, ...] = field(repr=False)
    orig_ends: tuple[int, ...] = field(repr=False)
    identity: tuple[bool, ...] = field(repr=False)

    def _segment(self, offset: int) -> int:
        return bisect_right(self.norm_starts, offset) - 1

    def start_to_original(self, offset: int) -> int:
        """Original offset where normalised character ``offset`` starts."""
        if offset >= len(self.text):
            return len(self.original)
        segment = self._segment(max(offset, 0))
        if self.identity[segment]:
            return self.orig_starts[segment] + (offset - self.norm_starts[segment])
        return self.orig_starts[segment]

    def end_to_original(self, offset: int) -> int:
        """Original offset where normalised character ``offset`` ends (exclusive)."""
        if offset >= len(self.text):
            return len(self.original)
        segment = self._segment(max(offset, 0))
        if self.identity[segment]:
            return self.orig_starts[segment] + (offset - self.norm_starts[segment]) + 1
        return self.orig_ends[segment]

    def original_offsets(self) -> list[int]:
        """Original start offset of every normalised character (plus the end), as an array."""
        out: list[int] = []
        bounds = [*self.norm_starts[1:], len(self.text)]
        for segment, (ns, ne) in enumerate(zip(self.norm_starts, bounds, strict=True)):
            if self.identity[segment]:
                out.extend(range(self.orig_starts[segment], self.orig_starts[segment] + (ne - ns)))
            else:
                out.extend([self.orig_starts[segment]] * (ne - ns))
        out.append(len(self.original))
        return out

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to the original text's span."""
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        if end == start:
            position = self.start_to_original(start)
            return position, position
        return self.start_to_original(start), self.end_to_original(end - 1)


class _Builder:
    """Accumulates normalised parts and the segment map in one left-to-right pass."""

    __slots__ = (
        "identity",
        "norm_starts",
        "npos",
        "orig_ends",
        "orig_starts",
        "original",
        "parts",
        "pos",
        "text",
    )

    def __init__(self, text: str, original: str) -> None:
        self.text = text  # the text being normalised (already translated one for one)
        self.original = original
        self.parts: list[str] = []
        self.norm_starts: list[int] = []
        self.orig_starts: list[int] = []
        self.orig_ends: list[int] = []
        self.identity: list[bool] = []
        self.pos = 0  # original offset consumed so far
        self.npos = 0  # normalised length so far

    def _segment(self, rep: str, start: int, end: int, same: bool) -> None:
        self.parts.append(rep)
        self.norm_starts.append(self.npos)
        self.orig_starts.append(start)
        self.orig_ends.append(end)
        self.identity.append(same)
        self.npos += len(rep)

    def flush(self, upto: int) -> None:
        """Copy the untouched original text up to ``upto``."""
        if upto > self.pos:
            self._segment(self.text[self.pos : upto], self.pos, upto, True)
            self.pos = upto

    def replace(self, start: int, end: int, rep: str, core: tuple[int, int] | None = None) -> None:
        """Replace original ``[start, end)`` by ``rep``; its characters map to ``core``
        (or start..end)."""
        self.flush(start)
        if rep:
            if rep == self.text[start:end]:
                self._segment(rep, start, end, True)
            else:
                cs, ce = core if core is not None else (start, end)
                self._segment(rep, cs, ce, False)
        self.pos = end

    def result(self) -> Normalized:
        self.flush(len(self.text))
        if not self.norm_starts:
            self._segment("", 0, len(self.text), False)
        return Normalized(
            original=self.original,
            text="".join(self.parts),
            norm_starts=tuple(self.norm_starts),
            orig_starts=tuple(self.orig_starts),
            orig_ends=tuple(self.orig_ends),
            identity=tuple(self.identity),
        )


def _space_before(text: str, end: int, floor: int) -> int:
    """Start of the whitespace run that ends at ``end`` (not before ``floor``)."""
    start = end
    while start > floor and text[start - 1].isspace():
        start -= 1
    return start


def _space_after(text: str, start: int) -> int:
    run = _WS_RUN.match(text, start)
    return run.end() if run else start


def _mark_with_spaces(
    builder: _Builder, text: str, mark_start: int, mark_end: int, rep: str
) -> None:
    """Replace the mark ``[mark_start, mark_end)`` and the spaces around it by ``rep``."""
    space_start = _space_before(text, mark_start, builder.pos)
    space_end = _space_after(text, mark_end)
    builder.replace(space_start, space_end, rep, (mark_start, mark_end))


def _guillemet_inner_side(text: str, at: int) -> str | None:
    """Which side of the guillemet at ``at`` faces the quoted words, when spaces pad it.

    French sets guillemets off with spaces (« Bonjour »): those spaces are typography. A
    guillemet with a space on one side only touches words on the other (»Text« or said »no«),
    and its outer space is a real word gap.
    """
    length = len(text)
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < length else ""
    space_before = before.isspace()
    space_after = after.isspace()
    if space_before and space_after:
        return "after" if text[at] in "«‹" else "before"  # « Bonjour » (French)
    if space_after and (not before or before in "([{—–-"):
        return "after"  # « Bonjour, at the start
    if space_before and (not after or after in _CLOSING_PUNCT):
        return "before"  # Bonjour », at the end
    return None


def normalize(text: str) -> Normalized:
    """Normalise ``text`` typographically (see the module docstring), keeping the offset map."""
    original = text
    text = _translate(text)  # same length: offsets unchanged
    builder = _Builder(text, original)
    trigger = _TRIGGER_WITH_SPACES if "  " in text else _TRIGGER
    length = len(text)
    for found in trigger.finditer(text):
        at = found.start()
        if at < builder.pos:
            continue  # already consumed by a previous replacement
        char = text[at]
        if char.isspace():
            run_end = _space_after(text, at)
            nxt = text[run_end] if run_end < length else ""
            if (
                nxt in _DASH_SET
                or nxt == "…"
                or (nxt in _GUILLEMETS and _guillemet_inner_side(text, run_end) == "before")
                or text.startswith(_DOTS, run_end)
            ):
                continue  # the mark that follows takes these spaces with it
            start = _space_before(text, at, builder.pos)
            builder.replace(start, run_end, " ")
        elif char in _DASH_SET:
            run_end = _DASH_RUN.match(text, at).end()  # type: ignore[union-attr]
            if char == "-" and run_end == at + 1:
                before = text[at - 1] if at > 0 else ""
                after = text[run_end] if run_end < length else ""
                if before and after and not before.isspace() and not after.isspace():
                    continue  # a plain hyphen inside a word: nothing to change
            _mark_with_spaces(builder, text, at, run_end, "-")
        elif char == "." or char == "…":
            em = _ELLIPSIS.match(text, at)
            if em is None:
                continue
            _mark_with_spaces(builder, text, at, em.end(), "...")
        elif char in _GUILLEMETS:
            rep = '"' if char in "«»" else "'"
            side = _guillemet_inner_side(text, at)
            if side == "after":
                builder.replace(at, _space_after(text, at + 1), rep, (at, at + 1))
            elif side == "before":
                builder.replace(_space_before(text, at, builder.pos), at + 1, rep, (at, at + 1))
            else:
                builder.replace(at, at + 1, rep)
        elif char in _ZW_SET:
            builder.replace(at, _ZW_RUN.match(text, at).end(), "")  # type: ignore[union-attr]
        elif char in _COMBINING_SET:
            # a base character and its combining marks are normalised together
            start = at - 1 if at - 1 >= builder.pos else at
            end = _COMBINING_RUN.match(text, at).end()  # type: ignore[union-attr]
            builder.replace(start, end, _nfkc(text[start:end]))
        elif char > "\x7f":
            om = _OTHER_RUN.match(text, at)
            if om is None:
                builder.replace(at, at + 1, _nfkc(char))
                continue
            end = om.end()
            if end < length and text[end] in _COMBINING_SET:
                end -= 1  # the last base character goes with its combining marks
            if end <= at:
                continue
            run = text[at:end]
            if _nfkc(run) == run:
                continue  # unchanged: copied with the next flush
            for offset in range(at, end):
                builder.replace(offset, offset + 1, _nfkc(text[offset]))
        # any other trigger (a lone ASCII control character) is left as it is
    return builder.result()


@lru_cache(maxsize=16)
def normalize_cached(text: str) -> Normalized:
    """`normalize` with a small cache, for callers that locate many quotes in one text."""
    return normalize(text)


def normalize_simple(text: str) -> str:
    """The normalised text alone, stripped of leading and trailing spaces."""
    return normalize(text).text.strip()
