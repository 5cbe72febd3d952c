"""`reanchor`: a stored anchor found again in a new snapshot of the text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..normalize import normalize, normalize_cached
from .find import locate_quote
from .location import (
    FUZZY,
    FUZZY_THRESHOLD,
    NO_TEXT,
    NORMALIZED,
    NOT_FOUND,
    VERBATIM,
    Location,
    Part,
    occurrences_of,
    split_location,
    whole_location,
)
from .split import attributed_after, interruption

__all__ = ["reanchor"]


def _common_suffix(left: str, right: str) -> int:
    count = 0
    for left_char, right_char in zip(reversed(left), reversed(right), strict=False):
        if left_char != right_char:
            break
        count += 1
    return count


def _common_prefix(left: str, right: str) -> int:
    count = 0
    for left_char, right_char in zip(left, right, strict=False):
        if left_char != right_char:
            break
        count += 1
    return count


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
        return _reanchor_parts(
            [_as_part(part) for part in parts], start, new_text, context, threshold
        )
    if not exact or not exact.strip():
        return Location(NOT_FOUND)
    prefix = prefix or ""
    suffix = suffix or ""
    occ = list(occurrences_of(new_text, exact))
    if occ:
        best = _best_by_context(
            occ, lambda at: (at, at + len(exact)), new_text, prefix, suffix, start
        )
        return whole_location(VERBATIM, 100.0, new_text, best[0], best[1], context)
    nt = normalize_cached(new_text) if len(new_text) > 2000 else normalize(new_text)
    nq = normalize(exact).text.strip()
    if nq:
        nocc = list(occurrences_of(nt.text, nq))
        if nocc:
            best = _best_by_context(
                nocc,
                lambda at: nt.span_to_original(at, at + len(nq)),
                new_text,
                prefix,
                suffix,
                start,
            )
            return whole_location(NORMALIZED, 100.0, new_text, best[0], best[1], context)
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
            gap = interruption(new_text[spans[-1][1] : loc.start])
            if loc.start < spans[-1][1] or gap is None or after_sentence:
                break  # (the rules of `split._match_parts`)
            after_sentence = gap.group("clause").rstrip().endswith((".", "!", "?"))
        all_verbatim = all_verbatim and loc.state == VERBATIM
        spans.append((loc.start, loc.end))
        shift = loc.start - part.start
    else:
        if not (after_sentence and attributed_after(new_text, spans[-1][1])):
            state = VERBATIM if all_verbatim else NORMALIZED
            return split_location(state, new_text, spans, context)
    # a part changed or moved away from the others: look for the words afresh
    words_ = " ".join(piece.exact.strip() for piece in parts)
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
    for at in occ:
        span_start, span_end = to_span(at)
        before = normalize(text[max(0, span_start - len(prefix) - 8) : span_start]).text
        after = normalize(text[span_end : span_end + len(suffix) + 8]).text
        agreement = 0
        if np_:
            agreement += _common_suffix(np_, before)
        if ns_:
            agreement += _common_prefix(ns_, after)
        distance = abs(span_start - start) if start is not None else 0
        key = (-agreement, distance)
        if best is None or key < best[0]:
            best = (key, (span_start, span_end))
    assert best is not None
    return best[1]
