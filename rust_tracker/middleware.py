"""Forms take text as it was sent, or refuse it in words.

Django decodes a form's fields with ``errors="replace"``: bytes that are not text in the
declared character set (UTF-8 unless the request names another) would be stored as U+FFFD,
silently, in any admin form. And a form over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (a very long
paste) gets Django's generic 400, which does not say why.

``FormBodyMiddleware`` looks at every POST, PUT and PATCH with a form body before any view or
the CSRF check reads it, and answers 400 with a page that names the problem (the field and
the byte that is not text, the charset, or the limit), changing nothing, when:

- the declared charset is not one Python knows, or is not UTF-8 on a form-encoded body (which
  Django reads as UTF-8 only; ``multipart/form-data`` is read in the charset it declares);
- a field's name or value, once percent-decoded (``application/x-www-form-urlencoded``) or as
  sent (the text fields of ``multipart/form-data``), is not text in that charset;
- the form is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or has more fields or files than
  ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` / ``DATA_UPLOAD_MAX_NUMBER_FILES``.

Uploaded files are not decoded here: source intake reads them by their declared or detected
charset and refuses what no charset reads (``sources/intake/decoding.py``). A multipart body larger
than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is not read into memory to check its text fields: only a
file can make it that large, and the intake form refuses a file over ``SOURCE_MAX_BYTES``
(smaller than that limit), so such a request saves nothing.
"""

import base64
import binascii
import codecs
import contextlib
import io
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import UnreadablePostError
from django.http.multipartparser import (
    FIELD,
    ChunkIter,
    LazyStream,
    MultiPartParserError,
    exhaust,
)
from django.http.multipartparser import Parser as MultiPartParts
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

FORM_METHODS = {"POST", "PUT", "PATCH"}
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


class FormRefused(Exception):
    """A form body refused, with the sentence that says why."""


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB")


def _check_text(raw: bytes, charset: str, what: str) -> None:
    try:
        raw.decode(charset)
    except UnicodeDecodeError as error:
        byte = raw[error.start : error.start + 1].hex().upper()
        raise FormRefused(
            f"{what} is not {charset} text: the byte 0x{byte} at position {error.start} is "
            f"not a character in that encoding. Nothing was saved. Send the text as "
            f"{charset}, or declare the encoding it is in."
        ) from None


def _field_name(raw: bytes, charset: str) -> str:
    try:
        return repr(raw.decode(charset))
    except UnicodeDecodeError:
        return "a field name"


def check_urlencoded(body: bytes, charset: str) -> None:
    """Every name and value, percent-decoded, is text in ``charset``."""
    for pair in body.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        name = unquote_to_bytes(name.replace(b"+", b" "))
        value = unquote_to_bytes(value.replace(b"+", b" "))
        _check_text(name, charset, "A field name")
        _check_text(value, charset, f"The field {_field_name(name, charset)}")


def check_multipart(body: bytes, boundary: bytes, charset: str) -> None:
    """Every text field (not the files) is text in ``charset``."""
    stream = LazyStream(ChunkIter(io.BytesIO(body), 64 * 1024))
    for kind, meta, part in MultiPartParts(stream, boundary):
        if kind != FIELD:
            exhaust(part)
            continue
        name = meta["content-disposition"][1].get("name", b"")
        value = part.read()
        encoding = meta.get("content-transfer-encoding", ("", {}))[0].strip().lower()
        if encoding == "base64":
            try:
                value = base64.b64decode(value)
            except binascii.Error:
                raise FormRefused(
                    f"The field {_field_name(name, charset)} is not valid base64."
                ) from None
        _check_text(value, charset, f"The field {_field_name(name, charset)}")


def check_form(request) -> None:
    """Raise ``FormRefused`` when the form body of ``request`` would be changed by decoding
    or is over a limit; otherwise leave it for Django to parse as usual."""
    # as sent: Django ignores a charset it does not know and reads the form as UTF-8
    declared = request.content_params.get("charset")
    charset = declared or request.encoding or settings.DEFAULT_CHARSET
    try:
        charset = codecs.lookup(charset).name
    except LookupError:
        raise FormRefused(
            f"The form declares the character encoding {charset!r}, which is not one this "
            "site knows. Nothing was saved. Send it as UTF-8."
        ) from None
    if request.content_type == URLENCODED and declared and declared.lower() != "utf-8":
        # Django reads this content type as UTF-8 only (RFC 1866) and refuses any other.
        raise FormRefused(
            f"The form declares the character encoding {declared!r}; a form sent as "
            f"{URLENCODED} is read as UTF-8 only. Nothing was saved. Send it as UTF-8, or as "
            f"{MULTIPART} with its encoding declared."
        )
    try:
        if request.content_type == URLENCODED:
            check_urlencoded(request.body, charset)
        else:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
            boundary = request.content_params.get("boundary", "")
            if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE and boundary:
                # not readable as multipart: Django's own parser says so, below
                with contextlib.suppress(MultiPartParserError, UnicodeEncodeError):
                    check_multipart(request.body, boundary.encode("ascii"), charset)
        request.POST  # noqa: B018 - parsed now, so that the limits below are named here
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raise FormRefused(
            f"The form is too large: this site takes at most {megabytes(limit)} "
            f"({limit:,} bytes) of text in one form, files aside. Nothing was saved. "
            "Shorten the text, or upload it as a file."
        ) from None
    except TooManyFieldsSent:
        raise FormRefused(
            f"The form has too many fields: this site takes at most "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}. Nothing was saved."
        ) from None
    except MultiPartParserError as error:
        raise FormRefused(f"The form could not be read as {MULTIPART}: {error}") from None
    except UnreadablePostError:
        raise FormRefused("The form did not arrive whole. Nothing was saved.") from None
    except TooManyFilesSent:
        raise FormRefused(
            f"The form has too many files: this site takes at most "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES:,}. Nothing was saved."
        ) from None


def refusal(request, problem: str):
    """The 400 page, in the admin's look for the admin, the public site's elsewhere."""
    context = {"problem": problem, "title": "The form was not accepted"}
    template = "400.html"
    if request.path.startswith(reverse("admin:index")):
        template = "admin/400.html"
        context = {**admin.site.each_context(request), **context}
    response = TemplateResponse(request, template, context, status=400)
    response.render()
    add_never_cache_headers(response)
    return response


class FormBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in FORM_METHODS and request.content_type in (URLENCODED, MULTIPART):
            try:
                check_form(request)
            except FormRefused as refused:
                return refusal(request, str(refused))
        return self.get_response(request)
