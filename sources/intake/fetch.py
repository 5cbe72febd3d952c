"""Fetching a page: one deadline for the whole fetch, every hop's address checked, sizes and
header lines capped, and the body read as a document."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .documents import ACCEPTED_TYPES, PDF_MEMORY, PDF_SECONDS, Document, read_bytes
from .errors import IntakeError, describe_size, too_big

__all__ = ["Fetched", "check_address", "fetch_page", "fetch_url"]

USER_AGENT = "RustTracker/0.1 (source intake)"
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.9"
REDIRECTS = {301, 302, 303, 307, 308}
# A fetched page's status line and each header line, and all of them together, in bytes
# (http.client alone takes lines of 64 KB, a hundred of them).
MAX_HEADER_LINE = 16_000
MAX_HEADER_BYTES = 64_000


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


@dataclass(frozen=True)
class Fetched:
    """A conditional fetch's answer: 304 (``document`` None: the page is as it was) or 200,
    with the final answer's headers (its ETag and Last-Modified, for the next request)."""

    status: int
    headers: object  # the final answer's http.client headers
    document: Document | None
    body: bytes = b""  # the bytes as they came (decompressed)


def fetch_url(url: str, **limits) -> Document:
    """Fetch ``url`` and read it as a document (``fetch_page``, unconditional)."""
    return fetch_page(url, **limits).document


def fetch_page(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
    pdf_seconds: float = PDF_SECONDS,
    pdf_memory: int = PDF_MEMORY,
    etag: str = "",
    last_modified: str = "",
    user_agent: str = USER_AGENT,
) -> Fetched:
    """Fetch ``url`` and read it as a document.

    ``etag`` and ``last_modified`` (from an earlier answer) make the request conditional
    (If-None-Match, If-Modified-Since): a 304 answer comes back with no document.

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
                target,
                deadline=deadline,
                max_bytes=max_bytes,
                allow_private=allow_private,
                conditional=_conditional(etag, last_modified),
                user_agent=user_agent,
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
    if status == 304:
        return Fetched(status, headers, None)
    if headers.get("Content-Type"):
        content_type = headers.get_content_type().lower()
    else:
        content_type = _sniff(body)
    document = read_bytes(
        body,
        content_type=content_type,
        charset=headers.get_content_charset(),
        declared_by="the server",
        url=current,
        max_text=max_bytes,
        pdf_seconds=pdf_seconds,
        pdf_memory=pdf_memory,
    )
    return Fetched(status, headers, document, body)


def _conditional(etag: str, last_modified: str) -> dict[str, str]:
    """The validators of an earlier answer, as request headers (header-safe: no line breaks)."""
    headers = {}
    if etag and "\r" not in etag and "\n" not in etag:
        headers["If-None-Match"] = etag
    if last_modified and "\r" not in last_modified and "\n" not in last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _get(
    target: _Target,
    *,
    deadline: _Deadline,
    max_bytes: int,
    allow_private,
    conditional: dict[str, str] | None = None,
    user_agent: str = USER_AGENT,
):
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
                "User-Agent": user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, identity",
                **(conditional or {}),
            },
        )
        conn.sock.settimeout(deadline.left())  # no read waits longer; the watchdog ends drips
        response = conn.getresponse()
        deadline.left()  # the watchdog's shutdown reads as an early end of the headers
        status, reason, headers = response.status, response.reason, response.headers
        if status in REDIRECTS or (status == 304 and conditional):
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
