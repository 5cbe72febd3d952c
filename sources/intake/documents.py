"""Documents: the text a source archives, with its title, date and author, from pasted text,
an uploaded file or bytes of a known kind (plain text, HTML, PDF).

A PDF's text is read in a process of its own (``pdfworker.py`` beside this module)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath

from .decoding import decode
from .errors import IntakeError, describe_size, too_big
from .plaintext import read_heading

__all__ = [
    "ACCEPTED_TYPES",
    "PDF_MEMORY",
    "PDF_SECONDS",
    "UPLOAD_KINDS",
    "Document",
    "from_paste",
    "from_plain_text",
    "normalize_text",
    "read_bytes",
    "read_html",
    "read_pdf",
    "read_upload",
]

HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
PDF_TYPES = {"application/pdf"}
ACCEPTED_TYPES = HTML_TYPES | TEXT_TYPES | PDF_TYPES
UPLOAD_KINDS = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".pdf": "application/pdf",
}
TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
# A PDF's text is read in a process of its own (sources/intake/pdfworker.py), killed past this
# many seconds, its address space capped at this many bytes: a few kilobytes of PDF can inflate
# to megabytes of text operators that take pypdf minutes and gigabytes.
PDF_SECONDS = 10.0
PDF_MEMORY = 1_000_000_000
PDF_WORKER = Path(__file__).with_name("pdfworker.py")


@dataclass(frozen=True)
class Document:
    """What an intake found: the text to archive and what it offers for the source's fields."""

    text: str
    title: str = ""
    published_on: date | None = None
    author: str = ""
    outlet: str = ""  # the outlet's name as the document gives it
    kind: str = ""  # a source kind its form shows ("letter", "transcript"), or ""
    url: str = ""
    content_type: str = "text/plain"
    encoding: str = ""
    notes: tuple[str, ...] = field(default=())


def normalize_text(text: str, notes: list[str] | None = None) -> str:
    """Line endings to ``\\n``, once; NUL characters (PostgreSQL cannot store them) removed
    with a note; whitespace around the whole text trimmed. Refuses what looks binary."""
    nuls = text.count("\x00")
    if nuls:
        if nuls > max(len(text) // 100, 10):
            raise IntakeError(
                f"The text holds {nuls:,} NUL characters: it looks like a binary file, not text."
            )
        text = text.replace("\x00", "")
        if notes is not None:
            notes.append(f"{nuls} NUL character(s) removed from the text.")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def from_paste(text: str, *, max_bytes: int | None = None) -> Document:
    notes: list[str] = []
    if max_bytes is not None and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise too_big(len(text.encode("utf-8", "surrogatepass")), max_bytes, "The text")
    return from_plain_text(normalize_text(text, notes), notes=tuple(notes))


def from_plain_text(text: str, **fields) -> Document:
    """A plain text with what its first lines give: headline, byline, date, outlet."""
    heading = read_heading(text)
    return Document(
        text=text,
        title=heading.title,
        published_on=heading.published_on,
        author=heading.author,
        outlet=heading.outlet,
        kind=heading.kind,
        **fields,
    )


# --- HTML and PDF -----------------------------------------------------------------------------


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def read_html(html: str, *, url: str = "") -> tuple[str, str, date | None, str, list[str]]:
    """The article text, title, date and author of an HTML page (trafilatura), the page's
    <title> when it names none; the page's whole text, with a note, when no article is found."""
    import trafilatura

    notes = []
    try:
        found = trafilatura.bare_extraction(
            html, url=url or None, with_metadata=True, include_comments=False
        )
    except Exception:  # a parser on hostile input: any failure is "unreadable", never a 500
        found = None
    text = (getattr(found, "text", None) or "").strip()
    title = (getattr(found, "title", None) or "").strip()
    if not title:
        match = TITLE_TAG.search(html)
        title = re.sub(r"\s+", " ", match.group(1)).strip() if match else ""
    if not text:
        try:
            text = (trafilatura.html2txt(html) or "").strip()
        except Exception:
            text = ""
        if text:
            notes.append("No article was found in the page: its whole text was kept.")
    if not text:
        raise IntakeError("The page has no text to archive.")
    author = (getattr(found, "author", None) or "").strip()
    return text, title, _parse_date(getattr(found, "date", None)), author, notes


def _seconds(seconds: float) -> str:
    return f"{seconds:g} second" + ("" if seconds == 1 else "s")


def read_pdf(
    data: bytes,
    *,
    seconds: float = PDF_SECONDS,
    memory: int = PDF_MEMORY,
    max_text: int | None = None,
) -> tuple[str, str, str]:
    """The text layer of a PDF (pypdf), its title and author, read in a process of its own
    (``sources/intake/pdfworker.py``): killed after ``seconds``, its memory capped at
    ``memory`` bytes, stopped once the text passes ``max_text`` bytes. A scan with no text layer
    is refused: this app archives text, and OCR is a step for the curator to check."""
    overwhelm = (
        "so it was not taken in: it may be built to overwhelm a reader. Paste its text instead."
    )
    limit = max_text if max_text is not None else sys.maxsize
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(PDF_WORKER), str(limit), str(memory)],
            input=data,
            capture_output=True,
            timeout=seconds,
            env={},  # the worker needs no secret of the site's
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed it
        raise IntakeError(
            f"The PDF took more than {_seconds(seconds)} to read, {overwhelm}"
        ) from None
    try:
        found = json.loads(done.stdout.decode("utf-8", "surrogatepass"))
    except ValueError:  # no answer: the worker died (a crash in the parser, or out of memory)
        found = {}
    if not isinstance(found, dict):
        found = {}
    refused = found.get("refused")
    if refused == "encrypted":
        raise IntakeError("The PDF is password-protected: save an unprotected copy first.")
    if refused == "memory":
        raise IntakeError(
            f"The PDF needs more than {describe_size(memory)} of memory to read, {overwhelm}"
        )
    if refused == "text":
        raise IntakeError(f"The PDF's text is larger than the limit of {describe_size(limit)}.")
    if refused or not isinstance(found.get("pages"), list):
        raise IntakeError("The file is not a readable PDF (it may be damaged).")
    title, author = found.get("title", "").strip(), found.get("author", "").strip()
    text = "\n\n".join(page.strip() for page in found["pages"] if page.strip())
    if len(text.encode("utf-8", "surrogatepass")) > limit:
        raise IntakeError(f"The PDF's text is larger than the limit of {describe_size(limit)}.")
    if not text:
        raise IntakeError(
            "The PDF has no text layer (it is probably a scan): run it through OCR, or paste "
            "the text."
        )
    return text, title, author


def read_bytes(
    data: bytes,
    *,
    content_type: str,
    charset: str | None = None,
    declared_by: str = "",
    url: str = "",
    notes: list[str] | None = None,
    max_text: int | None = None,
    pdf_seconds: float = PDF_SECONDS,
    pdf_memory: int = PDF_MEMORY,
) -> Document:
    """A document from its bytes and what kind it is (one of ``ACCEPTED_TYPES``); a PDF's
    text is read within ``pdf_seconds``, ``pdf_memory`` and ``max_text`` (bytes)."""
    notes = notes if notes is not None else []
    title, author, published_on, encoding = "", "", None, ""
    if content_type in PDF_TYPES or data.startswith(b"%PDF-"):
        if not data.startswith(b"%PDF-"):
            raise IntakeError("The file is not a PDF (it does not start with %PDF).")
        text, title, author = read_pdf(
            data, seconds=pdf_seconds, memory=pdf_memory, max_text=max_text
        )
        content_type = "application/pdf"
    elif content_type in HTML_TYPES:
        html, encoding = decode(
            data, declared=charset, declared_by=declared_by, html=True, notes=notes
        )
        text, title, published_on, author, found_notes = read_html(html, url=url)
        notes.extend(found_notes)
    else:
        text, encoding = decode(data, declared=charset, declared_by=declared_by, notes=notes)
    text = normalize_text(text, notes)
    if not text:
        raise IntakeError("There is no text in it.")
    if content_type in TEXT_TYPES or content_type not in ACCEPTED_TYPES:
        return from_plain_text(
            text, url=url, content_type=content_type, encoding=encoding, notes=tuple(notes)
        )
    return Document(
        text=text,
        title=title[:300],
        published_on=published_on,
        author=author[:200],
        url=url,
        content_type=content_type,
        encoding=encoding,
        notes=tuple(notes),
    )


def read_upload(
    name: str,
    data: bytes,
    *,
    declared_charset: str | None = None,
    max_bytes: int,
    pdf_seconds: float = PDF_SECONDS,
    pdf_memory: int = PDF_MEMORY,
) -> Document:
    """An uploaded .txt, .html or .pdf file; ``declared_charset`` is the curator's choice. A
    PDF's text may not be larger than ``max_bytes`` either."""
    if len(data) > max_bytes:
        raise too_big(len(data), max_bytes)
    suffix = PurePath(name or "").suffix.lower()
    content_type = UPLOAD_KINDS.get(suffix)
    if content_type is None:
        kinds = ", ".join(sorted(UPLOAD_KINDS))
        raise IntakeError(
            f"Only these files can be read: {kinds} (this one is “{suffix or name}”)."
        )
    if not data:
        raise IntakeError("The file is empty.")
    return read_bytes(
        data,
        content_type=content_type,
        charset=declared_charset or None,
        declared_by="you",
        max_text=max_bytes,
        pdf_seconds=pdf_seconds,
        pdf_memory=pdf_memory,
    )
