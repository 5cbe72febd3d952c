from urllib.parse import urlencode

import markdown as markdown_lib
import nh3
from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sources.text import same_wording
from sources.text.variants import word_diff as compute_word_diff

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


@register.filter
def quoted_title(value):
    """A title in quotation marks, its own double quotes turned single: “A ‘b’ c”."""
    text = str(value).translate(str.maketrans({"“": "‘", "”": "’", '"': "'"}))
    return f"“{text}”"


@register.filter
def badge_label(citation) -> str:
    """The public badge's words for a citation's verification state (the one table:
    claims.models.VERIFICATION_WORDS), with the score where the state shows one."""
    words = citation.state_words
    if words.scored and citation.verification_score:
        return f"{words.badge} ({floatformat(citation.verification_score, 0)}%)"
    return words.badge


@register.filter
def state_sentence(citation) -> str:
    """What the badge's state says of the quote, as a sentence under it (the same table as the
    badge: ``VERIFICATION_WORDS``'s ``problem``), "" for a verified quote: the sentence never
    says more than the badge."""
    problem = citation.state_words.problem
    if not problem:
        return ""
    sentence = f"This quote {problem.format(score='')}"
    if citation.drifted:
        sentence += " since the source's text was replaced"
    return sentence + "."


@register.filter
def lower_verbose_name(obj) -> str:
    """What kind of record ``obj`` is, in words: "claim", "contradiction", "case"."""
    return str(obj._meta.verbose_name)


@register.simple_tag
def site_name():
    return settings.SITE_NAME


@register.simple_tag
def site_tagline():
    return settings.SITE_TAGLINE


@register.simple_tag
def site_search_hint():
    return settings.SITE_SEARCH_HINT


@register.simple_tag
def site_mark():
    """The site name's initials for the logo and the favicon: “Rust Tracker” → “RT”."""
    return site_initials(settings.SITE_NAME)


def site_initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.simple_tag
def permanent_url(item) -> str:
    """``item``'s permanent public address (a preview's permalink box shows this, never the
    /preview/ URL it is read at)."""
    return settings.SITE_URL + item.get_absolute_url()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's absolute URL: the path, plus only the query parameters that choose what
    the page shows (the view's ``canonical_params``), never ``format`` or tracking tags."""
    request = context.get("request")
    if request is None:
        return settings.SITE_URL + "/"
    keep = context.get("canonical_params") or []
    params = [(k, v) for k in keep for v in request.GET.getlist(k) if v.strip()]
    query = f"?{urlencode(params)}" if params else ""
    return settings.SITE_URL + request.path + query


@register.simple_tag(takes_context=True)
def list_url(context, **changes):
    """This list's path and query with ``changes`` applied (``None`` removes a key), empty
    values and ``format`` dropped unless given: for pager and download links."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("format", None)
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    pairs = [(k, v) for k, values in params.lists() for v in values if v != ""]
    return request.path + (f"?{urlencode(pairs)}" if pairs else "")


def _join(a_text: str, b_text: str) -> str:
    return " " if a_text[-1:].isalnum() and b_text[:1].isalnum() else ""


def render_diff(ops, a: str, b: str) -> SafeString:
    """One line reading from ``a`` to ``b``: removed words in ``<del>``, added in ``<ins>``,
    the spacing of the original texts kept between words. Everything escaped."""
    parts: list[str] = []
    a_pos = b_pos = 0
    for op in ops:
        a_gap = conditional_escape(a[a_pos : op.a_start])
        b_gap = conditional_escape(b[b_pos : op.b_start])
        if op.op == "equal":
            parts.append(b_gap + conditional_escape(op.b_text))
        elif op.op == "delete":
            parts.append(a_gap + format_html("<del>{}</del>", op.a_text))
        elif op.op == "insert":
            parts.append(b_gap + format_html("<ins>{}</ins>", op.b_text))
        else:
            parts.append(
                a_gap
                + format_html(
                    "<del>{}</del>{}<ins>{}</ins>",
                    op.a_text,
                    _join(op.a_text, op.b_text),
                    op.b_text,
                )
            )
        a_pos = max(a_pos, op.a_end)
        b_pos = max(b_pos, op.b_end)
    return mark_safe("".join(parts))


@register.simple_tag
def diff_html(ops, a, b):
    """Render precomputed word-diff ``ops`` of ``a`` against ``b``."""
    return render_diff(ops, a or "", b or "")


@register.simple_tag
def word_diff(a, b):
    """Word diff of two versions of a statement, as HTML (see ``render_diff``)."""
    a, b = a or "", b or ""
    return render_diff(compute_word_diff(a, b), a, b)


@register.simple_tag
def wordings(claim):
    """How the sources printed a quoted statement: the number of different wordings among
    its citations, and whether the words shown are one of them (from prefetched citations)."""
    quotes: list[str] = []
    for citation in claim.citations.all():
        if not any(same_wording(citation.quote, seen) for seen in quotes):
            quotes.append(citation.quote)
    return {
        "count": len(quotes),
        "shown_printed": any(same_wording(claim.text, quote) for quote in quotes),
    }
