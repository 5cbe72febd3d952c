"""A local HTTP server for the intake tests (127.0.0.1 only, started and stopped by the test),
a TCP server that drips bytes (a TLS handshake that never ends), and hand-built PDFs, since
pypdf does not write text."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLE = """<!doctype html><html><head><meta charset="utf-8">
<title>Armorer found guilty | The Daily Example</title>
<meta property="og:title" content="Armorer found guilty of involuntary manslaughter">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2024-03-06T18:00:00Z">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a> Subscribe now!</nav>
<article><h1>Armorer found guilty of involuntary manslaughter</h1>
<p>A jury in Santa Fe found the armorer guilty on Wednesday after a two-week trial.</p>
<p>“We are grateful for the verdict,” the prosecutor said outside the courthouse.</p>
<p>The defence said it would appeal. The sentencing is set for April.</p>
</article><footer>Copyright 2024 The Daily Example. All rights reserved.</footer></body></html>
"""
LATIN_TEXT = "The sheriff’s office said: “The investigation is ongoing.” — Café"
BIG = 4000  # bytes in the oversized bodies; the tests' limit is below it
DRIP_INTERVAL = 0.05  # seconds between two bytes of a dripped answer
DRIP_BYTES = 60  # so a dripped answer takes 3 seconds: far past the tests' deadlines


def pdf_bytes(lines: list[str], *, title: str = "", author: str = "") -> bytes:
    """A one-page PDF with ``lines`` in Helvetica and a correct cross-reference table.
    No lines: a page with no text layer, as a scan has."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT /F1 12 Tf 72 720 Td 14 TL"]
    ops += [f"({escape(line)}) Tj T*" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1") if lines else b""
    info = f"<< /Title ({escape(title)}) /Author ({escape(author)}) >>".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info,
    ]
    return _pdf_file(objects, trailer=b"/Info 6 0 R ")


def _pdf_file(objects: list[bytes], *, trailer: bytes = b"") -> bytes:
    """The numbered ``objects`` as a PDF file with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def pdf_pages(streams: list[bytes]) -> bytes:
    """A PDF with one page per content stream, each stream FlateDecode-compressed, and a
    correct cross-reference table."""
    pages = len(streams)
    font = 3 + 2 * pages
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages)), pages),
    ]
    for i, stream in enumerate(streams):
        packed = zlib.compress(stream, 9)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font)
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return _pdf_file(objects)


def text_operators(size: int) -> bytes:
    """A page's content stream of ``size`` bytes that is nothing but text shown: a few kilobytes
    once compressed, a long read for a PDF reader."""
    unit = b"(Lorem ipsum) Tj T* "
    return b"BT /F1 12 Tf 72 720 Td 14 TL\n" + unit * (size // len(unit)) + b"\nET"


REPORT_PDF = pdf_bytes(
    ["Report of the investigation", "The revolver would not fire without the trigger pulled."],
    title="Forensic report",
    author="Example Laboratory",
)


class Handler(BaseHTTPRequestHandler):
    stop: threading.Event  # set by the server: the slow pages stop waiting

    def log_message(self, format, *args):  # quiet test output
        pass

    def drip(self, head: bytes, drip: bytes, tail: bytes) -> None:
        """``head`` at once, then ``drip`` a byte at a time (each byte well inside any socket
        timeout), then ``tail``: an answer that comes, but never in time."""
        try:
            self.wfile.write(head)
            for byte in drip:
                if self.server.stop.wait(DRIP_INTERVAL):
                    return
                self.wfile.write(bytes([byte]))
            self.wfile.write(tail)
        except OSError:  # the client gave up: that is the point
            pass
        self.close_connection = True

    def send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        if path == "/article":
            self.send(200, ARTICLE.encode(), "text/html; charset=utf-8")
        elif path == "/latin":
            self.send(200, LATIN_TEXT.encode("cp1252"), "text/plain; charset=windows-1252")
        elif path == "/report.pdf":
            self.send(200, REPORT_PDF, "application/pdf")
        elif path == "/slow":
            self.server.stop.wait(5)
            self.send(200, b"too late", "text/plain")
        elif path == "/trickle":  # answers at once, then a byte at a time
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(50):
                if self.server.stop.wait(0.1):
                    break
                self.wfile.write(b"x")
                self.wfile.flush()
        elif path == "/slow-status":  # the status line itself, a byte at a time
            self.drip(b"", b"HTTP/1.1 200 OK" + b" " * DRIP_BYTES + b"\r\n", DRIPPED_REST)
        elif path == "/slow-header":  # one header line, a byte at a time
            self.drip(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n",
                b"X-Drip: " + b"a" * DRIP_BYTES + b"\r\n",
                b"Content-Length: 2\r\n\r\nok",
            )
        elif path == "/slow-chunk":  # a chunk-size line, a byte at a time
            self.drip(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                b"0" * DRIP_BYTES,
                b"5\r\nworld\r\n0\r\n\r\n",
            )
        elif path == "/to-slow-header":  # the deadline is the whole fetch's, not a hop's
            self.send(302, b"", "text/plain", Location="/slow-header")
        elif path == "/long-header":  # one header line of 60 KB (http.client takes 64 KB)
            self.send(200, b"ok", "text/plain", X_Long="a" * 60_000)
        elif path == "/many-headers":  # 90 lines of 1 KB each: 90 KB of headers
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            for number in range(90):
                self.send_header(f"X-Many-{number}", "a" * 1000)
            self.end_headers()
            self.wfile.write(b"ok")
        elif path == "/image.png":
            self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        elif path == "/big":
            self.send(200, b"a" * BIG, "text/plain")
        elif path == "/big-unannounced":  # no Content-Length: the read itself must stop
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"a" * BIG)
            self.close_connection = True
        elif path == "/loop":
            self.send(302, b"", "text/plain", Location="/loop")
        elif path.startswith("/hop/"):
            number = int(path.rsplit("/", 1)[1])
            self.send(302, b"", "text/plain", Location=f"/hop/{number + 1}")
        elif path == "/moved":
            self.send(301, b"", "text/plain", Location="/article")
        else:
            self.send(404, b"no such page", "text/plain")


DRIPPED_REST = b"Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


@contextmanager
def dripping(head: bytes, drip: bytes) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that reads what a client sends, answers ``head`` and then
    ``drip`` a byte at a time: e.g. the start of a TLS handshake record that never ends.
    Yields its https URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # so that the accepting thread sees the stop
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(head)
                for byte in drip:
                    if stop.wait(DRIP_INTERVAL):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                pass

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 only (not for "localhost"), and its key, made by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@contextmanager
def serving(tls: tuple[Path, Path] | None = None) -> Iterator[str]:
    """A server on a free port of 127.0.0.1 for the test's duration: yields its base URL.
    ``tls``: a certificate and key to serve https with."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    server.stop = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        scheme = "https" if tls else "http"
        yield f"{scheme}://127.0.0.1:{server.server_port}"
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
