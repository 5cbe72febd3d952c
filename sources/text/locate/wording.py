"""`same_wording`: whether a claim's own words are a citation's quote."""

from __future__ import annotations

from collections.abc import Sequence

from ..normalize import normalize
from .find import locate_quote
from .location import NORMALIZED, TRAILING, VERBATIM
from .split import OMISSION

__all__ = ["same_wording"]


def _wording(text: str) -> str:
    """The words of a quote or claim for comparison: normalised, without the marks around
    it or the punctuation its closing mark may keep, its first letter in lower case."""
    trimmed = normalize(text).text.strip()
    while True:
        before = trimmed
        trimmed = trimmed.strip(" ")
        if len(trimmed) >= 2 and trimmed[0] == trimmed[-1] == "'":
            trimmed = trimmed[1:-1]
        trimmed = trimmed.strip('"').rstrip(TRAILING + " ")
        if trimmed == before:
            break
    return trimmed[:1].lower() + trimmed[1:]


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
        quote = " ".join(part.strip() for part in quote)
    claim = _wording(claim_text or "")
    quoted = _wording(quote or "")
    if not claim or not quoted or not any(char.isalnum() for char in claim):
        return False
    if claim == quoted:
        return True
    if len(quoted) <= len(claim) or OMISSION.search(claim):
        return False  # the printed form of a split quote is longer than its words
    loc = locate_quote(claim_text, quote)
    if loc.state not in (VERBATIM, NORMALIZED) or not loc.is_split:
        return False
    assert loc.start is not None and loc.end is not None
    # the parts cover the printed quote: nothing outside them but marks and punctuation
    return not any(char.isalnum() for char in quote[: loc.start] + quote[loc.end :])
