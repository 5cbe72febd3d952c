"""The exchange schema's field lists, in one place: the JSON Lines import and export
(claims/exchange.py) and the public CSV/JSON exports (claims/exports.py) read them from here.

Each record type: its fields in the order a line carries them (after ``type`` and ``id``).
Editorial fields travel in the exchange format between newsrooms but never in a public export.
"""

from __future__ import annotations

FIELDS: dict[str, tuple[str, ...]] = {
    "outlet": ("name", "homepage"),
    "source": (
        "outlet",
        "title",
        "kind",
        "url",
        "archive_url",
        "published_on",
        "author",
        "text",
        "captured_at",
    ),
    "speaker": ("name", "kind", "role", "aliases", "misspellings"),
    "topic": ("name", "description"),
    "case": ("title", "summary", "status"),
    "claim": (
        "speaker",
        "kind",
        "text",
        "summary",
        "said_on",
        "said_on_precision",
        "venue",
        "context",
        "topics",
        "status",
        "cases",
        "override_reason",
        "citations",
    ),
    "contradiction": (
        "claim",
        "counter",
        "relation",
        "title",
        "explanation",
        "status",
        "cases",
        "override_reason",
    ),
    "correction": ("kind", "published_on", "text", "claim", "contradiction"),
}

# The order of types in a file: each refers only to types before it.
TYPE_ORDER: tuple[str, ...] = tuple(FIELDS)

# The workflow's fields: in the exchange format, not in public exports.
EDITORIAL = frozenset({"status", "override_reason"})

CITATION_FIELDS: tuple[str, ...] = ("source", "quote", "note")


def public_fields(kind: str, *, leave_out: tuple[str, ...] = ()) -> list[str]:
    """A type's fields a public export shows, in the exchange order."""
    return [f for f in FIELDS[kind] if f not in EDITORIAL and f not in leave_out]
