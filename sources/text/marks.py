"""Quote marks paired into quotations: where each quotation opens, closes and what it holds.

`pair_marks(text, paragraphs)` reads the text once, paragraph by paragraph, and pairs an
opening mark with the next closing mark of the same family (`quotemarks`): marks of another
family inside a quotation (a quote within a quote) belong to it. Apostrophes (don't, ’97,
rock 'n' roll, the players' union) never open or close one. A quotation that runs over
paragraphs leaves its closing mark off at the end of each paragraph but the last and reopens
each new paragraph: each paragraph is its own `QuoteSpan`, marked ``continued`` after the first.

Who said it is not decided here (see `attribution`): a mis-paired mark is a bug of this module,
a wrong speaker one of that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quotemarks import ALL_PAIRED, FAMILY, SINGLE

__all__ = ["MAX_QUOTE_CHARS", "MAX_SPANS", "QuoteSpan", "pair_marks", "paragraphs"]

MAX_QUOTE_CHARS = 2000  # a longer "quotation" is a stray mark
MAX_SPANS = 15_000  # a text with more quotations is cut off there (a pathological one)

# quote marks, except an apostrophe between two letters or digits (don't, I’d)
_MARK = re.compile("[\"“”„‟«»‹›‘‚‛]|(?<![^\\W_])['’]|['’](?![^\\W_])")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_ALL_MARKS = frozenset(ALL_PAIRED)
_SINGLE_MARKS = frozenset(mark for mark, family in FAMILY.items() if family == SINGLE)
_BEFORE_OPENING = frozenset("([{—–-/:;,…")  # what may stand right before an opening mark
_AFTER_CLOSING = frozenset(".,;:!?)]}…-–—/")  # what may stand right after a closing mark
_ELISION = re.compile(
    r"['’‘](?:\d\d(?!\d)|em\b|n\b|tis\b|twas\b|cause\b|til\b|bout\b|round\b|s\b)", re.I
)


@dataclass(slots=True)
class QuoteSpan:
    """One quotation as its marks delimit it: ``text[start:end]`` is the words inside."""

    opening: int  # offset of the opening mark
    closing: int | None  # offset of the closing mark (None: ends with its paragraph)
    start: int
    end: int
    paragraph: int  # index into the paragraphs
    family: str  # quotemarks.DOUBLE, GUILLEMET, SINGLE_GUILLEMET or SINGLE
    continued: bool = False  # continues a quotation left open by the paragraph before
    title: bool = False  # looks like a title ('Casablanca', '60 Minutes')


def can_open(text: str, mark_at: int, mark: str, before: str, after: str) -> bool:
    """Can the mark at ``text[mark_at]`` open a quotation, given the characters around it?"""
    boundary = before.isspace() or before in _BEFORE_OPENING or before in _ALL_MARKS
    if mark in "«‹":
        return not (not before.isspace() and (after.isspace() or after in _AFTER_CLOSING))
    if after.isspace():
        return False
    if mark in "»›":
        return boundary
    if mark in _SINGLE_MARKS and _ELISION.match(text, mark_at):
        return False
    if mark in "“„‟‘‚‛":
        return not (mark in "‘‛" and before.isalnum() and after.isalnum())
    return boundary  # ” ’ " ' open only after a space or an opening punctuation mark


def can_close(mark: str, before: str, after: str) -> bool:
    """Can ``mark`` close a quotation, given the characters around it?"""
    if mark in "»›":  # French spacing: "« non »." closes before its full stop
        return not (before.isspace() and not (after.isspace() or after in _AFTER_CLOSING))
    if before.isspace():
        return False
    if mark in "”’":
        return not (mark == "’" and before.isalnum() and after.isalnum())
    if mark in "'‘" and before.isalnum() and after.isalnum():
        return False
    return after.isspace() or after in _AFTER_CLOSING or after in _ALL_MARKS


# --- paragraphs ------------------------------------------------------------------------------

_LINE = re.compile(r"[^\n]+")
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
# a line that starts a new turn or item even inside a hard-wrapped block: "Q:", "SMITH:", "- "
_TURN_START = re.compile(r"(?:[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}:\s|[-*•]\s|#)")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _hard_wrapped(text: str) -> bool:
    """Is the text wrapped at a fixed width, with blank lines between paragraphs?

    Then a single line break is only a wrap. Told by the lines' lengths: most lines that
    end inside a block are 55 to 100 characters long and none is longer than 100.
    """
    if not _BLANK_LINE.search(text):
        return False
    wrapped = long = inner = 0
    for block in _BLANK_LINE.split(text):
        lines = [line for line in block.split("\n") if line.strip()]
        for line in lines[:-1]:
            inner += 1
            length = len(line.rstrip())
            if 55 <= length <= 100:
                wrapped += 1
            elif length > 100:
                long += 1
    return inner >= 3 and long == 0 and wrapped >= 0.7 * inner


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, surrounding spaces left out.

    A paragraph is a line; in hard-wrapped text (see `_hard_wrapped`) it is a block of
    lines between blank lines, except that a line opening a turn ("Q:", "SMITH:") or a list
    item starts a new one.
    """
    out = []
    if len(text) < 2_000_000 and _hard_wrapped(text):
        start = 0
        for line in _LINE.finditer(text):
            raw_start, raw_end = line.start(), line.end()
            blank_before = (
                start < raw_start and _BLANK_LINE.search(text, start, raw_start + 1) is not None
            )
            line_start, _ = _strip(text, raw_start, raw_end)
            if line_start == raw_end:
                continue
            if out and not blank_before and not _TURN_START.match(text, line_start):
                out[-1] = (out[-1][0], _strip(text, line_start, raw_end)[1])
            else:
                out.append(_strip(text, line_start, raw_end))
            start = raw_end
        return out
    for line in _LINE.finditer(text):
        para_start, para_end = _strip(text, line.start(), line.end())
        if para_end > para_start:
            out.append((para_start, para_end))
    return out


# --- pairing ---------------------------------------------------------------------------------


def pair_marks(text: str, paras: list[tuple[int, int]]) -> tuple[list[QuoteSpan], int]:
    """Pair quote marks, paragraph by paragraph, into quotations (one pass).

    Returns the quotations and how far the text was read (all of it, unless it holds more
    than `MAX_SPANS` quotations)."""
    spans: list[QuoteSpan] = []
    scanned = len(text)
    carried: str | None = None  # family of a quotation left open by the previous paragraph
    finditer = _MARK.finditer
    for index, (para_start, para_end) in enumerate(paras):
        if len(spans) >= MAX_SPANS:
            scanned = para_start  # enough: the rest of a pathological text is not looked at
            break
        open_family: str | None = None
        opening = -1
        first = len(spans)
        for found in finditer(text, para_start, para_end):
            mark_at = found.start()
            mark = text[mark_at]
            if open_family is not None and mark_at - opening > MAX_QUOTE_CHARS:
                open_family = None  # runaway: give up on that opening mark
            before = text[mark_at - 1] if mark_at > para_start else " "
            after = text[mark_at + 1] if mark_at + 1 < para_end else " "
            if open_family is None:
                if can_open(text, mark_at, mark, before, after):
                    open_family, opening = FAMILY[mark], mark_at
                continue
            family = FAMILY[mark]
            if family != open_family or not can_close(mark, before, after):
                continue
            if (
                family == SINGLE
                and _possessive_like(text, mark_at, para_end)
                and _single_close_ahead(text, mark_at, para_end)
            ):
                continue  # "the players' union": not the end of the quotation
            start, end = _strip(text, opening + 1, mark_at)
            if _LETTER_OR_DIGIT.search(text, start, end):
                spans.append(QuoteSpan(opening, mark_at, start, end, index, family))
            open_family = None
        continues_next = False
        if open_family is not None:
            next_start = paras[index + 1][0] if index + 1 < len(paras) else None
            next_opens = next_start is not None and FAMILY.get(text[next_start]) == open_family
            if para_end - opening <= MAX_QUOTE_CHARS and (open_family != SINGLE or next_opens):
                start, end = _strip(text, opening + 1, para_end)
                if _LETTER_OR_DIGIT.search(text, start, end):
                    spans.append(QuoteSpan(opening, None, start, end, index, open_family))
                continues_next = next_opens
        # the first quotation of this paragraph continues the previous one?
        if carried is not None and len(spans) > first:
            span = spans[first]
            if span.opening == para_start and span.family == carried:
                span.continued = True
        carried = open_family if continues_next else None
    return spans, scanned


def _single_close_ahead(text: str, mark_at: int, para_end: int) -> bool:
    """Is there a single quote mark that can close further on (within reach)?"""
    for found in _MARK.finditer(text, mark_at + 1, min(para_end, mark_at + MAX_QUOTE_CHARS)):
        ahead = found.start()
        mark = text[ahead]
        after = text[ahead + 1] if ahead + 1 < para_end else " "
        if FAMILY[mark] == SINGLE and can_close(mark, text[ahead - 1], after):
            return True
    return False


def _possessive_like(text: str, mark_at: int, para_end: int) -> bool:
    return (
        mark_at > 0
        and text[mark_at - 1] in "sS"
        and mark_at + 2 < para_end
        and text[mark_at + 1] == " "
        and text[mark_at + 2].islower()
    )
