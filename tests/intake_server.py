"""A local HTTP server for the intake tests (127.0.0.1 only, started and stopped by the test)
and a hand-built PDF, since pypdf does not write text."""

from __future__ import annotations

import ssl
import subprocess
import threading
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
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


REPORT_PDF = pdf_bytes(
    ["Report of the investigation", "The revolver would not fire without the trigger pulled."],
    title="Forensic report",
    author="Example Laboratory",
)


class Handler(BaseHTTPRequestHandler):
    stop: threading.Event  # set by the server: the slow pages stop waiting

    def log_message(self, format, *args):  # quiet test output
        pass

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
