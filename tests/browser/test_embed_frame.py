"""A card framed by another site's page: framed and readable (light and dark, at 300 px), axe
clean; a normal page of the site refuses to be framed."""

import http.server
import threading

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CONTRADICTION, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def newsroom():
    """Another site, on another origin (127.0.0.1, another port): a real local server, so the
    browser's local-network rules treat it as the site's neighbour. ``newsroom(html)`` serves
    ``html`` at its root and returns the address."""
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get("story", "").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html: str) -> str:
        pages["story"] = html
        return f"http://127.0.0.1:{server.server_address[1]}/story.html"

    yield serve
    server.shutdown()
    server.server_close()


def host_page(new_page, site, newsroom, *, color_scheme="light"):
    """A page of another origin holding an iframe of the card and one of a normal page."""
    page = new_page(color_scheme=color_scheme, viewport={"width": 360, "height": 900})
    story = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story</title>
    </head><body><h1>A newsroom's story</h1>
    <iframe id="card" src="{site.url}/embed/contradictions/{CONTRADICTION}/" width="300"
      height="700" title="The card"></iframe>
    <iframe id="normal" name="normal" src="{site.url}/contradictions/{CONTRADICTION}/"
      width="300" height="300" title="A normal page"></iframe>
    <script>
      window.__loaded = [];
      for (const frame of document.querySelectorAll("iframe")) {{
        frame.addEventListener("load", () => window.__loaded.push(frame.id));
      }}
    </script></body></html>"""
    page.goto(newsroom(story))
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_card_is_framed_and_readable_elsewhere(
    new_page, site, newsroom, artifacts, scheme, axe_script
):
    page = host_page(new_page, site, newsroom, color_scheme=scheme)
    card = page.frame_locator("#card")
    expect(card.locator("#card .sides")).to_be_visible()
    expect(card.locator(".side--claim .speaker")).to_have_text("Alec Baldwin")
    expect(card.locator(".card-foot a")).to_have_attribute("target", "_blank")
    page.screenshot(path=artifacts / f"embed-card-{scheme}.png", full_page=True)
    frame = page.frame(url=f"{site.url}/embed/contradictions/{CONTRADICTION}/")
    assert frame is not None
    wide = frame.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"the card scrolls sideways at 300 px: {wide}"
    # axe is added as a script: the card's own policy allows none
    card_page = new_page(
        color_scheme=scheme, viewport={"width": 300, "height": 800}, bypass_csp=True
    )
    card_page.goto(f"/embed/contradictions/{CONTRADICTION}/")
    assert axe_violations(card_page, axe_script) == []


def test_a_normal_page_refuses_to_be_framed(new_page, site, newsroom):
    page = host_page(new_page, site, newsroom)
    expect(page.frame_locator("#card").locator("#card")).to_be_visible()
    # both frames have loaded (a refused one loads the browser's error page)
    page.wait_for_function("() => window.__loaded && window.__loaded.includes('normal')")
    normal = page.frame(name="normal")
    assert normal is not None
    assert not normal.url.startswith(site.url), f"the page was framed: {normal.url}"
