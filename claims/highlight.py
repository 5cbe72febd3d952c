"""Cut a source's archived text into plain and highlighted segments at citation anchors.

No database and no HTML here beyond what ``render_segments`` escapes: the text is the
curators' archived copy, never trusted markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Anchor:
    key: int  # the citation's pk: the mark's id is "quote-<key>"
    start: int
    end: int
    label: str = ""  # who is quoted, for the mark's title


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
    """HTML for the archived text: every segment escaped, each anchor a ``<mark>``."""
    parts: list[str] = []
    for segment in segments:
        if segment.anchor is None:
            parts.append(conditional_escape(segment.text))
            continue
        for extra in segment.also:
            parts.append(format_html('<span id="quote-{}" class="quote-anchor"></span>', extra.key))
        parts.append(
            format_html(
                '<mark id="quote-{}" title="{}">{}</mark>',
                segment.anchor.key,
                segment.anchor.label,
                segment.text,
            )
        )
    return mark_safe("".join(parts))
