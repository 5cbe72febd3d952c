"""Cut a source's archived text into plain and highlighted segments at citation anchors.

No database and no HTML here beyond what ``render_segments`` escapes: the text is the
curators' archived copy, never trusted markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Anchor:
    # The cited claim's slug (a source is cited once per claim): the mark's id is
    # "quote-<key>", a link that survives a restore (a row id would not).
    key: str
    start: int
    end: int
    label: str = ""  # who is quoted, for the mark's title
    # For a quote printed in parts around an attribution: which part (1, 2, ...). Part 1's
    # mark is "quote-<key>", the others "quote-<key>.<part>" (a dot: no slug has one, so
    # part 2 of "tax-cut" is never claim "tax-cut-2"); all carry data-quote="<key>".
    part: int | None = None

    @property
    def dom_id(self) -> str:
        if self.part is None or self.part == 1:
            return f"quote-{self.key}"
        return f"quote-{self.key}.{self.part}"


def citation_anchors(
    key: str,
    start: int | None,
    end: int | None,
    parts: Sequence[Mapping[str, object]] | None = None,
    label: str = "",
) -> list[Anchor]:
    """The marks for one citation: one per printed part when its anchor has two or more
    parts in order inside the whole anchor, else one for the whole anchor (none without)."""
    if start is None or end is None:
        return []
    spans: list[tuple[int, int]] = []
    for part in parts or ():
        s, e = part.get("start"), part.get("end")
        if not (isinstance(s, int) and isinstance(e, int) and start <= s < e <= end):
            spans = []
            break
        if spans and s < spans[-1][1]:
            spans = []
            break
        spans.append((s, e))
    if len(spans) < 2:
        return [Anchor(key, start, end, label)]
    return [Anchor(key, s, e, label, part=n) for n, (s, e) in enumerate(spans, start=1)]


@dataclass(frozen=True)
class Segment:
    text: str
    anchor: Anchor | None = None
    # Citations whose span falls inside this mark's (overlapping ones): their ids land here.
    also: tuple[Anchor, ...] = field(default_factory=tuple)


def split_by_anchors(text: str, anchors: Iterable[Anchor]) -> list[Segment]:
    """Split ``text`` at non-overlapping anchors, in order.

    Anchors outside the text or empty are dropped. Where two overlap, the one that starts
    first (the longer one on a tie) is highlighted and the other's id is attached to it, so
    a link to either lands on the passage.
    """
    length = len(text)
    valid = sorted(
        (a for a in anchors if 0 <= a.start < a.end <= length),
        key=lambda a: (a.start, -a.end, a.key),
    )
    kept: list[tuple[Anchor, list[Anchor]]] = []
    for anchor in valid:
        if kept and anchor.start < kept[-1][0].end:
            kept[-1][1].append(anchor)
        else:
            kept.append((anchor, []))

    segments: list[Segment] = []
    cursor = 0
    for anchor, also in kept:
        if anchor.start > cursor:
            segments.append(Segment(text[cursor : anchor.start]))
        segments.append(Segment(text[anchor.start : anchor.end], anchor, tuple(also)))
        cursor = anchor.end
    if cursor < length:
        segments.append(Segment(text[cursor:]))
    return segments


def render_segments(segments: Iterable[Segment]) -> SafeString:
    """HTML for the archived text: every segment escaped, each anchor a ``<mark>`` (every
    part of a split quote its own, sharing ``data-quote`` and the class ``quote-part``)."""
    parts: list[str] = []
    for segment in segments:
        if segment.anchor is None:
            parts.append(conditional_escape(segment.text))
            continue
        for extra in segment.also:
            parts.append(format_html('<span id="{}" class="quote-anchor"></span>', extra.dom_id))
        anchor = segment.anchor
        if anchor.part is None:
            parts.append(
                format_html(
                    '<mark id="{}" title="{}">{}</mark>', anchor.dom_id, anchor.label, segment.text
                )
            )
        else:
            parts.append(
                format_html(
                    '<mark id="{}" title="{}" class="quote-part" data-quote="{}">{}</mark>',
                    anchor.dom_id,
                    anchor.label,
                    anchor.key,
                    segment.text,
                )
            )
    return mark_safe("".join(parts))
