"""Two captures of a source side by side: each text whole, what the other lacks marked
(``<del>`` in the earlier, ``<ins>`` in the later), by the project's word diff
(``sources.text.variants.word_diff``: difflib's SequenceMatcher over words, typography ignored).

The texts' common beginning and end are set aside first (a page's revision usually touches a
few paragraphs): only the middle is diffed, so a long text with a small change costs little.
No database here: the view reads the captures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sources.text.variants import word_diff


@dataclass(frozen=True)
class SideBySide:
    before: SafeString  # the earlier text, its words missing from the later one in <del>
    after: SafeString  # the later text, its words missing from the earlier one in <ins>
    changes: int  # how many places differ


def _common_ends(a: str, b: str) -> tuple[int, int]:
    """Lengths of the common beginning and end of ``a`` and ``b``, cut back to whitespace so
    no word is split."""
    limit = min(len(a), len(b))
    start = 0
    while start < limit and a[start] == b[start]:
        start += 1
    if start < limit:
        while start > 0 and not a[start - 1].isspace():
            start -= 1
    end = 0
    while end < limit - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    if end < limit - start:
        while end > 0 and not a[len(a) - end].isspace():
            end -= 1
    return start, end


def side_by_side(a: str, b: str) -> SideBySide:
    a, b = a or "", b or ""
    head, tail = _common_ends(a, b)
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    before, after = [escape(a[:head])], [escape(b[:head])]
    at_a = at_b = 0
    changes = 0
    for op in word_diff(mid_a, mid_b):
        if op.op == "equal":
            continue
        changes += 1
        before.append(escape(mid_a[at_a : op.a_start]))
        after.append(escape(mid_b[at_b : op.b_start]))
        if op.a_end > op.a_start:
            before.append(f"<del>{escape(mid_a[op.a_start : op.a_end])}</del>")
        if op.b_end > op.b_start:
            after.append(f"<ins>{escape(mid_b[op.b_start : op.b_end])}</ins>")
        at_a, at_b = op.a_end, op.b_end
    before.append(escape(mid_a[at_a:]) + escape(a[len(a) - tail :]))
    after.append(escape(mid_b[at_b:]) + escape(b[len(b) - tail :]))
    return SideBySide(mark_safe("".join(before)), mark_safe("".join(after)), changes)
