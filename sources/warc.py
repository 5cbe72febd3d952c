"""A capture's original bytes and response headers as a WARC record (ISO 28500, the web
archives' format: replayable by their tools), written and read with warcio.

A fetched page is a ``response`` record (its status line and headers, then the body as it came);
an uploaded file a ``resource`` record (its content type; ``urn:upload:<name>`` when it has no
address). The record is gzipped, as archives keep them (a ``.warc.gz`` file of one record).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


def _pairs(headers: Headers | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    # header-safe: a value with a line break would forge another header
    return [
        (str(name), " ".join(str(value).splitlines()))
        for name, value in items
        if "\n" not in str(name) and "\r" not in str(name)
    ]


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(
    *,
    body: bytes,
    url: str,
    taken_at: datetime,
    headers: Headers | None = None,
    status: int | None = 200,
    reason: str = "OK",
) -> bytes:
    """One gzipped WARC record of ``body``: a ``response`` with ``status`` and ``headers``
    (what the server sent), or, with ``status`` None, a ``resource`` (an uploaded file;
    ``headers`` may give its Content-Type)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    pairs = _pairs(headers)
    warc_headers = {"WARC-Date": _iso(taken_at)}
    if status is None:
        content_type = next(
            (value for name, value in pairs if name.lower() == "content-type"),
            "application/octet-stream",
        )
        made = writer.create_warc_record(
            url,
            "resource",
            payload=io.BytesIO(body),
            length=len(body),
            warc_content_type=content_type,
            warc_headers_dict=warc_headers,
        )
    else:
        # the body is kept as it came: a Content-Length the server sent may describe an encoded
        # transfer, so warcio is told the stored length
        pairs = [(n, v) for n, v in pairs if n.lower() not in ("content-length",)]
        http = StatusAndHeaders(
            f"{status} {reason}".strip(), pairs, protocol="HTTP/1.1", is_http_request=False
        )
        made = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            warc_headers_dict=warc_headers,
            http_headers=http,
        )
    writer.write_record(made)
    return out.getvalue()


def read(data: bytes) -> tuple[dict[str, str], list[tuple[str, str]], bytes]:
    """The record's WARC headers, HTTP headers (none for a resource) and body."""
    for found in ArchiveIterator(io.BytesIO(data)):
        http = found.http_headers.headers if found.http_headers else []
        return dict(found.rec_headers.headers), list(http), found.content_stream().read()
    raise ValueError("No WARC record in these bytes.")
