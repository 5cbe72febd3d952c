"""axe-core on every public page, in the light and the dark colour scheme.

A violation of impact "serious" or "critical" fails the test, with the rule, the elements
and axe's advice in the message. Pages are opened with the CSP bypassed only so that axe
itself can be injected; the CSP is checked in test_console.py.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    PUBLIC_PAGES,
    axe_violations,
    format_violations,
    wait_for_htmx_settled,
)

# django_db: the test database exists and is rolled back; the case is loaded by `site`.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCHEMES = ["light", "dark"]

# Other states a reader meets: filtered results, picker options, the error summaries.
OTHER_STATES = {
    "claim-list-filtered": ("/claims/?q=trigger&speaker=alec-baldwin", 200),
    "claim-list-bad-filter": ("/claims/?said_after=not-a-date", 400),
    "compare-picker-options": ("/compare/?aq=trigger&bq=fbi", 200),
    "compare-unknown-id": ("/compare/?a=no-such-claim&b=fbi-gun-in-working-order", 404),
    "not-found": ("/claims/no-such-claim/", 404),
}


def assert_no_blocking_violations(page, axe_script, where: str):
    """axe-core once htmx is idle and every transition has finished (``axe_violations``)."""
    blocking = axe_violations(page, axe_script)
    assert not blocking, (
        f"axe-core found {len(blocking)} serious/critical rule(s) on {where}:\n"
        f"{format_violations(blocking)}"
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_page_has_no_serious_accessibility_violations(new_page, axe_script, name, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)
    path = PUBLIC_PAGES[name]
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response.status}"
    assert_no_blocking_violations(page, axe_script, f"{path} ({scheme})")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(OTHER_STATES))
def test_other_states_have_no_serious_accessibility_violations(new_page, axe_script, name, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)
    path, status = OTHER_STATES[name]
    response = page.goto(path)
    assert response is not None and response.status == status, (path, response.status)
    assert_no_blocking_violations(page, axe_script, f"{path} ({scheme})")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_results_swapped_in_by_htmx_stay_accessible(new_page, axe_script, scheme):
    page = new_page(color_scheme=scheme, bypass_csp=True)
    page.goto("/claims/")
    page.locator("#id_q").press_sequentially("armpit", delay=30)
    # the response to the whole word, not to a search fired half way through it; then axe
    # waits for the results to be un-faded (the busy state's transition over)
    wait_for_htmx_settled(page, q="armpit")
    expect(page.locator("#results")).to_contain_text("aimed right below her armpit")
    expect(page.locator("#results")).not_to_contain_text("well-oiled crew")
    assert_no_blocking_violations(page, axe_script, f"/claims/ after a live search ({scheme})")
    page.goto("/compare/")
    page.locator("#picker-a-q").press_sequentially("trigger", delay=30)
    wait_for_htmx_settled(page, aq="trigger")
    expect(page.locator("#picker-a-results .picker-option").first).to_be_visible()
    where = f"/compare/ with live picker options ({scheme})"
    assert_no_blocking_violations(page, axe_script, where)
