"""What the public views share about HTTP itself: a 400 answer in plain words, and which format
a request asks for (``?format=``). No data here: CSV and JSON rows live in ``claims.exports``."""

from __future__ import annotations

import functools

from django.http import HttpResponse, HttpResponseBadRequest

FORMATS = ("csv", "json")


class BadFormat(ValueError):
    pass


def bad_request(message: str) -> HttpResponse:
    """A 400 whose body says what was wrong, as plain text."""
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


def requested_format(request) -> str | None:
    """``None`` for the HTML page, else one of FORMATS; BadFormat for anything else."""
    value = request.GET.get("format")
    if not value or value == "html":
        return None
    if value not in FORMATS:
        raise BadFormat(
            f"Unknown format “{value[:40]}”. Add ?format=csv or ?format=json, "
            "or leave the format out for the web page."
        )
    return value


def with_format(view):
    """For pages that also answer as CSV or JSON: ``?format=`` is read once and passed in as
    ``fmt`` (None for the page itself); a value we do not serve answers 400."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            fmt = requested_format(request)
        except BadFormat as error:
            return bad_request(str(error))
        return view(request, *args, fmt=fmt, **kwargs)

    return wrapper


def with_form(form_class, **names):
    """Reads the query string with ``form_class``; an invalid one answers 400 with the form's
    messages, a valid one passes its cleaned values in as keyword arguments (``names`` maps
    a field to the argument's name when they differ)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            form = form_class(request.GET)
            if not form.is_valid():
                return bad_request(" ".join(form.messages()))
            values = {names.get(k, k): v for k, v in form.cleaned_data.items()}
            return view(request, *args, **values, **kwargs)

        return wrapper

    return decorator
