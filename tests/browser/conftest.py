"""Browser tests: Playwright driving the system Chromium against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, storage, colour scheme) per test.
Tests wait for the state they assert, never for a length of time: an element's text, the URL,
htmx's ``htmx:afterSettle`` for a given request (``wait_for_htmx_settled``), htmx idle with
every CSS transition finished (``wait_for_htmx_idle``, which ``axe_violations`` calls before
axe-core reads colours). A busy machine makes them slower, not wrong.
Without Chromium or axe-core the tests are skipped with the command that installs them, except
on CI (``CI`` set), where a missing browser is a failure: CI must run them.
"""

import os

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import json
from pathlib import Path

import pytest

from claims.exchange import import_records

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo" / "rust_case.jsonl"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Stable ids from the Rust case (the exchange file's slugs are the public URLs).
CLAIM = "abc-would-never-point-a-gun"  # "I would never point a gun at anyone and pull a trigger"
COUNTER = "fbi-gun-in-working-order"  # the FBI: "would not have discharged unless ..."
CONTRADICTION = "trigger-vs-fbi-finding"
SPEAKER = "alec-baldwin"
SOURCE = "abc-interview-syndicated-report"
TOPIC = "the-trigger"
CASE = "rust-shooting"

# Every public page, by a readable test id.
PUBLIC_PAGES = {
    "home": "/",
    "claim-list": "/claims/",
    "claim": f"/claims/{CLAIM}/",
    "contradiction-list": "/contradictions/",
    "contradiction": f"/contradictions/{CONTRADICTION}/",
    "compare-empty": "/compare/",
    "compare-pair": f"/compare/?a={CLAIM}&b={COUNTER}",
    "speaker": f"/speakers/{SPEAKER}/",
    "source": f"/sources/{SOURCE}/",
    "topic": f"/topics/{TOPIC}/",
    "case": f"/cases/{CASE}/",
    "corrections": "/corrections/",
    "topics": "/topics/",
}


def missing(what: str):
    """Skip on a laptop without the tool; fail on CI, which must run the browser tests."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI is set: the browser tests must run there)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(f"Chromium not installed at {CHROMIUM}: run `make browser-deps`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed: run `make install`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        missing(f"axe-core not installed at {AXE}: run `make browser-deps`")
    return AXE


@pytest.fixture(scope="package")
def site(browser, django_db_setup, django_db_blocker):
    """The Rust case in the test database, and a live server in front of it, for this folder.

    These tests only read. pytest-django's ``live_server`` would wrap every test in
    ``transactional_db``: an import and a flush per test, about 3 s each. Instead the case is
    imported once, committed, served by one live server, and the database is flushed when
    the folder is done (package scope: also when another package's test comes in between).
    Each test module carries ``pytest.mark.django_db`` so that pytest-django creates the
    test database at all; that marker only wraps the test in a transaction rolled back
    afterwards, which the committed case and the server's own connection do not notice.
    """
    from django.core.management import call_command
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():  # the server thread queries throughout
        name = connection.settings_dict["NAME"]
        test_name = connection.settings_dict.get("TEST", {}).get("NAME")
        assert name.startswith("test_") or name == test_name, (
            f"refusing to flush {name!r}: not the test database (is pytest.mark.django_db set?)"
        )
        call_command("flush", interactive=False, verbosity=0)
        import_records(DEMO.read_bytes())
        server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


# How long any single wait may take before the test fails: generous, because a busy 2-core
# machine is slow; nothing waits this long unless the awaited state never comes.
TIMEOUT_MS = 30_000


def _expect_waits_as_long():
    """Playwright's ``expect`` waits 5 s by default, whatever the context's timeout says."""
    try:
        from playwright.sync_api import expect
    except ImportError:  # the browser fixture says how to install it
        return
    expect.set_options(timeout=TIMEOUT_MS)


_expect_waits_as_long()

# In every page, before its own scripts: the URL of every request whose swap htmx has settled
# (``htmx:afterSettle``), so that a test can wait for the response to what it typed and not
# for an earlier one (a search fired half way through typing) or for a length of time.
HTMX_WATCH = """
window.__htmxSettled = [];
document.addEventListener("htmx:afterSettle", (event) => {
  const detail = event.detail || {};
  const xhr = detail.xhr;
  const path = detail.pathInfo && (detail.pathInfo.finalRequestPath || detail.pathInfo.requestPath);
  window.__htmxSettled.push((xhr && xhr.responseURL) || path || "");
});
"""

# htmx is idle (no request in flight, nothing swapping or settling, no region marked busy) and
# no CSS transition or animation is running: the page shows its final colours. The results
# fade while a request is in flight and fade back in over 0.2 s after it: axe-core run in
# between reads every text as low contrast. ``getAnimations()`` flushes pending style changes,
# so a transition that a class change has just started is seen. Endless animations (a
# spinner) never finish and are not waited for.
HTMX_IDLE = """() => {
  const busy = document.querySelector(
    ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added, [aria-busy='true']"
  );
  if (busy) { return false; }
  return document.getAnimations().every((animation) => {
    const timing = animation.effect && animation.effect.getComputedTiming();
    const endless = timing && timing.iterations === Infinity;
    return endless || !(animation.pending || animation.playState === "running");
  });
}"""

SETTLED = """(want) => (window.__htmxSettled || []).some((url) => {
  const got = new URL(url, window.location.href).searchParams;
  return Object.entries(want).every(([name, value]) => got.get(name) === value);
})"""


def wait_for_htmx_idle(page) -> None:
    """Wait until htmx has no request in flight and every transition has finished."""
    page.wait_for_load_state("load")
    page.wait_for_function(HTMX_IDLE)


def wait_for_htmx_settled(page, /, **params: str) -> None:
    """Wait until htmx has settled the swap of a request with these query parameters
    (``wait_for_htmx_settled(page, q="armpit")``), then until the page is idle."""
    page.wait_for_function(SETTLED, arg=params)
    wait_for_htmx_idle(page)


def axe_violations(page, axe_script, context="document") -> list[dict]:
    """axe-core's serious and critical findings on ``page`` once it is idle (``context``: a
    JavaScript expression for what to check, the whole document by default)."""
    wait_for_htmx_idle(page)
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate(
        f"async () => await axe.run({context}, {{resultTypes: ['violations']}})"
    )
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def forget_failed_logins(django_db_blocker) -> None:
    """Delete axes' failed-login records as the live server sees them.

    A test here runs inside a transaction that is rolled back (``pytest.mark.django_db``)
    and that the server's connection cannot see, so the delete goes through a connection
    of its own, committed at once.
    """
    from axes.models import AccessAttempt
    from django.db import connections

    with django_db_blocker.unblock():
        own = connections.create_connection("default")
        try:
            with own.cursor() as cursor:
                cursor.execute(f"DELETE FROM {AccessAttempt._meta.db_table}")
        finally:
            own.close()


@pytest.fixture(autouse=True)
def _no_lockout_from_earlier_tests(django_db_setup, django_db_blocker):
    """The live server's database lives for the whole folder, so failed logins would add
    up across tests from the one address they all share: each test starts with none."""
    forget_failed_logins(django_db_blocker)


@pytest.fixture
def new_page(browser, site):
    """Open a page in a fresh context: ``new_page(color_scheme="dark", bypass_csp=True)``."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(base_url=site.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(HTMX_WATCH)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || "document"}:${event.lineNumber})`
  );
});
"""


def watch_for_problems(page) -> list[str]:
    """Collect, from now on, console errors, uncaught exceptions, CSP violations and failed
    or 4xx/5xx requests on ``page``. Call before the first ``goto``; assert the list empty."""
    problems: list[str] = []

    def on_console(message):
        if message.type == "error":
            problems.append(f"console.error: {message.text}")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    def on_request_failed(request):
        # A search the page itself cancelled because a newer keystroke superseded it (htmx's
        # hx-sync "replace"): on a slow machine typing is slow enough for a search to start
        # half way through a word. Not a failure the reader sees.
        if request.resource_type in ("xhr", "fetch") and request.failure == "net::ERR_ABORTED":
            return
        problems.append(f"request failed: {request.url} ({request.failure})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    page.expose_function("__reportCspViolation", lambda text: problems.append(f"CSP: {text}"))
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    return problems


def format_violations(violations: list[dict]) -> str:
    """axe-core violations as a readable list: rule, impact, where, what to do."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(
                json.dumps(t) if not isinstance(t, str) else t for t in node["target"]
            )
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)
