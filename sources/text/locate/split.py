"""Quotes printed in parts around an attribution.

`"The plant is sound," the director said, "and it always has been."` is found part by part,
in order, with nothing between the parts but the quote marks and a short attribution clause
(one speech verb, no other quoted words): in the text as it stands, in the normalised text,
or in windows of it. `interruption` and `attributed_after` are the same rules for
`reanchoring`'s parts.
"""

from __future__ import annotations

import re

from ..lexicon import ABBREVIATIONS, SPEECH_VERBS, words
from ..normalize import DOUBLE_QUOTES, SINGLE_QUOTES, Normalized, normalize
from .location import (
    NORMALIZED,
    VERBATIM,
    Location,
    occurrences_of,
    split_location,
    to_norm,
    windows_around,
)

MAX_PARTS = 4  # most printed parts a split quote is found in
MAX_ATTRIBUTION_CHARS = 100  # longest attribution clause between two parts
MAX_ATTRIBUTION_WORDS = 12
MAX_SPLIT_QUOTE = 3000  # longer quotes are not looked for in parts

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
OMISSION = re.compile(r"\.\s?\.\s?\.|…|\[|\(\s*\.")


def _is_attribution(match: re.Match[str]) -> bool:
    """Is the interruption a real one: matching marks around a short attribution clause with
    one speech verb ("the director said", "said Jane Doe, the mayor", "she added")?"""
    if (match.group("close") in _DOUBLE_SET) != (match.group("open") in _DOUBLE_SET):
        return False
    clause = match.group("clause").strip().rstrip(",;:.—–- ")
    found = [token.rstrip(".").lower() for token in _CLAUSE_WORD.findall(clause)]
    if not found or len(found) > MAX_ATTRIBUTION_WORDS:
        return False
    if sum(1 for token in found if token in SPEECH_VERBS) != 1:
        return False
    if any(token in _OTHER_VOICE for token in found):
        return False
    for sentence_break in _SENTENCE_BREAK.finditer(clause):
        word = sentence_break.group(1).strip("'’").lower()
        if word not in ABBREVIATIONS and not (len(word) == 1 and word.isalpha()):
            return False  # a second sentence: someone else may speak in the next part
    return True


_THEN_ATTRIBUTION = re.compile(
    rf"(?P<punct>[,.;:!?]?)[{_MARKS}][,;:!?]?[^\S\n]+"
    rf"(?P<clause>[^{_MARKS}\n]{{1,{MAX_ATTRIBUTION_CHARS}}})"
)
_CLAUSE_END = re.compile(r"[.!?;:](?:\s|$)")


def attributed_after(hay: str, end: int) -> bool:
    """Does the part ending at ``end`` carry an attribution of its own after its closing mark
    (“B,” the mayor replied) rather than end a sentence (“B.” The mayor left.)?"""
    following = _THEN_ATTRIBUTION.match(hay, end)
    if following is None:
        return False
    punct = following.group("punct") or (
        hay[end - 1] if end > 0 and hay[end - 1] in ",.;:!?" else ""
    )
    if punct == ".":
        return False
    clause = _CLAUSE_END.split(following.group("clause"), maxsplit=1)[0]
    found = [token.rstrip(".").lower() for token in _CLAUSE_WORD.findall(clause)]
    return any(token in SPEECH_VERBS for token in found[:MAX_ATTRIBUTION_WORDS])


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
        matched = 0
        if spans and quote[qi] != hay[at] and quote[qi].lower() == hay[at].lower():
            recased = True  # a new sentence in print: "And it always has been"
            matched = 1
        matched += _common_prefix_len(hay, at + matched, quote, qi + matched)
        end = at + matched
        if not any(char.isalnum() for char in hay[at:end]):
            return None
        if qi + matched == len(quote):
            if end < len(hay) and hay[end - 1].isalnum() and hay[end].isalnum():
                return None  # the last part stops inside a word
            if after_sentence and attributed_after(hay, end):
                return None  # “A,” he said. “B,” the mayor replied: B may be someone else's
            spans.append((at, end))
            return (spans, recased) if len(spans) > 1 else None
        if len(spans) + 1 >= MAX_PARTS:
            return None
        gap = _INTERRUPTION.match(hay, end)
        if gap is None or not _is_attribution(gap) or after_sentence:
            return None  # (after a sentence, a part with its own attribution: see above)
        after_sentence = gap.group("clause").rstrip().endswith((".", "!", "?"))
        # the quote's own punctuation and space where the print breaks it
        break_at = resume_at = qi + matched
        if resume_at < len(quote) and quote[resume_at] in ",.;:!?":
            resume_at += 1
        while resume_at < len(quote) and quote[resume_at].isspace():
            resume_at += 1
        if resume_at == len(quote) or (
            resume_at == break_at and quote[break_at - 1].isalnum() and quote[break_at].isalnum()
        ):
            return None
        spans.append((at, end))
        at, qi = gap.end(), resume_at
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
    for at in occurrences_of(hay, head):
        if at > 0 and hay[at - 1].isalnum() and hay[at].isalnum():
            continue
        parts = _match_parts(hay, quote, at)
        if parts is not None:
            found.append(parts)
            if hint is None:
                break
    if not found:
        return None
    if hint is None:
        return found[0]
    return min(found, key=lambda candidate: (abs(candidate[0][0][0] - hint), candidate[0][0][0]))


def split_in_text(
    text: str, variants: list[str], hint: int | None, context: int
) -> Location | None:
    """Verbatim parts in the text as it stands: the quote's words, only interrupted."""
    for variant in variants:
        if OMISSION.search(variant):
            continue
        found = _find_split(text, variant, hint)
        if found is not None:
            spans, recased = found
            return split_location(NORMALIZED if recased else VERBATIM, text, spans, context)
    return None


def split_in_normalized(
    nt: Normalized, norm_variants: list[str], hint_norm: int | None, context: int
) -> Location | None:
    for nq in norm_variants:
        found = _find_split(nt.text, nq, hint_norm)
        if found is not None:
            spans = [nt.span_to_original(start, end) for start, end in found[0]]
            return split_location(NORMALIZED, nt.original, spans, context)
    return None


def split_in_windows(
    text: str, norm_variants: list[str], hint: int | None, context: int
) -> tuple[Location | None, bool]:
    """`split_in_normalized` on windows of the text around a word of the quote (see
    `_find_in_windows`); also whether the search was complete."""
    complete = True
    for nq in norm_variants:
        windows = windows_around(text, nq, margin=len(nq) + _SPLIT_SPREAD)
        if windows is None:
            complete = False
            continue
        found: list[list[tuple[int, int]]] = []
        for lo, hi in windows:
            nw = normalize(text[lo:hi])
            window_hint = None if hint is None else to_norm(nw, hint - lo)
            result = _find_split(nw.text, nq, window_hint)
            if result is None:
                continue
            spans = [nw.span_to_original(start, end) for start, end in result[0]]
            spans = [(start + lo, end + lo) for start, end in spans]
            first = spans[0][0]
            if first > 0 and text[first - 1].isalnum() and text[first].isalnum():
                continue  # the window cut a word
            found.append(spans)
            if hint is None:
                break
        if found:
            best = (
                found[0]
                if hint is None
                else min(found, key=lambda candidate: abs(candidate[0][0] - hint))
            )
            return split_location(NORMALIZED, text, best, context), True
    return None, complete


def interruption(gap: str) -> re.Match[str] | None:
    """``gap`` (the text between two parts) as an interruption, if it is nothing but an
    attribution between marks."""
    found = _INTERRUPTION.fullmatch(normalize(gap).text)
    return found if found is not None and _is_attribution(found) else None
