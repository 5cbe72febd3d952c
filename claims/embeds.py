"""Embeddable cards: what names a card, its iframe code and its oEmbed address, shared by the
embed and oEmbed views and the pages' "Embed" snippet. No queries: the item is read as given."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from claims.exports import absolute
from claims.models import Claim, Contradiction
from claims.seo import PublicPair

SIZES = {"claim": (560, 360), "contradiction": (560, 640)}  # width, height in px


def kind_of(item: Claim | Contradiction) -> str:
    return "contradiction" if isinstance(item, Contradiction) else "claim"


def retracted(item: Claim | Contradiction) -> bool:
    """A card that shows its notice alone: a retracted item, or a pair a side of which has left
    the record (PublicPair decides what a pair may show)."""
    if item.is_retracted:
        return True
    return isinstance(item, Contradiction) and not PublicPair.of(item).sides_shown


def title(item: Claim | Contradiction) -> str:
    """The card's name: never a retracted item's words."""
    if isinstance(item, Contradiction):
        return "A retracted contradiction" if retracted(item) else PublicPair.of(item).name
    if retracted(item):
        return "A retracted statement"
    return f"{item.speaker.name}: “{Truncator(item.text).words(16, truncate=' …')}”"


def embed_url(item: Claim | Contradiction) -> str:
    kind = kind_of(item)
    return absolute(reverse(f"claims:embed_{kind}", kwargs={"slug": item.slug}))


def iframe(item: Claim | Contradiction, width: int | None = None, height: int | None = None):
    default_width, default_height = SIZES[kind_of(item)]
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        embed_url(item),
        width or default_width,
        height or default_height,
        title(item),
    )


def oembed_url(item: Claim | Contradiction) -> str:
    """The discovery link's address: the oEmbed endpoint asked for the item's public page."""
    query = urlencode({"url": absolute(item.get_absolute_url()), "format": "json"})
    return absolute(reverse("claims:oembed")) + "?" + query
