"""Request bodies are capped before anything reads them.

Django reads a form's body whole before a view (or the CSRF check) can refuse it, up to
``DATA_UPLOAD_MAX_MEMORY_SIZE``, which is 21 MB here to leave room for a pasted source text:
any anonymous POST of 20 MB was read and parsed before its CSRF refusal.
``BodyLimitMiddleware``, early in ``MIDDLEWARE`` (before anything that reads a body), answers
413 with a short page, without reading a byte of the body, when its Content-Length is over the
cap:

- ``REQUEST_MAX_BYTES`` (5 MB) for any request;
- ``SOURCE_REQUEST_MAX_BYTES`` for the source form's pages (``UPLOAD_VIEWS``: the admin's add
  and change pages of a source, which take a pasted text of up to
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or a file of up to ``SOURCE_MAX_BYTES``): the larger of the
  two and 1 MB for the form's other fields (22 MB). A form between the paste limit and this
  cap reaches ``rust_tracker.middleware``, whose 400 names the paste limit.

A body sent without a Content-Length (chunked) has no size to refuse by: its input stream is
wrapped so that no reader gets more than the cap, and a request whose reader tried is answered
413, whatever the reader did with the error. (Django itself reads nothing of such a body.)

Both caps can be set in the settings under these names; the defaults are here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

from sources.intake import describe_size

REQUEST_MAX_BYTES = 5_000_000
UPLOAD_VIEWS = {"admin:sources_source_add", "admin:sources_source_change"}
UPLOAD_SLACK = 1_000_000  # the source form's other fields, and the multipart framing
READ_SIZE = 64 * 1024


def request_cap() -> int:
    return getattr(settings, "REQUEST_MAX_BYTES", REQUEST_MAX_BYTES)


def upload_cap() -> int:
    default = (
        max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, settings.SOURCE_MAX_BYTES) + UPLOAD_SLACK
    )
    return getattr(settings, "SOURCE_REQUEST_MAX_BYTES", default)


def takes_uploads(request) -> bool:
    try:
        return resolve(request.path_info).view_name in UPLOAD_VIEWS
    except Resolver404:
        return False


def cap_for(request) -> int:
    return upload_cap() if takes_uploads(request) else request_cap()


class BodyTooLarge(OSError):
    """Raised to a reader that goes past the cap of a body sent without a length. An OSError,
    as a broken upload is: Django's readers turn it into their own refusal, and the middleware
    answers 413 in any case."""


class CappedInput:
    """A request's WSGI input stream that gives at most its cap (``cap_for``, looked up at the
    first read: most requests without a length are GETs that read nothing), then raises
    ``BodyTooLarge``."""

    def __init__(self, stream, request):
        self._stream = stream
        self._request = request
        self._cap: int | None = None
        self._read = 0

    def _room(self, size: int | None) -> int:
        if self._cap is None:
            self._cap = cap_for(self._request)
        room = self._cap + 1 - self._read  # one byte over tells "over the cap" from "at it"
        return room if size is None or size < 0 else min(size, room)

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._cap:
            self._request._body_over_cap = self._cap
            raise BodyTooLarge(f"The request's body is larger than {self._cap} bytes.")
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is not None and size >= 0:
            return self._count(self._stream.read(self._room(size)))
        chunks = []
        while chunk := self._count(self._stream.read(self._room(READ_SIZE))):
            chunks.append(chunk)
        return b"".join(chunks)

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.readline(self._room(size)))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        return list(self)

    def __iter__(self):
        while line := self.readline():
            yield line


def too_large(cap: int, size: int | None, *, uploads: bool) -> HttpResponse:
    sent = (
        f"is {describe_size(size)}" if size is not None else f"is larger than {describe_size(cap)}"
    )
    if uploads:
        takes = (
            f"this page takes at most {describe_size(cap)} in one request: a source file of at "
            f"most {describe_size(settings.SOURCE_MAX_BYTES)}, or a pasted text of at most "
            f"{describe_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}."
        )
    else:
        takes = f"this site takes at most {describe_size(cap)} in one request."
    page = loader.get_template("413.html").render({"problem": f"The request {sent}; {takes}"})
    response = HttpResponse(page, status=413)
    # A page of its own: no script, no style, nothing to load. (SecurityMiddleware, before this
    # one, adds HSTS and the rest.)
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    response["X-Frame-Options"] = "DENY"
    add_never_cache_headers(response)
    return response


def _length(request) -> int | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return length if length >= 0 else None


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _length(request)
        if length is not None:
            if length > request_cap():
                uploads = takes_uploads(request)
                cap = upload_cap() if uploads else request_cap()
                if length > cap:
                    return too_large(cap, length, uploads=uploads)
            return self.get_response(request)
        # No length: Django reads nothing of the body, and no reader may read past the cap.
        stream = request.META.get("wsgi.input")
        if stream is None:  # not a WSGI request
            return self.get_response(request)
        capped = CappedInput(stream, request)
        request.META["wsgi.input"] = capped
        if isinstance(getattr(request, "_stream", None), LimitedStream):
            request._stream = LimitedStream(capped, request._stream.limit)
        try:
            response = self.get_response(request)
        except BodyTooLarge:
            response = None
        over = getattr(request, "_body_over_cap", None)
        if over is not None:
            return too_large(over, None, uploads=takes_uploads(request))
        return response
