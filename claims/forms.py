"""Small forms for the query parameters that are not filters: page numbers and the compare
page's ids and picker searches. Filters live in ``claims.filters``."""

from __future__ import annotations

from django import forms

# Deep pages are capped: past this, a reader narrows the list or downloads it.
MAX_PAGE = 400
PAGE_MESSAGE = "The page must be a whole number, 1 or more."
PAGE_CAP_MESSAGE = (
    f"Pages stop at {MAX_PAGE}. Narrow the list with a search or a filter, "
    "or download it as CSV or JSON."
)


class QueryForm(forms.Form):
    """A form over ``request.GET``: every message in plain words for a 400."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def messages(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]


def page_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": PAGE_MESSAGE,
            "min_value": PAGE_MESSAGE,
            "max_value": PAGE_CAP_MESSAGE,
        },
    )


class PageForm(QueryForm):
    """``?page=`` on the paged speaker, topic and case pages."""

    page = page_field()

    def clean_page(self):
        return self.cleaned_data.get("page") or 1


def _text(value: str | None) -> str:
    """Trimmed, without NUL (PostgreSQL refuses it)."""
    return (value or "").replace("\x00", "").strip()


class BoundedText(forms.CharField):
    """Free text cut to a length rather than refused: a long paste still searches."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(required=False, strip=False, **kwargs)

    def to_python(self, value):
        return _text(super().to_python(value))[: self.limit]


class CompareForm(QueryForm):
    """``?a=&b=`` the two statements' ids, ``?aq=&bq=`` each picker's search."""

    a = BoundedText(limit=120)
    b = BoundedText(limit=120)
    aq = BoundedText(limit=200)
    bq = BoundedText(limit=200)


class SuggestForm(QueryForm):
    """``?q=`` what a reader has typed into a filter's text field so far."""

    q = BoundedText(limit=100)
