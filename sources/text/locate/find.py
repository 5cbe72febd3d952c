"""`locate_quote`: a quotation in a text, verbatim, after normalisation, in pieces around
its ellipses and bracketed insertions, or fuzzily (see the package's docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..lexicon import words
from ..normalize import (
    Normalized,
    fold_one_for_one,
    normalize,
    normalize_cached,
    words_unchanged,
)
from ..quotemarks import EDGE_MARKS
from .location import (
    FUZZY,
    FUZZY_THRESHOLD,
    NO_TEXT,
    NORMALIZED,
    NOT_FOUND,
    TRAILING,
    VERBATIM,
    Location,
    occurrences_of,
    to_norm,
    whole_location,
    windows_around,
)
from .split import split_in_normalized, split_in_text, split_in_windows

__all__ = ["locate_quote"]

ELLIPSIS_GAP = 400  # most characters an ellipsis may stand for
BRACKET_GAP = 60  # most characters a bracketed insertion may stand for (plus its own length)
# A quote that needed its ellipses or brackets to be found is located, not verified: the words
# left out or replaced may change its meaning ("I [did] pull" / "I did not pull"), so it is a
# close match for an editor to confirm, never "verbatim" or "normalized".
PIECES_SCORE = 95.0

_EDGE_MARKS = EDGE_MARKS


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def _at_word_bounds(haystack: str, start: int, end: int) -> bool:
    """True when the span does not cut a word in two at either end."""
    left_ok = start == 0 or not (
        _is_word_char(haystack[start - 1]) and _is_word_char(haystack[start])
    )
    right_ok = end >= len(haystack) or not (
        _is_word_char(haystack[end - 1]) and _is_word_char(haystack[end])
    )
    return left_ok and right_ok


def _pick(spans: list[tuple[int, int]], hint: int | None) -> tuple[int, int]:
    """The first of several (start, end) spans, or the one nearest the hint."""
    if hint is None:
        return spans[0]
    return min(spans, key=lambda se: (abs(se[0] - hint), se[0]))


def _quote_variants(quote: str) -> list[str]:
    """The ways to read a quote, best first: without marks that surround it (or a lone one
    at an end), as given, and each without the punctuation its closing mark kept."""
    given = quote.strip()
    if not any(char.isalnum() for char in given):
        return []  # nothing to look for: no letters or digits
    marks = sum(1 for char in given if char in _EDGE_MARKS)
    stripped = given
    if len(given) > 1 and given[0] in _EDGE_MARKS and given[-1] in _EDGE_MARKS:
        stripped = given[1:-1].strip()
    elif marks % 2 == 1 and given[0] in _EDGE_MARKS:
        stripped = given[1:].lstrip()
    elif marks % 2 == 1 and given[-1] in _EDGE_MARKS:
        stripped = given[:-1].rstrip()
    # "“It was cold”" is the words inside; "“cold” and “wet”" is the words with their marks
    order = [stripped, given] if marks <= 2 or marks % 2 == 1 else [given, stripped]
    out: list[str] = []
    for variant in order:
        if not variant:
            continue
        for candidate in (variant, _trim_trailing(variant)):
            if candidate and candidate not in out:
                out.append(candidate)
    return out


def _trim_trailing(quote: str) -> str:
    if quote.endswith(("...", "…")):
        return quote  # an ellipsis at the end marks omitted words, not punctuation
    return quote.rstrip(TRAILING + " ")


def _find_plain(
    haystack: str, needle: str, hint: int | None, to_hay: Normalized | None
) -> tuple[int, int] | None:
    """Occurrences of ``needle`` in whole words; the chosen one as an original span."""
    spans: list[tuple[int, int]] = []
    for at in occurrences_of(haystack, needle):
        start, end = at, at + len(needle)
        if not _at_word_bounds(haystack, start, end):
            continue  # "tim" is not in "time": a cut word is a different word
        spans.append(to_hay.span_to_original(start, end) if to_hay is not None else (start, end))
        if hint is None:
            break
    if not spans:
        return None
    return _pick(spans, hint)


# --- ellipses and brackets ---------------------------------------------------------------

_BRACKET = re.compile(r"\[([^\[\]]{0,120})\]")
_BRACKET_ELLIPSIS = re.compile(r"\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|\(\s*(?:\.\s*){3}\)")


@dataclass(frozen=True)
class _Piece:
    text: str  # normalised words to find ("" for a gap only)
    gap_before: int  # most characters allowed between the previous piece and this one
    gap_words_before: int  # for a bracket at the start: how many words it stands for


def _pieces(norm_quote: str) -> list[_Piece] | None:
    """Split a normalised quote at its ellipses and bracketed insertions, or None."""
    quote = _BRACKET_ELLIPSIS.sub("...", norm_quote)
    if "..." not in quote and "[" not in quote:
        return None
    tokens: list[tuple[str, str]] = []  # ("text", s) / ("ellipsis", "") / ("bracket", content)
    pos = 0
    for omission in re.finditer(r"\.\.\.|\[([^\[\]]{0,120})\]", quote):
        if omission.start() > pos:
            tokens.append(("text", quote[pos : omission.start()]))
        if omission.group() == "...":
            tokens.append(("ellipsis", ""))
        else:
            tokens.append(("bracket", omission.group(1) or ""))
        pos = omission.end()
    if pos < len(quote):
        tokens.append(("text", quote[pos:]))
    pieces: list[_Piece] = []
    gap = 0
    lead_words = 0
    for kind, value in tokens:
        if kind == "text":
            piece_text = value.strip()
            if not piece_text:
                continue
            pieces.append(_Piece(piece_text, gap if pieces else 0, lead_words if not pieces else 0))
            gap = 0
        elif kind == "ellipsis":
            gap += ELLIPSIS_GAP
        else:
            gap += BRACKET_GAP + len(value)
            if not pieces:
                lead_words += max(1, len(value.split()))
    if not pieces:
        return None
    # a bracket at the very end stands for words after the last piece
    trail_words = 0
    if tokens and tokens[-1][0] == "bracket":
        trail_words = max(1, len(tokens[-1][1].split()))
    pieces.append(_Piece("", 0, trail_words))
    return pieces


# Words a bracketed insertion at the edge of a quote does not reach past.
_CLAUSE_WORDS = words(
    "that which who whom and but or because if when while said says told found of to"
)
_WORD_BACK = re.compile(r"([^\s.!?;:,\"()]+)\s*$")
_WORD_FORWARD = re.compile(r"^\s*([^\s.!?;:,\"()]+)")


def _find_word(haystack: str, needle: str, lo: int, hi: int) -> int:
    """First occurrence of ``needle`` in ``haystack[lo:hi]`` that does not cut a word."""
    at = haystack.find(needle, lo, hi)
    while at != -1 and not _at_word_bounds(haystack, at, at + len(needle)):
        at = haystack.find(needle, at + 1, hi)
    return at


def _extend_back(norm: str, start: int, words: int) -> int:
    """Move ``start`` back over up to ``words`` words of the same clause."""
    for _ in range(words):
        previous = _WORD_BACK.search(norm, max(0, start - 60), start)
        if previous is None or previous.group(1).lower() in _CLAUSE_WORDS:
            break
        start = previous.start(1)
    return start


def _extend_forward(norm: str, end: int, words: int) -> int:
    """Move ``end`` forward over up to ``words`` words of the same clause."""
    for _ in range(words):
        following = _WORD_FORWARD.match(norm[end : end + 60])
        if following is None or following.group(1).lower() in _CLAUSE_WORDS:
            break
        end += following.end(1)
    return end


def _match_pieces(norm: str, pieces: list[_Piece], hint_norm: int | None) -> tuple[int, int] | None:
    """Find every piece in order within its gap; the span from the first to the last."""
    first = pieces[0]
    body = pieces[:-1]
    trail_words = pieces[-1].gap_words_before
    found: list[tuple[int, int]] = []
    for s0 in occurrences_of(norm, first.text):
        end = s0 + len(first.text)
        if not _at_word_bounds(norm, s0, end):
            continue
        ok = True
        for piece in body[1:]:
            at = _find_word(norm, piece.text, end, end + piece.gap_before + len(piece.text) + 1)
            if at == -1:
                ok = False
                break
            end = at + len(piece.text)
        if not ok:
            continue
        start = _extend_back(norm, s0, first.gap_words_before)
        end = _extend_forward(norm, end, trail_words)
        found.append((start, end))
        if hint_norm is None:
            break
    if not found:
        return None
    return _pick(found, hint_norm)


# --- fuzzy ---------------------------------------------------------------------------------


def _snap(norm: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words and trim the spaces at its ends."""
    while start > 0 and start < len(norm) and norm[start - 1].isalnum() and norm[start].isalnum():
        start -= 1
    while end < len(norm) and end > 0 and norm[end - 1].isalnum() and norm[end].isalnum():
        end += 1
    while start < end and norm[start] == " ":
        start += 1
    while end > start and norm[end - 1] == " ":
        end -= 1
    return start, end


def _fuzzy(
    norm_quote: str, norm: str, hint_norm: int | None, threshold: float
) -> tuple[float, int, int] | None:
    quote = norm_quote
    if not quote or not norm:
        return None
    if len(quote) > len(norm):
        score = fuzz.ratio(quote, norm)
        return (score, 0, len(norm)) if score >= threshold else None
    best = fuzz.partial_ratio_alignment(quote, norm, score_cutoff=threshold)
    if best is None:
        return None
    result = (best.score, best.dest_start, best.dest_end)
    if hint_norm is not None and abs(best.dest_start - hint_norm) > len(quote):
        # another passage near the old position may do as well: prefer it
        lo = max(0, hint_norm - len(quote) - 200)
        hi = min(len(norm), hint_norm + 2 * len(quote) + 200)
        near = fuzz.partial_ratio_alignment(quote, norm[lo:hi], score_cutoff=threshold)
        if near is not None and near.score >= best.score - 0.5:
            result = (near.score, lo + near.dest_start, lo + near.dest_end)
    score, start, end = result
    start, end = _snap(norm, start, end)
    return score, start, end


def _fuzzy_text(norm_quote: str) -> str:
    """The quote as fuzzy matching sees it: ellipses and bracketed words taken out."""
    text = _BRACKET.sub(" ", _BRACKET_ELLIPSIS.sub(" ", norm_quote))
    text = text.replace("...", " ")
    return re.sub(r" {2,}", " ", text).strip()


# --- public API ----------------------------------------------------------------------------


def locate_quote(
    quote: str,
    text: str | None,
    *,
    context: int = 32,
    hint: int | None = None,
    threshold: float = FUZZY_THRESHOLD,
) -> Location:
    """Locate ``quote`` in ``text``: verbatim, after normalisation, fuzzily, or not at all."""
    if text is None or not text.strip():
        return Location(NO_TEXT)
    variants = _quote_variants(quote or "")
    if not variants:
        return Location(NOT_FOUND)
    # 1. verbatim
    for variant in variants:
        span = _find_plain(text, variant, hint, None)
        if span is not None:
            return whole_location(VERBATIM, 100.0, text, span[0], span[1], context)
    norm_variants: list[str] = []
    for variant in variants:
        nq = normalize(variant).text.strip()
        if nq and nq not in norm_variants:
            norm_variants.append(nq)
    if not norm_variants:
        return Location(NOT_FOUND)
    needs_pieces = any("..." in nq or "[" in nq for nq in norm_variants)
    # 2. after normalisation: in windows around a word of the quote when the text's words
    #    are untouched by normalisation (the common case), else in the whole normalised text;
    #    then in parts around an attribution, as printed and after normalisation. A quote with
    #    an ellipsis or a bracket is never looked for in parts: omitted words stay unverified.
    if not needs_pieces and words_unchanged(text):
        searched_all = True
        for nq in norm_variants:
            span, complete = _find_in_windows(text, nq, hint)
            if span is not None:
                return whole_location(NORMALIZED, 100.0, text, span[0], span[1], context)
            searched_all = searched_all and complete
        if searched_all:
            split = split_in_text(text, variants, hint, context)
            if split is None:
                split, searched_all = split_in_windows(text, norm_variants, hint, context)
            if split is not None:
                return split
        if searched_all:
            return _fuzzy_location(norm_variants[0], text, hint, threshold, context)
    nt = _normalize_text(text)
    norm = nt.text
    hint_norm = to_norm(nt, hint)
    for nq in norm_variants:
        span = _find_plain(norm, nq, hint, nt)
        if span is not None:
            return whole_location(NORMALIZED, 100.0, text, span[0], span[1], context)
    if not needs_pieces:
        split = split_in_text(text, variants, hint, context) or split_in_normalized(
            nt, norm_variants, hint_norm, context
        )
        if split is not None:
            return split
    # 3. pieces around ellipses and bracketed insertions
    for nq in norm_variants:
        pieces = _pieces(nq)
        if pieces is None:
            continue
        found = _match_pieces(norm, pieces, hint_norm)
        if found is not None:
            start, end = nt.span_to_original(*found)
            return whole_location(FUZZY, PIECES_SCORE, text, start, end, context)
    # 4. fuzzy
    return _fuzzy_location(norm_variants[0], text, hint, threshold, context)


def _normalize_text(text: str) -> Normalized:
    return normalize_cached(text) if len(text) > 2000 else normalize(text)


def _find_in_windows(text: str, nq: str, hint: int | None) -> tuple[tuple[int, int] | None, bool]:
    """Find the normalised quote ``nq`` by normalising only windows of ``text`` around the
    occurrences of its longest word. Returns the span (or None) and whether the search was
    complete (False: too many occurrences to look at this way)."""
    windows = windows_around(text, nq, margin=2 * len(nq) + 200)
    if windows is None:
        return None, False
    spans: list[tuple[int, int]] = []
    for lo, hi in windows:
        nw = normalize(text[lo:hi])
        for at in occurrences_of(nw.text, nq):
            start, end = nw.span_to_original(at, at + len(nq))
            start, end = start + lo, end + lo
            if _at_word_bounds(text, start, end):
                spans.append((start, end))
                if hint is None:
                    return spans[0], True
    if not spans:
        return None, True
    return _pick(spans, hint), True


def _fuzzy_location(
    nq: str, text: str, hint: int | None, threshold: float, context: int
) -> Location:
    """Fuzzy stage: find the region on the one-for-one folded text (cheap, same offsets),
    then score it on the normalised region."""
    fq = _fuzzy_text(nq)
    if not fq:
        return Location(NOT_FOUND)
    folded = fold_one_for_one(text)
    rough = _fuzzy(fq, folded, hint, max(0.0, threshold - 15))
    if rough is None:
        return Location(NOT_FOUND)
    _, rs, re_ = rough
    lo = max(0, rs - len(fq) - 64)
    hi = min(len(text), re_ + len(fq) + 64)
    nw = normalize(text[lo:hi])
    fine = _fuzzy(fq, nw.text, None, threshold)
    if fine is None:
        return Location(NOT_FOUND)
    score, start, end = fine
    if end <= start:
        return Location(NOT_FOUND)
    os_, oe = nw.span_to_original(start, end)
    # a fuzzy match is never as good as an exact one, whatever the rounding
    return whole_location(FUZZY, min(score, 99.9), text, os_ + lo, oe + lo, context)
