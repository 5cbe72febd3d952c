"""Source intake: text pasted, uploaded (.txt, .html, .pdf) or fetched from a URL, reduced to
the archived text a source keeps, with the title, date and author found on the way.

No database and no Django settings here: the limits are arguments (the admin passes
``SOURCE_MAX_BYTES``, ``SOURCE_FETCH_TIMEOUT``, ``SOURCE_FETCH_MAX_REDIRECTS`` and
``SOURCE_FETCH_ALLOW_PRIVATE``; a PDF's time and memory limits default to ``PDF_SECONDS`` and
``PDF_MEMORY``). Every refusal is an ``IntakeError`` whose message is what the curator reads.

Text is never silently mangled: bytes are decoded by their byte-order mark, a declared
charset (the HTTP header, an HTML ``<meta>``, the curator's choice), as UTF-8, or by
detection when every likely encoding reads the same; otherwise the curator is asked to choose.

Modules: `errors` (``IntakeError``, sizes in words), `decoding` (bytes to text), `documents`
(pasted text, uploads, HTML and PDF read into a ``Document``; `plaintext` reads a plain
text's headline, byline, date and outlet from its first lines; ``pdfworker.py`` reads a PDF in a
process of its own), `fetch` (a URL fetched within its limits).
"""

from .decoding import ENCODINGS, canonical_encoding, decode
from .documents import (
    ACCEPTED_TYPES,
    PDF_MEMORY,
    PDF_SECONDS,
    UPLOAD_KINDS,
    Document,
    from_paste,
    from_plain_text,
    normalize_text,
    read_bytes,
    read_html,
    read_pdf,
    read_upload,
)
from .errors import IntakeError, describe_size, too_big
from .fetch import check_address, fetch_url

__all__ = [
    "ACCEPTED_TYPES",
    "ENCODINGS",
    "PDF_MEMORY",
    "PDF_SECONDS",
    "UPLOAD_KINDS",
    "Document",
    "IntakeError",
    "canonical_encoding",
    "check_address",
    "decode",
    "describe_size",
    "fetch_url",
    "from_paste",
    "from_plain_text",
    "normalize_text",
    "read_bytes",
    "read_html",
    "read_pdf",
    "read_upload",
    "too_big",
]
