"""Every public page loads with no console error, no uncaught exception, no CSP violation and
no failed request, under the site's real Content-Security-Policy."""

import pytest

from tests.browser.conftest import PUBLIC_PAGES, wait_for_htmx_idle, watch_for_problems

# django_db: the test database exists and is rolled back; the case is loaded by `site`.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_page_loads_without_console_errors_or_csp_violations(page, name):
    problems = watch_for_problems(page)

    response = page.goto(PUBLIC_PAGES[name])  # waits for "load": every script, style, image
    wait_for_htmx_idle(page)  # and whatever the scripts started; its round trip brings the
    # page's console messages and CSP reports in before the list is read

    assert response is not None and response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self' 'nonce-" in csp, f"no strict CSP on {PUBLIC_PAGES[name]}: {csp!r}"
    assert not problems, f"{PUBLIC_PAGES[name]}:\n" + "\n".join(problems)
