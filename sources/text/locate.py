"""Finding a quotation in a source's archived text, and finding it again after a correction.

`locate_quote(quote, text)` answers where the words are and how well they match:

1. ``verbatim``: the quote is in the text as it stands (``str.find``);
2. ``normalized``: it is there once typography is set aside (see `normalize`), or its pieces
   are, in order, when the quote marks omissions with an ellipsis or replaces words with a
   bracketed insertion ("[the gun] was in working order");
   A quote printed in parts around an attribution (`"The plant is sound," the director said,
   "and it always has been."`) is found part by part, in order, with nothing between the
   parts but the quote marks and a short attribution clause (a speech verb, no other quoted
   words): ``verbatim`` when every part is, else ``normalized``. An ellipsis or a bracket
   never crosses an interruption as verified;
3. ``fuzzy``: the closest passage scores at least `FUZZY_THRESHOLD` (rapidfuzz, 0-100) but the
   words differ: a changed word is never verbatim nor normalised;
4. ``not_found``; and ``no_text`` when there is no text to look in.

A comma or full stop the quote keeps inside its closing mark may differ from the text's
("responsible." against "responsible,"): the quote is also tried without trailing ``,.;:``.
The answer carries a W3C TextQuoteSelector (exact, prefix, suffix) and a position (start,
end) into the original text, and one such selector per printed part in ``parts`` (one part,
equal to the whole anchor, for a quote printed in one piece). When the words occur more than
once, the occurrence nearest to ``hint`` (the old start offset) wins.

`same_wording(claim_text, quote)` tells whether a claim's own words are a citation's quote
once typography, spacing, surrounding marks and the parts of a split quote are set aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass

from rapidfuzz import fuzz

from .lexicon import ABBREVIATIONS, SPEECH_VERBS, words
from .normalize import (
    DOUBLE_QUOTES,
    SINGLE_QUOTES,
    Normalized,
    fold_one_for_one,
    normalize,
    normalize_cached,
    words_unchanged,
)
from .quotemarks import EDGE_MARKS

__all__ = [
    "FUZZY_THRESHOLD",
    "STATES",
    "Location",
    "Part",
    "locate_quote",
    "reanchor",
    "same_wording",
]

VERBATIM = "verbatim"
NORMALIZED = "normalized"
FUZZY = "fuzzy"
NOT_FOUND = "not_found"
NO_TEXT = "no_text"
STATES = (VERBATIM, NORMALIZED, FUZZY, NOT_FOUND, NO_TEXT)

FUZZY_THRESHOLD = 80.0
MAX_OCCURRENCES = 1000  # occurrences of one quote considered when choosing by hint/context
ELLIPSIS_GAP = 400  # most characters an ellipsis may stand for
BRACKET_GAP = 60  # most characters a bracketed insertion may stand for (plus its own length)
# A quote that needed its ellipses or brackets to be found is located, not verified: the words
# left out or replaced may change its meaning ("I [did] pull" / "I did not pull"), so it is a
# close match for an editor to confirm, never "verbatim" or "normalized".
PIECES_SCORE = 95.0
MAX_PARTS = 4  # most printed parts a split quote is found in
MAX_ATTRIBUTION_CHARS = 100  # longest attribution clause between two parts
MAX_ATTRIBUTION_WORDS = 12
MAX_SPLIT_QUOTE = 3000  # longer quotes are not looked for in parts

_TRAILING = ",.;:"
_EDGE_MARKS = EDGE_MARKS


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


def _location(state: str, score: float, text: str, start: int, end: int, context: int) -> Location:
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


def _split_location(
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
        parts=tuple(Part.of(text, s, e, context) for s, e in spans),
    )


def _occurrences(haystack: str, needle: str, limit: int = MAX_OCCURRENCES) -> Iterator[int]:
    i = haystack.find(needle)
    n = 0
    while i != -1 and n < limit:
        yield i
        n += 1
        i = haystack.find(needle, i + 1)


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def _at_word_bounds(haystack: str, s: int, e: int) -> bool:
    """True when the span does not cut a word in two at either end."""
    left_ok = s == 0 or not (_is_word_char(haystack[s - 1]) and _is_word_char(haystack[s]))
    right_ok = e >= len(haystack) or not (
        _is_word_char(haystack[e - 1]) and _is_word_char(haystack[e])
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
    q = quote.strip()
    if not any(c.isalnum() for c in q):
        return []  # nothing to look for: no letters or digits
    marks = sum(1 for c in q if c in _EDGE_MARKS)
    stripped = q
    if len(q) > 1 and q[0] in _EDGE_MARKS and q[-1] in _EDGE_MARKS:
        stripped = q[1:-1].strip()
    elif marks % 2 == 1 and q[0] in _EDGE_MARKS:
        stripped = q[1:].lstrip()
    elif marks % 2 == 1 and q[-1] in _EDGE_MARKS:
        stripped = q[:-1].rstrip()
    # "“It was cold”" is the words inside; "“cold” and “wet”" is the words with their marks
    order = [stripped, q] if marks <= 2 or marks % 2 == 1 else [q, stripped]
    out: list[str] = []
    for v in order:
        if not v:
            continue
        for w in (v, _trim_trailing(v)):
            if w and w not in out:
                out.append(w)
    return out


def _trim_trailing(q: str) -> str:
    if q.endswith(("...", "…")):
        return q  # an ellipsis at the end marks omitted words, not punctuation
    return q.rstrip(_TRAILING + " ")


def _find_plain(
    haystack: str, needle: str, hint: int | None, to_hay: Normalized | None
) -> tuple[int, int] | None:
    """Occurrences of ``needle`` in whole words; the chosen one as an original span."""
    spans: list[tuple[int, int]] = []
    for i in _occurrences(haystack, needle):
        s, e = i, i + len(needle)
        if not _at_word_bounds(haystack, s, e):
            continue  # "tim" is not in "time": a cut word is a different word
        spans.append(to_hay.span_to_original(s, e) if to_hay is not None else (s, e))
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
    q = _BRACKET_ELLIPSIS.sub("...", norm_quote)
    if "..." not in q and "[" not in q:
        return None
    tokens: list[tuple[str, str]] = []  # ("text", s) / ("ellipsis", "") / ("bracket", content)
    pos = 0
    for m in re.finditer(r"\.\.\.|\[([^\[\]]{0,120})\]", q):
        if m.start() > pos:
            tokens.append(("text", q[pos : m.start()]))
        if m.group() == "...":
            tokens.append(("ellipsis", ""))
        else:
            tokens.append(("bracket", m.group(1) or ""))
        pos = m.end()
    if pos < len(q):
        tokens.append(("text", q[pos:]))
    pieces: list[_Piece] = []
    gap = 0
    lead_words = 0
    for kind, value in tokens:
        if kind == "text":
            t = value.strip()
            if not t:
                continue
            pieces.append(_Piece(t, gap if pieces else 0, lead_words if not pieces else 0))
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
    j = haystack.find(needle, lo, hi)
    while j != -1 and not _at_word_bounds(haystack, j, j + len(needle)):
        j = haystack.find(needle, j + 1, hi)
    return j


def _extend_back(norm: str, s: int, words: int) -> int:
    """Move ``s`` back over up to ``words`` words of the same clause."""
    for _ in range(words):
        m = _WORD_BACK.search(norm, max(0, s - 60), s)
        if m is None or m.group(1).lower() in _CLAUSE_WORDS:
            break
        s = m.start(1)
    return s


def _extend_forward(norm: str, e: int, words: int) -> int:
    """Move ``e`` forward over up to ``words`` words of the same clause."""
    for _ in range(words):
        m = _WORD_FORWARD.match(norm[e : e + 60])
        if m is None or m.group(1).lower() in _CLAUSE_WORDS:
            break
        e += m.end(1)
    return e


def _match_pieces(norm: str, pieces: list[_Piece], hint_norm: int | None) -> tuple[int, int] | None:
    """Find every piece in order within its gap; the span from the first to the last."""
    first = pieces[0]
    body = pieces[:-1]
    trail_words = pieces[-1].gap_words_before
    found: list[tuple[int, int]] = []
    for s0 in _occurrences(norm, first.text):
        end = s0 + len(first.text)
        if not _at_word_bounds(norm, s0, end):
            continue
        ok = True
        for p in body[1:]:
            j = _find_word(norm, p.text, end, end + p.gap_before + len(p.text) + 1)
            if j == -1:
                ok = False
                break
            end = j + len(p.text)
        if not ok:
            continue
        s = _extend_back(norm, s0, first.gap_words_before)
        end = _extend_forward(norm, end, trail_words)
        found.append((s, end))
        if hint_norm is None:
            break
    if not found:
        return None
    return _pick(found, hint_norm)


# --- quotes printed in parts around an attribution ---------------------------------------

_MARKS = re.escape(DOUBLE_QUOTES + SINGLE_QUOTES)
_DOUBLE_SET = frozenset(DOUBLE_QUOTES)
# Between two parts: the punctuation the first part kept, its closing mark, an attribution
# clause without quote marks (an apostrophe inside a word is not one) and the opening mark.
_INTERRUPTION = re.compile(
    rf"[,.;:!?]?(?P<close>[{_MARKS}])[,.;:!?]?[^\S\n]+"
    rf"(?P<clause>(?:[^{_MARKS}\n]|(?<=\w)[{re.escape(SINGLE_QUOTES)}](?=\w))"
    rf"{{1,{MAX_ATTRIBUTION_CHARS}}})"
    rf"\s*(?P<open>[{_MARKS}])\s*"
)
_CLAUSE_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SENTENCE_BREAK = re.compile(r"(\S+)[.!?]\s+\S")
# Words that bring in another voice: what follows is not the same speaker going on.
_OTHER_VOICE = words("but however although though whereas yet unlike while meanwhile")
_SPLIT_SPREAD = (MAX_PARTS - 1) * (MAX_ATTRIBUTION_CHARS + 16)  # most characters interruptions add
_OMISSION = re.compile(r"\.\s?\.\s?\.|…|\[|\(\s*\.")


def _is_attribution(match: re.Match[str]) -> bool:
    """Is the interruption a real one: matching marks around a short attribution clause with
    one speech verb ("the director said", "said Jane Doe, the mayor", "she added")?"""
    if (match.group("close") in _DOUBLE_SET) != (match.group("open") in _DOUBLE_SET):
        return False
    clause = match.group("clause").strip().rstrip(",;:.—–- ")
    found = [w.rstrip(".").lower() for w in _CLAUSE_WORD.findall(clause)]
    if not found or len(found) > MAX_ATTRIBUTION_WORDS:
        return False
    if sum(1 for w in found if w in SPEECH_VERBS) != 1:
        return False
    if any(w in _OTHER_VOICE for w in found):
        return False
    for m in _SENTENCE_BREAK.finditer(clause):
        word = m.group(1).strip("'’").lower()
        if word not in ABBREVIATIONS and not (len(word) == 1 and word.isalpha()):
            return False  # a second sentence: someone else may speak in the next part
    return True


_THEN_ATTRIBUTION = re.compile(
    rf"(?P<punct>[,.;:!?]?)[{_MARKS}][,;:!?]?[^\S\n]+"
    rf"(?P<clause>[^{_MARKS}\n]{{1,{MAX_ATTRIBUTION_CHARS}}})"
)
_CLAUSE_END = re.compile(r"[.!?;:](?:\s|$)")


def _attributed_after(hay: str, end: int) -> bool:
    """Does the part ending at ``end`` carry an attribution of its own after its closing mark
    (“B,” the mayor replied) rather than end a sentence (“B.” The mayor left.)?"""
    m = _THEN_ATTRIBUTION.match(hay, end)
    if m is None:
        return False
    punct = m.group("punct") or (hay[end - 1] if end > 0 and hay[end - 1] in ",.;:!?" else "")
    if punct == ".":
        return False
    clause = _CLAUSE_END.split(m.group("clause"), maxsplit=1)[0]
    found = [w.rstrip(".").lower() for w in _CLAUSE_WORD.findall(clause)]
    return any(w in SPEECH_VERBS for w in found[:MAX_ATTRIBUTION_WORDS])


def _common_prefix_len(hay: str, at: int, quote: str, qi: int) -> int:
    """Length of the longest common prefix of ``hay[at:]`` and ``quote[qi:]``, found by
    doubling then halving (C-speed comparisons, cost in proportion to the match)."""
    limit = min(len(quote) - qi, len(hay) - at)
    good, step = 0, 16
    while good < limit:
        size = min(limit, good + step)
        if hay.startswith(quote[qi + good : qi + size], at + good):
            good = size
            step *= 2
        else:
            bad = size
            while bad - good > 1:
                mid = (good + bad) // 2
                if hay.startswith(quote[qi + good : qi + mid], at + good):
                    good = mid
                else:
                    bad = mid
            break
    return good


def _match_parts(hay: str, quote: str, at: int) -> tuple[list[tuple[int, int]], bool] | None:
    """The quote's parts in ``hay`` from ``at`` on, each after an interruption, and whether a
    part had to change the case of its first letter ("... he said. “And ..."); or None."""
    spans: list[tuple[int, int]] = []
    recased = False
    after_sentence = False  # the last interruption was a sentence: “A,” he said. “B ...
    qi = 0
    while True:
        n = 0
        if spans and quote[qi] != hay[at] and quote[qi].lower() == hay[at].lower():
            recased = True  # a new sentence in print: "And it always has been"
            n = 1
        n += _common_prefix_len(hay, at + n, quote, qi + n)
        end = at + n
        if not any(c.isalnum() for c in hay[at:end]):
            return None
        if qi + n == len(quote):
            if end < len(hay) and hay[end - 1].isalnum() and hay[end].isalnum():
                return None  # the last part stops inside a word
            if after_sentence and _attributed_after(hay, end):
                return None  # “A,” he said. “B,” the mayor replied: B may be someone else's
            spans.append((at, end))
            return (spans, recased) if len(spans) > 1 else None
        if len(spans) + 1 >= MAX_PARTS:
            return None
        m = _INTERRUPTION.match(hay, end)
        if m is None or not _is_attribution(m) or after_sentence:
            return None  # (after a sentence, a part with its own attribution: see above)
        after_sentence = m.group("clause").rstrip().endswith((".", "!", "?"))
        # the quote's own punctuation and space where the print breaks it
        k = j = qi + n
        if j < len(quote) and quote[j] in ",.;:!?":
            j += 1
        while j < len(quote) and quote[j].isspace():
            j += 1
        if j == len(quote) or (j == k and quote[k - 1].isalnum() and quote[k].isalnum()):
            return None
        spans.append((at, end))
        at, qi = m.end(), j
        if at >= len(hay):
            return None


def _find_split(
    hay: str, quote: str, hint: int | None
) -> tuple[list[tuple[int, int]], bool] | None:
    """The quote in parts (see `_match_parts`), the occurrence nearest ``hint``."""
    head = quote.split(" ", 1)[0]
    if not head or " " not in quote or len(quote) > MAX_SPLIT_QUOTE:
        return None
    found: list[tuple[list[tuple[int, int]], bool]] = []
    for i in _occurrences(hay, head):
        if i > 0 and hay[i - 1].isalnum() and hay[i].isalnum():
            continue
        parts = _match_parts(hay, quote, i)
        if parts is not None:
            found.append(parts)
            if hint is None:
                break
    if not found:
        return None
    if hint is None:
        return found[0]
    return min(found, key=lambda f: (abs(f[0][0][0] - hint), f[0][0][0]))


def _split_in_text(
    text: str, variants: list[str], hint: int | None, context: int
) -> Location | None:
    """Verbatim parts in the text as it stands: the quote's words, only interrupted."""
    for v in variants:
        if _OMISSION.search(v):
            continue
        found = _find_split(text, v, hint)
        if found is not None:
            spans, recased = found
            return _split_location(NORMALIZED if recased else VERBATIM, text, spans, context)
    return None


def _split_in_normalized(
    nt: Normalized, norm_variants: list[str], hint_norm: int | None, context: int
) -> Location | None:
    for nq in norm_variants:
        found = _find_split(nt.text, nq, hint_norm)
        if found is not None:
            spans = [nt.span_to_original(s, e) for s, e in found[0]]
            return _split_location(NORMALIZED, nt.original, spans, context)
    return None


def _split_in_windows(
    text: str, norm_variants: list[str], hint: int | None, context: int
) -> tuple[Location | None, bool]:
    """`_split_in_normalized` on windows of the text around a word of the quote (see
    `_find_in_windows`); also whether the search was complete."""
    complete = True
    for nq in norm_variants:
        windows = _windows(text, nq, margin=len(nq) + _SPLIT_SPREAD)
        if windows is None:
            complete = False
            continue
        found: list[list[tuple[int, int]]] = []
        for lo, hi in windows:
            nw = normalize(text[lo:hi])
            window_hint = None if hint is None else _to_norm(nw, hint - lo)
            result = _find_split(nw.text, nq, window_hint)
            if result is None:
                continue
            spans = [nw.span_to_original(s, e) for s, e in result[0]]
            spans = [(s + lo, e + lo) for s, e in spans]
            first = spans[0][0]
            if first > 0 and text[first - 1].isalnum() and text[first].isalnum():
                continue  # the window cut a word
            found.append(spans)
            if hint is None:
                break
        if found:
            best = found[0] if hint is None else min(found, key=lambda f: abs(f[0][0] - hint))
            return _split_location(NORMALIZED, text, best, context), True
    return None, complete


# --- fuzzy ---------------------------------------------------------------------------------


def _snap(norm: str, s: int, e: int) -> tuple[int, int]:
    """Widen a span to whole words and trim the spaces at its ends."""
    while s > 0 and s < len(norm) and norm[s - 1].isalnum() and norm[s].isalnum():
        s -= 1
    while e < len(norm) and e > 0 and norm[e - 1].isalnum() and norm[e].isalnum():
        e += 1
    while s < e and norm[s] == " ":
        s += 1
    while e > s and norm[e - 1] == " ":
        e -= 1
    return s, e


def _fuzzy(
    norm_quote: str, norm: str, hint_norm: int | None, threshold: float
) -> tuple[float, int, int] | None:
    q = norm_quote
    if not q or not norm:
        return None
    if len(q) > len(norm):
        score = fuzz.ratio(q, norm)
        return (score, 0, len(norm)) if score >= threshold else None
    best = fuzz.partial_ratio_alignment(q, norm, score_cutoff=threshold)
    if best is None:
        return None
    result = (best.score, best.dest_start, best.dest_end)
    if hint_norm is not None and abs(best.dest_start - hint_norm) > len(q):
        # another passage near the old position may do as well: prefer it
        lo = max(0, hint_norm - len(q) - 200)
        hi = min(len(norm), hint_norm + 2 * len(q) + 200)
        near = fuzz.partial_ratio_alignment(q, norm[lo:hi], score_cutoff=threshold)
        if near is not None and near.score >= best.score - 0.5:
            result = (near.score, lo + near.dest_start, lo + near.dest_end)
    score, s, e = result
    s, e = _snap(norm, s, e)
    return score, s, e


def _fuzzy_text(norm_quote: str) -> str:
    """The quote as fuzzy matching sees it: ellipses and bracketed words taken out."""
    q = _BRACKET.sub(" ", _BRACKET_ELLIPSIS.sub(" ", norm_quote))
    q = q.replace("...", " ")
    return re.sub(r" {2,}", " ", q).strip()


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
    for v in variants:
        span = _find_plain(text, v, hint, None)
        if span is not None:
            return _location(VERBATIM, 100.0, text, span[0], span[1], context)
    norm_variants: list[str] = []
    for v in variants:
        nq = normalize(v).text.strip()
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
                return _location(NORMALIZED, 100.0, text, span[0], span[1], context)
            searched_all = searched_all and complete
        if searched_all:
            split = _split_in_text(text, variants, hint, context)
            if split is None:
                split, searched_all = _split_in_windows(text, norm_variants, hint, context)
            if split is not None:
                return split
        if searched_all:
            return _fuzzy_location(norm_variants[0], text, hint, threshold, context)
    nt = _normalize_text(text)
    norm = nt.text
    hint_norm = _to_norm(nt, hint)
    for nq in norm_variants:
        span = _find_plain(norm, nq, hint, nt)
        if span is not None:
            return _location(NORMALIZED, 100.0, text, span[0], span[1], context)
    if not needs_pieces:
        split = _split_in_text(text, variants, hint, context) or _split_in_normalized(
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
            s, e = nt.span_to_original(*found)
            return _location(FUZZY, PIECES_SCORE, text, s, e, context)
    # 4. fuzzy
    return _fuzzy_location(norm_variants[0], text, hint, threshold, context)


def _normalize_text(text: str) -> Normalized:
    return normalize_cached(text) if len(text) > 2000 else normalize(text)


_ANCHOR_WORD = re.compile(r"[^\W_]+")
MAX_WINDOWS = 200  # beyond that many occurrences of the anchor word, normalise it all


def _windows(text: str, nq: str, margin: int) -> list[tuple[int, int]] | None:
    """Stretches of ``text`` around the occurrences of the longest word of the normalised
    quote ``nq``, reaching ``margin`` characters past the quote on each side (merged where
    they overlap); None when the word is too common to look at this way."""
    found = _ANCHOR_WORD.findall(nq)
    if not found:
        return None
    anchor = max(found, key=len)
    offset_in_quote = nq.find(anchor)
    occurrences = list(_occurrences(text, anchor, MAX_WINDOWS + 1))
    if len(occurrences) > MAX_WINDOWS:
        return None
    windows: list[list[int]] = []
    for i in occurrences:
        lo, hi = max(0, i - offset_in_quote - margin), min(len(text), i + margin)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi
        else:
            windows.append([lo, hi])
    return [(lo, hi) for lo, hi in windows]


def _find_in_windows(text: str, nq: str, hint: int | None) -> tuple[tuple[int, int] | None, bool]:
    """Find the normalised quote ``nq`` by normalising only windows of ``text`` around the
    occurrences of its longest word. Returns the span (or None) and whether the search was
    complete (False: too many occurrences to look at this way)."""
    windows = _windows(text, nq, margin=2 * len(nq) + 200)
    if windows is None:
        return None, False
    spans: list[tuple[int, int]] = []
    for lo, hi in windows:
        nw = normalize(text[lo:hi])
        for j in _occurrences(nw.text, nq):
            s, e = nw.span_to_original(j, j + len(nq))
            s, e = s + lo, e + lo
            if _at_word_bounds(text, s, e):
                spans.append((s, e))
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
    score, s, e = fine
    if e <= s:
        return Location(NOT_FOUND)
    os_, oe = nw.span_to_original(s, e)
    # a fuzzy match is never as good as an exact one, whatever the rounding
    return _location(FUZZY, min(score, 99.9), text, os_ + lo, oe + lo, context)


def _to_norm(nt: Normalized, pos: int | None) -> int | None:
    """Approximate normalised offset of an original offset (for hints only)."""
    if pos is None:
        return None
    # orig_starts is sorted: find the segment holding pos
    from bisect import bisect_right

    k = bisect_right(nt.orig_starts, pos) - 1
    if k < 0:
        return 0
    base = nt.norm_starts[k]
    if nt.identity[k]:
        return base + (pos - nt.orig_starts[k])
    return base


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def reanchor(
    *,
    exact: str,
    prefix: str,
    suffix: str,
    start: int | None,
    new_text: str | None,
    context: int = 32,
    threshold: float = FUZZY_THRESHOLD,
    parts: Sequence[Part | Mapping[str, object]] | None = None,
) -> Location:
    """Find a stored anchor (exact, prefix, suffix, old start) again in a new snapshot.

    Several occurrences of ``exact`` are told apart by how much of the stored prefix and
    suffix they agree with, then by nearness to the old start. If the words are gone, a fuzzy
    match is tried, and below the threshold the anchor is not found.

    A split quote's anchor passes its ``parts`` (`Part`s or their ``as_dict()``): each part is
    found again the same way, and they must still follow one another with only an attribution
    between them; else the parts' words, joined, are located afresh.
    """
    if new_text is None or not new_text.strip():
        return Location(NO_TEXT)
    if parts is not None and len(parts) > 1:
        return _reanchor_parts([_as_part(p) for p in parts], start, new_text, context, threshold)
    if not exact or not exact.strip():
        return Location(NOT_FOUND)
    prefix = prefix or ""
    suffix = suffix or ""
    occ = list(_occurrences(new_text, exact))
    if occ:
        best = _best_by_context(occ, lambda i: (i, i + len(exact)), new_text, prefix, suffix, start)
        return _location(VERBATIM, 100.0, new_text, best[0], best[1], context)
    nt = normalize_cached(new_text) if len(new_text) > 2000 else normalize(new_text)
    nq = normalize(exact).text.strip()
    if nq:
        nocc = list(_occurrences(nt.text, nq))
        if nocc:
            best = _best_by_context(
                nocc,
                lambda i: nt.span_to_original(i, i + len(nq)),
                new_text,
                prefix,
                suffix,
                start,
            )
            return _location(NORMALIZED, 100.0, new_text, best[0], best[1], context)
    loc = locate_quote(exact, new_text, context=context, hint=start, threshold=threshold)
    if loc.state == FUZZY:
        return loc
    if loc.state in (VERBATIM, NORMALIZED):
        return loc
    return Location(NOT_FOUND)


def _as_part(part: Part | Mapping[str, object]) -> Part:
    if isinstance(part, Part):
        return part
    start, end = part.get("start"), part.get("end")
    return Part(
        start=start if isinstance(start, int) else 0,
        end=end if isinstance(end, int) else 0,
        exact=str(part.get("exact") or ""),
        prefix=str(part.get("prefix") or ""),
        suffix=str(part.get("suffix") or ""),
    )


def _interruption(gap: str) -> re.Match[str] | None:
    """``gap`` (the text between two parts) as an interruption, if it is nothing but an
    attribution between marks."""
    m = _INTERRUPTION.fullmatch(normalize(gap).text)
    return m if m is not None and _is_attribution(m) else None


def _reanchor_parts(
    parts: list[Part], start: int | None, new_text: str, context: int, threshold: float
) -> Location:
    spans: list[tuple[int, int]] = []
    all_verbatim = True
    after_sentence = False
    shift = 0
    for part in parts:
        if not part.exact.strip():
            break
        loc = reanchor(
            exact=part.exact,
            prefix=part.prefix,
            suffix=part.suffix,
            start=part.start + shift,
            new_text=new_text,
            context=context,
            threshold=threshold,
        )
        if loc.state not in (VERBATIM, NORMALIZED) or loc.is_split or loc.start is None:
            break
        assert loc.end is not None
        if spans:
            gap = _interruption(new_text[spans[-1][1] : loc.start])
            if loc.start < spans[-1][1] or gap is None or after_sentence:
                break  # (the rules of `_match_parts`)
            after_sentence = gap.group("clause").rstrip().endswith((".", "!", "?"))
        all_verbatim = all_verbatim and loc.state == VERBATIM
        spans.append((loc.start, loc.end))
        shift = loc.start - part.start
    else:
        if not (after_sentence and _attributed_after(new_text, spans[-1][1])):
            state = VERBATIM if all_verbatim else NORMALIZED
            return _split_location(state, new_text, spans, context)
    # a part changed or moved away from the others: look for the words afresh
    words_ = " ".join(p.exact.strip() for p in parts)
    loc = locate_quote(words_, new_text, context=context, hint=start, threshold=threshold)
    return loc if loc.found else Location(NOT_FOUND)


def _best_by_context(
    occ: list[int],
    to_span,  # type: ignore[no-untyped-def]
    text: str,
    prefix: str,
    suffix: str,
    start: int | None,
) -> tuple[int, int]:
    np_ = normalize(prefix).text
    ns_ = normalize(suffix).text
    best: tuple[tuple[int, int], tuple[int, int]] | None = None
    for i in occ:
        s, e = to_span(i)
        before = normalize(text[max(0, s - len(prefix) - 8) : s]).text
        after = normalize(text[e : e + len(suffix) + 8]).text
        agreement = 0
        if np_:
            agreement += _common_suffix(np_, before)
        if ns_:
            agreement += _common_prefix(ns_, after)
        distance = abs(s - start) if start is not None else 0
        key = (-agreement, distance)
        if best is None or key < best[0]:
            best = (key, (s, e))
    assert best is not None
    return best[1]


# --- the claim's own words -------------------------------------------------------------------


def _wording(text: str) -> str:
    """The words of a quote or claim for comparison: normalised, without the marks around
    it or the punctuation its closing mark may keep, its first letter in lower case."""
    t = normalize(text).text.strip()
    while True:
        before = t
        t = t.strip(" ")
        if len(t) >= 2 and t[0] == t[-1] == "'":
            t = t[1:-1]
        t = t.strip('"').rstrip(_TRAILING + " ")
        if t == before:
            break
    return t[:1].lower() + t[1:]


def same_wording(claim_text: str, quote: str | Sequence[str]) -> bool:
    """Does a claim's text say exactly what a citation quotes?

    Equal once typography (quote marks, apostrophes, dashes, ellipses, spaces), the quote
    marks around either, the ``,.;:`` a closing mark keeps and the case of the first letter
    are set aside. ``quote`` may be the quote's printed parts (a sequence of strings), or the
    quote as printed around an attribution (`"It is sound," she said, "and safe."`): its
    parts joined are its wording. An omission (ellipsis, bracket) or a changed word is a
    different wording.
    """
    if not isinstance(quote, str):
        quote = " ".join(q.strip() for q in quote)
    claim = _wording(claim_text or "")
    quoted = _wording(quote or "")
    if not claim or not quoted or not any(c.isalnum() for c in claim):
        return False
    if claim == quoted:
        return True
    if len(quoted) <= len(claim) or _OMISSION.search(claim):
        return False  # the printed form of a split quote is longer than its words
    loc = locate_quote(claim_text, quote)
    if loc.state not in (VERBATIM, NORMALIZED) or not loc.is_split:
        return False
    assert loc.start is not None and loc.end is not None
    # the parts cover the printed quote: nothing outside them but marks and punctuation
    return not any(c.isalnum() for c in quote[: loc.start] + quote[loc.end :])
