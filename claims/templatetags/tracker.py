import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "a", "em", "strong", "blockquote", "ul", "ol", "li", "code", "br", "q"}


@register.filter
def precise_date(value, precision="day"):
    """A date at the precision it is known: “2 Dec 2021”, “Aug 2022”, “2022”."""
    if not value:
        return "Date unknown"
    if precision == "year":
        return f"{value:%Y}"
    if precision == "month":
        return f"{value:%b %Y}"
    return f"{value.day} {value:%b %Y}"


@register.filter
def markdown(value):
    """Render curator markdown through a sanitiser: no raw HTML, scripts or styles survive."""
    html = markdown_lib.markdown(value or "", extensions=[], output_format="html")
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow noopener",
        )
    )
