"""Source intake: text pasted, uploaded (.txt, .html, .pdf) or fetched from a URL, reduced to
the archived text a source keeps, with the title, date and author found on the way.

No database and no Django settings here: the limits are arguments (the admin passes
``SOURCE_MAX_BYTES``, ``SOURCE_FETCH_TIMEOUT``, ``SOURCE_FETCH_MAX_REDIRECTS`` and
``SOURCE_FETCH_ALLOW_PRIVATE``; a PDF's time and memory limits default to ``PDF_SECONDS`` and
``PDF_MEMORY``). Every refusal is an ``IntakeError`` whose message is what the curator reads.

Text is never silently mangled: bytes are decoded by their byte-order mark, a declared
charset (the HTTP header, an HTML ``<meta>``, the curator's choice), as UTF-8, or by
detection when every likely encoding reads the same; otherwise the curator is asked to choose.
"""

from __future__ import annotations

import codecs
import contextlib
import http.client
import ipaddress
import json
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from urllib.parse import urljoin, urlsplit

USER_AGENT = "RustTracker/0.1 (source intake)"
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.9"
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}
PDF_TYPES = {"application/pdf"}
ACCEPTED_TYPES = HTML_TYPES | TEXT_TYPES | PDF_TYPES
REDIRECTS = {301, 302, 303, 307, 308}
UPLOAD_KINDS = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".pdf": "application/pdf",
}
# The encodings a curator can choose on the form (labels as the WHATWG names them).
ENCODINGS = [
    ("utf-8", "UTF-8"),
    ("windows-1252", "Western European (windows-1252, ISO-8859-1)"),
    ("iso-8859-15", "Western European with € (ISO-8859-15)"),
    ("windows-1250", "Central European (windows-1250)"),
    ("iso-8859-2", "Central European (ISO-8859-2)"),
    ("windows-1251", "Cyrillic (windows-1251)"),
    ("koi8-r", "Cyrillic (KOI8-R)"),
    ("windows-1253", "Greek (windows-1253)"),
    ("windows-1254", "Turkish (windows-1254)"),
    ("windows-1257", "Baltic (windows-1257)"),
    ("utf-16", "UTF-16"),
    ("shift_jis", "Japanese (Shift JIS)"),
    ("euc-jp", "Japanese (EUC-JP)"),
    ("gb18030", "Chinese, simplified (GB18030)"),
    ("big5", "Chinese, traditional (Big5)"),
    ("euc-kr", "Korean (EUC-KR)"),
    ("mac-roman", "Mac OS Roman"),
]
# As browsers do (WHATWG): pages that say Latin-1 or ASCII are read as windows-1252, whose
# curly quotes and dashes they nearly always contain.
ENCODING_ALIASES = {
    "iso-8859-1": "windows-1252",
    "iso8859-1": "windows-1252",
    "latin-1": "windows-1252",
    "latin1": "windows-1252",
    "l1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
}
BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
MAX_CHAOS = 0.1  # charset-normalizer's mess ratio above which bytes are not taken for text
SAME_CHAOS = 0.01  # candidates this close to the best one are as likely
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
# A PDF's text is read in a process of its own (sources/pdfworker.py), killed past this many
# seconds, its address space capped at this many bytes: a few kilobytes of PDF can inflate to
# megabytes of text operators that take pypdf minutes and gigabytes.
PDF_SECONDS = 10.0
PDF_MEMORY = 1_000_000_000
PDF_WORKER = Path(__file__).with_name("pdfworker.py")
# A fetched page's status line and each header line, and all of them together, in bytes
# (http.client alone takes lines of 64 KB, a hundred of them).
MAX_HEADER_LINE = 16_000
MAX_HEADER_BYTES = 64_000


class IntakeError(Exception):
    """Bad input, refused: ``message`` is written for the curator."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Document:
    """What an intake found: the text to archive and what it offers for the source's fields."""

    text: str
    title: str = ""
    published_on: date | None = None
    author: str = ""
    url: str = ""
    content_type: str = "text/plain"
    encoding: str = ""
    notes: tuple[str, ...] = field(default=())


# --- sizes and text ---------------------------------------------------------------------------


def describe_size(size: int) -> str:
    """'20 MB', '31.2 MB', '512 KB', '900 bytes' (decimal units, as file managers show)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} byte" + ("" if size == 1 else "s")


def too_big(size: int, max_bytes: int, what: str = "The file") -> IntakeError:
    return IntakeError(f"{what} is {describe_size(size)}; the limit is {describe_size(max_bytes)}.")


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
    return Document(text=normalize_text(text, notes), notes=tuple(notes))


# --- decoding ---------------------------------------------------------------------------------


def canonical_encoding(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when the label is unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = ENCODING_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _where(error: UnicodeDecodeError) -> str:
    bad = error.object[error.start : error.start + 1].hex()
    return f"byte 0x{bad} at position {error.start:,}"


def _detect(data: bytes) -> tuple[str, str]:
    """charset-normalizer's reading, kept only when every about-as-likely encoding gives the
    same text: Western, Central European and Cyrillic code pages often tie, and choosing
    among them by chance would mangle the text without a word."""
    from charset_normalizer import from_bytes

    matches = [m for m in list(from_bytes(data))[:8] if m.chaos <= MAX_CHAOS]
    if not matches:
        raise IntakeError(
            "The text is not UTF-8 and no character encoding reads it as text: it may be a "
            "binary file. Save it as UTF-8, or choose its encoding."
        )
    best = min(m.chaos for m in matches)
    likely = [m for m in matches if m.chaos <= best + SAME_CHAOS]
    readings: dict[str, list[str]] = {}
    for match in likely:
        readings.setdefault(str(match), []).extend(match.could_be_from_charset)
    if len(readings) == 1:
        ((text, encodings),) = readings.items()
        return text, min(encodings, key=_commonness)
    texts = list(readings)
    start = next((i for i, chars in enumerate(zip(*texts, strict=False)) if len(set(chars)) > 1), 0)
    left = max(0, start - 20)
    excerpts: dict[str, list[str]] = {}  # readings that differ further on look alike here
    for text, encodings in readings.items():
        names = excerpts.setdefault(text[left : start + 20], [])
        names.append(_label(min(encodings, key=_commonness)))
    options = "; ".join(
        f"{' or '.join(names)}: “{'…' if left else ''}{excerpt}…”"
        for excerpt, names in list(excerpts.items())[:4]
    )
    raise IntakeError(
        "The text is not UTF-8 and its encoding cannot be told for sure; it reads differently "
        f"as {options}. Choose the encoding that reads right and send it again."
    )


COMMON = ["cp1252", "iso8859_15", "cp1250", "cp1251", "iso8859_2", "koi8_r", "cp1253", "cp1254"]


def _commonness(encoding: str) -> int:
    """Where several encodings read the bytes the same, the most widely used is named."""
    name = codecs.lookup(encoding).name
    return COMMON.index(name) if name in COMMON else len(COMMON)


def _label(encoding: str) -> str:
    """The name people know: windows-1252 rather than Python's cp1252."""
    name = codecs.lookup(encoding.removesuffix("-sig")).name.replace("_", "-")
    return "windows-" + name[2:] if re.fullmatch(r"cp125\d", name) else name


def decode(
    data: bytes,
    *,
    declared: str | None = None,
    declared_by: str = "",
    html: bool = False,
    notes: list[str] | None = None,
) -> tuple[str, str]:
    """``data`` as text, and the name of the encoding used.

    A byte-order mark decides. The curator's choice (``declared_by="you"``) must fit the bytes
    or the text is refused. Otherwise valid UTF-8 is read as UTF-8 whatever a server or a
    ``<meta>`` says (legacy text is almost never valid UTF-8 by chance, and a wrong word would
    mangle it); then the server's charset, the page's ``<meta>``; then detection.
    """
    notes = notes if notes is not None else []
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), _label(encoding)
            except UnicodeDecodeError as error:
                raise IntakeError(
                    f"The text starts with a {_label(encoding)} byte-order mark but is not "
                    f"valid {_label(encoding)} ({_where(error)})."
                ) from None
    if declared and declared_by == "you":
        encoding = canonical_encoding(declared)
        if encoding is None:
            raise IntakeError(f"“{declared}” is not a character encoding this app knows.")
        try:
            return data.decode(encoding), _label(encoding)
        except UnicodeDecodeError as error:
            raise IntakeError(
                f"The text is not valid {_label(encoding)} ({_where(error)}): choose another "
                "encoding, or let it be detected."
            ) from None
    claims = []  # (encoding, who said it)
    if declared:
        encoding = canonical_encoding(declared)
        if encoding is None:
            notes.append(f"The declared charset “{declared}” is unknown: it was ignored.")
        else:
            claims.append((encoding, declared_by.capitalize() or "The source"))
    if html:
        meta = META_CHARSET.search(data[:4096])
        encoding = canonical_encoding(meta.group(1).decode("ascii")) if meta else None
        if encoding and not encoding.startswith(("utf-16", "utf-32")):
            claims.append((encoding, "The page's <meta>"))
    if not any(encoding.startswith(("utf-16", "utf-32")) for encoding, _who in claims):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            for encoding, who in claims:
                if encoding != "utf-8" and not text.isascii():
                    notes.append(f"{who} said {_label(encoding)}, but the text is UTF-8.")
                    break
            return text, "utf-8"
    for encoding, who in claims:
        try:
            return data.decode(encoding), _label(encoding)
        except UnicodeDecodeError as error:
            notes.append(
                f"{who} said {_label(encoding)}, but the text is not ({_where(error)}): its "
                "encoding was detected instead."
            )
    text, encoding = _detect(data)
    notes.append(
        f"The text is not UTF-8: read as {_label(encoding)} (detected). Check a few accented "
        "letters and quotation marks."
    )
    return text, _label(encoding)


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
    (``sources/pdfworker.py``): killed after ``seconds``, its memory capped at ``memory`` bytes,
    stopped once the text passes ``max_text`` bytes. A scan with no text layer is refused: this
    app archives text, and OCR is a step for the curator to check."""
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


# --- fetching ---------------------------------------------------------------------------------


def _refused_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local, reserved, shared, multicast or unspecified: anything
    that is not a public internet address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_address(address: str, *, host: str, allow_private: bool) -> None:
    """Refuse a private or loopback address unless the setting allows them."""
    if allow_private:
        return
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _refused_address(ip):
        named = address if host.strip("[]") == address else f"{host} resolves to {address}, which"
        raise IntakeError(
            f"{named} is a private or loopback address: fetching it is turned off "
            "(SOURCE_FETCH_ALLOW_PRIVATE)."
        )


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str


def _target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname or ""
    except ValueError:
        raise IntakeError(f"“{url}” is not a web address.") from None
    if parts.scheme not in ("http", "https"):
        raise IntakeError(f"Only http and https addresses can be fetched, not “{url}”.")
    if not host:
        raise IntakeError(f"“{url}” names no host.")
    if parts.username or parts.password:
        raise IntakeError("Addresses with a user name or password are not fetched.")
    try:
        host.encode("idna")
    except UnicodeError:
        raise IntakeError(f"“{host}” is not a valid host name.") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    default = 443 if parts.scheme == "https" else 80
    return _Target(url.strip(), parts.scheme, host, port or default, path)


def _resolve(target: _Target, *, allow_private: bool) -> list[str]:
    """The addresses to connect to: every address the name resolves to is checked, and the
    connection goes to a checked one (no second lookup for a rebinding to slip into)."""
    try:
        ipaddress.ip_address(target.host)
        addresses = [target.host]
    except ValueError:
        try:
            infos = socket.getaddrinfo(
                target.host.encode("idna").decode("ascii"),
                target.port,
                type=socket.SOCK_STREAM,
            )
        except (OSError, UnicodeError):
            raise IntakeError(f"The host {target.host} could not be found.") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise IntakeError(f"The host {target.host} could not be found.")
    for address in addresses:
        check_address(address, host=target.host, allow_private=allow_private)
    return addresses


class _Deadline:
    """One wall-clock deadline for a whole fetch: every connection (TLS handshake included),
    redirect, status line, header, chunk and byte of body.

    A socket timeout alone does not make one: it starts again at every byte, so a server that
    drips a byte a second holds the fetch for as long as it likes. Each connection waits at most
    what is left, and a watchdog shuts the fetch's sockets down when the deadline passes, which
    ends any read in progress. It shuts down duplicates of the sockets' descriptors, its own,
    closed only by ``release``, so it can never touch a descriptor the system has given to
    something else meanwhile."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.at = time.monotonic() + timeout
        self.passed = False
        self._watched: list[socket.socket] = []
        self._lock = threading.Lock()
        self._watchdog = threading.Timer(timeout, self._expire)
        self._watchdog.daemon = True
        self._watchdog.start()

    def error(self) -> IntakeError:
        return IntakeError(f"The page did not answer within {self.timeout:g} seconds.")

    def left(self) -> float:
        """The seconds left; refused when there are none."""
        left = self.at - time.monotonic()
        if left <= 0 or self.passed:
            raise self.error()
        return left

    def watch(self, sock: socket.socket) -> None:
        duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
        with self._lock:
            self._watched.append(duplicate)
            if self.passed:
                _shut(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.passed = True
            for duplicate in self._watched:
                _shut(duplicate)

    def release(self) -> None:
        """Closes the duplicates (once the fetch has closed its connection)."""
        with self._lock:
            for duplicate in self._watched:
                duplicate.close()
            self._watched.clear()

    def stop(self) -> None:
        self._watchdog.cancel()
        self.release()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # not connected any more
        sock.shutdown(socket.SHUT_RDWR)


class _CappedLines:
    """A response's stream whose lines are capped: the status line and each header line at
    ``MAX_HEADER_LINE`` bytes, all of them together at ``MAX_HEADER_BYTES``, and after them
    each line of a chunked body's framing at ``MAX_HEADER_LINE`` too."""

    def __init__(self, fp):
        self._fp = fp
        self.in_headers = True
        self._header_bytes = 0

    def __getattr__(self, name):
        return getattr(self._fp, name)

    def readline(self, limit: int | None = -1) -> bytes:
        most = MAX_HEADER_LINE + 2  # the line and its CRLF
        line = self._fp.readline(most + 1 if limit is None or limit < 0 else min(limit, most + 1))
        if len(line) > most:
            where = "a header line" if self.in_headers else "a chunk's framing line"
            raise IntakeError(
                f"The page sent {where} longer than {describe_size(MAX_HEADER_LINE)}: "
                "it was not fetched."
            )
        if self.in_headers:
            self._header_bytes += len(line)
            if self._header_bytes > MAX_HEADER_BYTES:
                raise IntakeError(
                    f"The page sent more than {describe_size(MAX_HEADER_BYTES)} of headers: "
                    "it was not fetched."
                )
        return line


class _Response(http.client.HTTPResponse):
    """http.client's response, its status line and headers read through ``_CappedLines``."""

    def __init__(self, sock, *args, **kwargs):
        super().__init__(sock, *args, **kwargs)
        self.fp = _CappedLines(self.fp)

    def begin(self):
        super().begin()
        if self.fp is not None:  # None when a HEAD or a body-less answer closed it
            self.fp.in_headers = False


def _connection(
    target: _Target, addresses: list[str], deadline: _Deadline
) -> http.client.HTTPConnection:
    timeout = deadline.left()
    if target.scheme == "https":
        conn = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def pinned(_address, timeout=timeout, source_address=None):
        failure = OSError(f"no address for {target.host}")
        for address in addresses:  # e.g. ::1 then 127.0.0.1, as create_connection does
            try:
                sock = socket.create_connection(
                    (address, target.port), deadline.left(), source_address
                )
            except OSError as error:
                failure = error
                continue
            try:
                deadline.watch(sock)  # before the TLS handshake, which reads from it too
            except OSError:  # no descriptor left for the duplicate
                sock.close()
                raise
            return sock
        raise failure

    conn._create_connection = pinned  # TLS still checks the certificate against the host name
    conn.response_class = _Response
    return conn


def _phrase(status: int, reason: str) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} {reason}".strip()


def fetch_url(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
    pdf_seconds: float = PDF_SECONDS,
    pdf_memory: int = PDF_MEMORY,
) -> Document:
    """Fetch ``url`` and read it as a document.

    One deadline of ``timeout`` seconds for the whole fetch (``_Deadline``), redirects
    included; at most ``max_redirects`` redirects, each hop's address checked; at most
    ``max_bytes`` read; status line and headers capped (``MAX_HEADER_LINE``,
    ``MAX_HEADER_BYTES``); HTML, XHTML, plain text and PDF only (a PDF read within
    ``pdf_seconds`` and ``pdf_memory``, once fetched).
    """
    deadline = _Deadline(timeout)
    seen = {url.strip()}
    current = url.strip()
    try:
        for _hop in range(max_redirects + 1):
            target = _target(current)
            status, reason, headers, body = _get(
                target, deadline=deadline, max_bytes=max_bytes, allow_private=allow_private
            )
            if status not in REDIRECTS:
                break
            location = headers.get("Location")
            if not location:
                raise IntakeError(
                    f"The page answered {_phrase(status, reason)} without saying where to."
                )
            following = urljoin(current, location.strip())
            if following in seen:
                raise IntakeError(f"The page redirects in a loop (back to {following}).")
            seen.add(following)
            current = following
        else:
            raise IntakeError(
                f"The page redirected more than {max_redirects} times: it was not fetched."
            )
    finally:
        deadline.stop()
    if headers.get("Content-Type"):
        content_type = headers.get_content_type().lower()
    else:
        content_type = _sniff(body)
    return read_bytes(
        body,
        content_type=content_type,
        charset=headers.get_content_charset(),
        declared_by="the server",
        url=current,
        max_text=max_bytes,
        pdf_seconds=pdf_seconds,
        pdf_memory=pdf_memory,
    )


def _get(target: _Target, *, deadline: _Deadline, max_bytes: int, allow_private):
    """One GET: the status, reason, headers and (for a final answer) the body."""
    addresses = _resolve(target, allow_private=allow_private)
    conn = _connection(target, addresses, deadline)
    try:
        conn.connect()
        peer = conn.sock.getpeername()[0]
        check_address(peer, host=target.host, allow_private=allow_private)
        conn.request(
            "GET",
            target.path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, identity",
            },
        )
        conn.sock.settimeout(deadline.left())  # no read waits longer; the watchdog ends drips
        response = conn.getresponse()
        deadline.left()  # the watchdog's shutdown reads as an early end of the headers
        status, reason, headers = response.status, response.reason, response.headers
        if status in REDIRECTS:
            return status, reason, headers, b""
        if status != 200:
            raise IntakeError(f"The page answered {_phrase(status, reason)}.")
        _check_type(headers)
        length = headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise too_big(int(length), max_bytes, "The page")
        body = _read(response, deadline=deadline, max_bytes=max_bytes)
        return status, reason, headers, _decompress(body, headers, max_bytes)
    except IntakeError:
        raise
    except (OSError, http.client.HTTPException) as error:
        # past the deadline, whatever the watchdog's shutdown looked like: a timeout
        if deadline.passed or isinstance(error, TimeoutError):
            raise deadline.error() from None
        if isinstance(error, ssl.SSLError):
            raise IntakeError(
                f"The secure connection to {target.host} failed ({error.reason or error})."
            ) from None
        if isinstance(error, ConnectionRefusedError):
            raise IntakeError(f"{target.host} refused the connection.") from None
        raise IntakeError(
            f"The page could not be fetched from {target.host} ({type(error).__name__})."
        ) from None
    finally:
        conn.close()
        deadline.release()


def _sniff(body: bytes) -> str:
    """The kind of a body whose server did not say."""
    if body.startswith(b"%PDF-"):
        return "application/pdf"
    head = body[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return "text/plain"


def _check_type(headers) -> None:
    if not headers.get("Content-Type"):
        return  # said nothing: the bytes are looked at (a PDF by its signature)
    content_type = headers.get_content_type().lower()
    if content_type not in ACCEPTED_TYPES:
        raise IntakeError(
            f"The page is {content_type}, not a web page, text or PDF: it was not fetched."
        )


def _read(response, *, deadline: _Deadline, max_bytes: int) -> bytes:
    chunks, size = [], 0
    while True:
        deadline.left()
        chunk = response.read1(min(65536, max_bytes + 1 - size))
        if not chunk:
            deadline.left()  # an end of the body, or the watchdog's shutdown
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise IntakeError(f"The page is larger than the limit of {describe_size(max_bytes)}.")


def _decompress(body: bytes, headers, max_bytes: int) -> bytes:
    encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise IntakeError(f"The page is compressed as “{encoding}”, which this app cannot read.")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, by the header
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        raise IntakeError("The page's compressed body is damaged.") from None
    if len(data) > max_bytes or inflater.unconsumed_tail:
        raise IntakeError(f"The page is larger than the limit of {describe_size(max_bytes)}.")
    return data
