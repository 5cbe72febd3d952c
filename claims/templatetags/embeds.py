"""``{% embed_info item as embed %}``: a claim's or a pair's card address, its iframe code and
its oEmbed discovery address, for the page's head and its "Embed" snippet."""

from django import template

from claims import embeds

register = template.Library()


@register.simple_tag
def embed_info(item) -> dict:
    return {
        "oembed_url": embeds.oembed_url(item),
        "code": str(embeds.iframe(item)),
        "title": embeds.title(item),
    }
