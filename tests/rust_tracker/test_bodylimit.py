"""Request bodies are capped before anything reads them (rust_tracker/bodylimit.py): 5 MB for
any request, more for the source form that takes a pasted text or an uploaded file of
SOURCE_MAX_BYTES. A body over its cap is a 413 with a short page, its bytes left unread; a body
sent without a Content-Length (chunked) cannot be read past the cap.

A real HTTP server (wsgiref, serving the site's WSGI application on 127.0.0.1) shows that the
refusal does not wait for the body; the test client, with an input stream that counts what is
read, shows that none of it is."""

import html
import re
import socket
import threading
import time
from io import BytesIO
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from sources.models import Source
from tests.helpers import BOUNDARY, multipart, user

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
REQUEST_CAP = 5_000_000  # SECURITY.md: "requests are capped at 5 MB"
INTAKE = reverse("admin:sources_source_add")


class Counted:
    """A request's input stream that counts the bytes read from it; ``size`` of them, or
    endless (a chunked body that never ends)."""

    def __init__(self, size: int | None = None):
        self.size = size
        self.read_bytes = 0

    def _take(self, size: int | None) -> bytes:
        left = 64 * 1024 if self.size is None else self.size - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        self.read_bytes += size
        return b"a" * size

    def read(self, size: int | None = -1) -> bytes:
        return self._take(size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._take(size)


def words(response) -> str:
    return html.unescape(response.content.decode())


def post_counted(client: Client, url: str, size: int, content_type: str = URLENCODED):
    """A POST that declares ``size`` bytes of body; returns the answer and the stream."""
    body = Counted(size)
    response = client.generic(
        "POST",
        url,
        CONTENT_LENGTH=str(size),
        CONTENT_TYPE=content_type,
        **{"wsgi.input": body},
    )
    return response, body


def test_a_20_mb_anonymous_form_is_refused_with_413_unread():
    """It was read and parsed (3.9 s) before the CSRF check refused it."""
    client = Client(enforce_csrf_checks=True)
    started = time.monotonic()
    response, body = post_counted(client, reverse("claims:claim_list"), 20_000_000)
    took = time.monotonic() - started
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert "The request is 20 MB; this site takes at most 5 MB in one request." in words(response)
    assert took < 3, f"took {took:.2f} s"  # reading it took 3.9 s on an idle machine


def test_the_cap_is_5_mb():
    client = Client(enforce_csrf_checks=True)
    url = reverse("claims:claim_list")
    response, body = post_counted(client, url, REQUEST_CAP + 1)
    assert (response.status_code, body.read_bytes) == (413, 0)
    response, body = post_counted(client, url, REQUEST_CAP)
    assert response.status_code == 403  # through to the CSRF check, which reads it
    assert body.read_bytes == REQUEST_CAP


def test_the_413_page_is_short_and_carries_the_security_headers():
    response, _body = post_counted(Client(), reverse("claims:home"), 6_000_000)
    assert response.status_code == 413
    assert len(response.content) < 2000
    assert "That request is too large" in words(response)
    assert "Nothing was read or saved." in words(response)
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_source_form_has_the_larger_cap_and_refuses_past_it_unread():
    upload_cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1_000_000
    response, body = post_counted(Client(), INTAKE, upload_cap + 1, MULTIPART)
    assert (response.status_code, body.read_bytes) == (413, 0)
    assert (
        "The request is 22 MB; this page takes at most 22 MB in one request: a source file of "
        "at most 20 MB, or a pasted text of at most 21 MB."
    ) in words(response)


def test_a_paste_just_over_its_limit_still_gets_the_form_s_400_naming_it():
    """Between the paste limit (21 MB) and the source form's cap (22 MB) the form's own
    refusal (rust_tracker/middleware.py) speaks: it names the limit a paste has."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response, body = post_counted(Client(), INTAKE, limit + 1000)
    assert response.status_code == 400
    assert f"at most 21 MB ({limit:,} bytes) of text in one form" in words(response)
    assert body.read_bytes == 0  # Django refuses it by its length too


@pytest.mark.django_db
def test_the_source_form_takes_a_file_at_its_cap():
    """A file of SOURCE_MAX_BYTES, with the form's fields, is over 5 MB and still taken."""
    editor = Client()
    editor.force_login(user("Editor"))
    line = b"All work and no play makes the archive complete.\n"
    text = line * (settings.SOURCE_MAX_BYTES // len(line))
    text += b"." * (settings.SOURCE_MAX_BYTES - len(text))
    body = multipart(
        {"title": b"At the cap", "slug": b"at-the-cap", "kind": b"article", "text": b""},
        files={"upload": ("cap.txt", text)},
    )
    assert len(body) > REQUEST_CAP
    response = editor.generic("POST", INTAKE, body, MULTIPART)
    assert response.status_code == 302, words(response)[-3000:]
    assert len(Source.objects.get(slug="at-the-cap").text) == len(text.strip())


def test_a_body_without_a_length_cannot_be_read_past_the_cap():
    """Chunked: no Content-Length to refuse by. The input stream is capped instead, and a
    reader that goes past it gets a 413, whatever it did with the error."""
    from rust_tracker.bodylimit import BodyLimitMiddleware

    def reads_it_all(request):
        request.META["wsgi.input"].read()
        return HttpResponse("read it all")

    def swallows_errors(request):  # as Django's handler does, turning them into a 400 or 500
        try:
            request.META["wsgi.input"].read()
        except Exception:
            return HttpResponse(status=400)
        return HttpResponse("read it all")

    for app in (reads_it_all, swallows_errors):
        endless = Counted()
        request = RequestFactory().generic(
            "POST",
            "/",
            CONTENT_TYPE=URLENCODED,
            HTTP_TRANSFER_ENCODING="chunked",
            **{"wsgi.input": endless},
        )
        assert "CONTENT_LENGTH" not in request.META
        response = BodyLimitMiddleware(app)(request)
        assert response.status_code == 413
        assert "The request is larger than 5 MB; this site takes at most 5 MB" in words(response)
        assert endless.read_bytes <= REQUEST_CAP + 64 * 1024


def test_a_short_body_without_a_length_reads_as_sent():
    from rust_tracker.bodylimit import BodyLimitMiddleware

    seen = []

    def app(request):
        seen.append(request.META["wsgi.input"].read())
        return HttpResponse("ok")

    request = RequestFactory().generic(
        "POST", "/", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": BytesIO(b"a=1&b=2")}
    )
    assert BodyLimitMiddleware(app)(request).status_code == 200
    assert seen == [b"a=1&b=2"]


# --- through a real HTTP server ---------------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@pytest.fixture
def site():
    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=ThreadingWSGIServer,
        handler_class=QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_server_answers_413_without_waiting_for_the_body(site):
    """Only the headers are sent, declaring 20 MB: the answer comes at once."""
    with socket.create_connection(("127.0.0.1", site), timeout=5) as conn:
        started = time.monotonic()
        conn.sendall(
            b"POST /claims/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 20000000\r\n\r\n"
        )
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            pytest.fail(f"no answer in 5 s while the body was not sent: {answer[:200]!r}")
        took = time.monotonic() - started
    status = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    assert status and status.group(1) == b"413", answer[:300]
    assert took < 3, f"took {took:.2f} s"  # reading it took 3.9 s on an idle machine
