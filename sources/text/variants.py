"""Quote variants: a word-level diff of two versions of one statement.

The same statement is often printed differently by two outlets. `word_diff(a, b)` lines up
their words and says what is equal, inserted, deleted or replaced. Words are compared after
typographic normalisation (curly and straight quotes, dashes, ellipses and spaces count as
equal) but the diff shows the original words. Case is never ignored. Punctuation marks are
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
    a_text: str  # the original text of a covering these words
    b_text: str

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["a_words"] = list(self.a_words)
        d["b_words"] = list(self.b_words)
        return d


def tokenize(text: str) -> list[Token]:
    """Words and punctuation of ``text``, keyed by their normalised form."""
    nt = normalize(text)
    out = []
    for m in _TOKEN.finditer(nt.text):
        s, e = nt.span_to_original(m.start(), m.end())
        out.append(Token(m.group(), text[s:e], s, e))
    return out


def _span(tokens: list[Token], i: int, j: int, default: int) -> tuple[int, int]:
    if i >= j:
        return default, default
    return tokens[i].start, tokens[j - 1].end


def word_diff(a: str, b: str) -> list[DiffOp]:
    """Word-level diff of ``a`` and ``b`` (typography ignored, original words shown)."""
    ta, tb = tokenize(a or ""), tokenize(b or "")
    sm = SequenceMatcher(None, [t.key for t in ta], [t.key for t in tb], autojunk=False)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        a_default = ta[i1].start if i1 < len(ta) else len(a or "")
        b_default = tb[j1].start if j1 < len(tb) else len(b or "")
        a_s, a_e = _span(ta, i1, i2, a_default)
        b_s, b_e = _span(tb, j1, j2, b_default)
        ops.append(
            DiffOp(
                op=tag,
                a_words=tuple(t.text for t in ta[i1:i2]),
                b_words=tuple(t.text for t in tb[j1:j2]),
                a_start=a_s,
                a_end=a_e,
                b_start=b_s,
                b_end=b_e,
                a_text=(a or "")[a_s:a_e],
                b_text=(b or "")[b_s:b_e],
            )
        )
    return ops


def diff_ratio(a: str, b: str) -> float:
    """Share of words the two versions have in common, 0-1 (1: same words)."""
    ka = [t.key for t in tokenize(a or "")]
    kb = [t.key for t in tokenize(b or "")]
    if not ka and not kb:
        return 1.0
    return SequenceMatcher(None, ka, kb, autojunk=False).ratio()
