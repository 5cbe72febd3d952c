"""The claim list: htmx swaps the results in place and pushes the URL; the back button
restores the earlier results; with JavaScript off the same form works as a plain GET."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_htmx_settled, watch_for_problems

# django_db: the test database exists and is rolled back; the case is loaded by `site`.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SEARCH = "#id_q"  # the ClaimFilter's `q` field
RESULTS = "#results"  # the region htmx swaps (the template's `results` partial)
FILTERS = f"form:has({SEARCH})"

ARMPIT = "aimed right below her armpit"  # abc-aimed-below-her-armpit, the only "armpit"
OILED = "well-oiled crew"  # vermont-well-oiled-crew, the only "oiled"


def _mark_page(page):
    """A flag that a full page load would wipe out."""
    page.evaluate("() => { window.__noReload = 1; }")


def _not_reloaded(page) -> bool:
    return page.evaluate("() => window.__noReload === 1")


def test_typing_a_search_updates_results_in_place_and_the_url(page):
    problems = watch_for_problems(page)
    page.goto("/claims/")
    results = page.locator(RESULTS)
    expect(results).to_be_visible()
    before = results.inner_text()
    _mark_page(page)

    page.locator(SEARCH).press_sequentially("armpit", delay=40)
    wait_for_htmx_settled(page, q="armpit")  # not a search fired half way through the word

    expect(page).to_have_url(re.compile(r"/claims/\?(.*&)?q=armpit(&|$)"))
    expect(results).to_contain_text(ARMPIT)
    expect(results).not_to_contain_text(OILED)
    assert results.inner_text() != before
    assert _not_reloaded(page), "the search reloaded the whole page instead of swapping results"

    page.reload()  # the pushed URL is a shareable one: opened afresh, it shows the same
    expect(page.locator(RESULTS)).to_contain_text(ARMPIT)
    expect(page.locator(SEARCH)).to_have_value("armpit")
    assert not problems, "\n".join(problems)


def test_back_button_restores_the_previous_results_and_url(page):
    problems = watch_for_problems(page)
    page.goto("/claims/")
    results = page.locator(RESULTS)
    _mark_page(page)
    search = page.locator(SEARCH)

    # fill(): one input event per search, so exactly one history entry each, however slow
    search.fill("armpit")
    wait_for_htmx_settled(page, q="armpit")
    expect(page).to_have_url(re.compile(r"q=armpit"))
    expect(results).to_contain_text(ARMPIT)

    search.fill("oiled")
    wait_for_htmx_settled(page, q="oiled")
    expect(page).to_have_url(re.compile(r"q=oiled"))
    expect(results).to_contain_text(OILED)
    expect(results).not_to_contain_text(ARMPIT)
    assert _not_reloaded(page)

    page.go_back()
    expect(page).to_have_url(re.compile(r"q=armpit"))
    expect(page.locator(RESULTS)).to_contain_text(ARMPIT)
    expect(page.locator(RESULTS)).not_to_contain_text(OILED)
    expect(page.locator(SEARCH)).to_have_value("armpit")

    page.go_forward()
    expect(page).to_have_url(re.compile(r"q=oiled"))
    expect(page.locator(RESULTS)).to_contain_text(OILED)
    assert not problems, "\n".join(problems)


def test_filters_work_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/claims/")
    form = page.locator(FILTERS)
    expect(form).to_have_attribute("method", re.compile("get", re.IGNORECASE))

    page.locator(SEARCH).fill("trigger")
    form.locator("input[name=speaker]").fill("fbi")  # a typed id, no suggestions needed
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/claims/\?.*q=trigger"))
    expect(page).to_have_url(re.compile(r"[?&]speaker=fbi(&|$)"))
    results = page.locator(RESULTS)
    expect(results).to_contain_text("would not have discharged unless it was fully cocked")
    expect(results).not_to_contain_text("I would never point a gun")
    expect(page.locator(SEARCH)).to_have_value("trigger")


def test_home_search_box_leads_to_the_filtered_claim_list(page):
    page.goto("/")
    page.locator("#home-q").fill("armpit")
    with page.expect_navigation():
        page.locator("#home-q").press("Enter")
    expect(page).to_have_url(re.compile(r"/claims/\?q=armpit$"))
    expect(page.locator(RESULTS)).to_contain_text(ARMPIT)
    expect(page.locator(SEARCH)).to_have_value("armpit")


def test_choosing_a_filter_swaps_results_in_place(page):
    problems = watch_for_problems(page)
    page.goto("/claims/")
    _mark_page(page)
    speaker = page.locator(f"{FILTERS} input[name=speaker]")
    speaker.fill("fb")
    # suggestions arrive in the field's datalist as the reader types
    expect(page.locator("#suggest-speaker option[value=fbi]")).to_have_count(1)
    speaker.fill("fbi")
    speaker.press("Tab")  # a change: the list follows
    wait_for_htmx_settled(page, speaker="fbi")
    expect(page).to_have_url(re.compile(r"/claims/\?speaker=fbi$"))  # empty fields left out
    results = page.locator(RESULTS)
    expect(results).to_contain_text("would not have discharged unless it was fully cocked")
    expect(results).not_to_contain_text("I would never point a gun")
    assert _not_reloaded(page)
    assert not problems, "\n".join(problems)


def test_pager_links_swap_results_and_push_the_url(page):
    page.goto("/claims/")
    results = page.locator(RESULTS)
    expect(results.locator(".results-heading")).to_have_text(re.compile(r"^Claims 1–"))
    _mark_page(page)
    results.locator("a[rel=next]").click()
    wait_for_htmx_settled(page, page="2")
    expect(page).to_have_url(re.compile(r"/claims/\?page=2$"))
    expect(results.locator(".results-heading")).to_have_text(re.compile(r"^Claims 26–"))
    assert _not_reloaded(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/claims/$"))
    expect(results.locator(".results-heading")).to_have_text(re.compile(r"^Claims 1–"))
