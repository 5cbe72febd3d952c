"""Quote variants: a word-level diff of two versions of one statement.

The same statement is often printed differently by two outlets. `word_diff(text_a, text_b)`
lines up their words and says what is equal, inserted, deleted or replaced. Words are compared
after typographic normalisation (curly and straight quotes, dashes, ellipses and spaces count
as equal) but the diff shows the original words. Case is never ignored. Punctuation marks are
words of their own, so "responsible," against "responsible." is one replaced comma.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher

from .normalize import normalize

__all__ = ["DiffOp", "Token", "diff_ratio", "tokenize", "word_diff"]

_TOKEN = re.compile(r"\.\.\.|\w+(?:'\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    """A word or punctuation mark: its comparison key and where it is in the original."""

    key: str  # normalised form, used for comparison
    text: str  # as written in the original
    start: int
    end: int


@dataclass(frozen=True)
class DiffOp:
    """One step of a word diff.

    ``op`` is "equal", "insert" (words only in b), "delete" (words only in a) or "replace".
    ``a_words``/``b_words`` are the words as written; ``a_start``/``a_end`` and
    ``b_start``/``b_end`` the character span they cover in a and b (empty span, at the
    position, for the side that has no words).
    """

    op: str
    a_words: tuple[str, ...]
    b_words: tuple[str, ...]
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str  # the original text of text_a covering these words
    b_text: str

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["a_words"] = list(self.a_words)
        data["b_words"] = list(self.b_words)
        return data


def tokenize(text: str) -> list[Token]:
    """Words and punctuation of ``text``, keyed by their normalised form."""
    nt = normalize(text)
    out = []
    for found in _TOKEN.finditer(nt.text):
        start, end = nt.span_to_original(found.start(), found.end())
        out.append(Token(found.group(), text[start:end], start, end))
    return out


def _span(tokens: list[Token], start_index: int, end_index: int, default: int) -> tuple[int, int]:
    if start_index >= end_index:
        return default, default
    return tokens[start_index].start, tokens[end_index - 1].end


def word_diff(text_a: str, text_b: str) -> list[DiffOp]:
    """Word-level diff of ``text_a`` and ``text_b`` (typography ignored, original words shown)."""
    ta, tb = tokenize(text_a or ""), tokenize(text_b or "")
    sm = SequenceMatcher(
        None, [token.key for token in ta], [token.key for token in tb], autojunk=False
    )
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        a_default = ta[i1].start if i1 < len(ta) else len(text_a or "")
        b_default = tb[j1].start if j1 < len(tb) else len(text_b or "")
        a_s, a_e = _span(ta, i1, i2, a_default)
        b_s, b_e = _span(tb, j1, j2, b_default)
        ops.append(
            DiffOp(
                op=tag,
                a_words=tuple(token.text for token in ta[i1:i2]),
                b_words=tuple(token.text for token in tb[j1:j2]),
                a_start=a_s,
                a_end=a_e,
                b_start=b_s,
                b_end=b_e,
                a_text=(text_a or "")[a_s:a_e],
                b_text=(text_b or "")[b_s:b_e],
            )
        )
    return ops


def diff_ratio(text_a: str, text_b: str) -> float:
    """Share of words the two versions have in common, 0-1 (1: same words)."""
    ka = [token.key for token in tokenize(text_a or "")]
    kb = [token.key for token in tokenize(text_b or "")]
    if not ka and not kb:
        return 1.0
    return SequenceMatcher(None, ka, kb, autojunk=False).ratio()
