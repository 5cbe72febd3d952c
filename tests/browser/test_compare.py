"""The compare page's two pickers: search as you type (htmx), choose a statement on each
side, read both side by side; with the mouse, and with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_htmx_settled, watch_for_problems

# django_db: the test database exists and is rolled back; the case is loaded by `site`.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ARMPIT_SLUG = "abc-aimed-below-her-armpit"
ARMPIT = "aimed right below her armpit"
ARMPIT_START = "holding the gun where she told me"  # what a truncated summary still shows
FBI_SLUG = "fbi-gun-in-working-order"
FBI = "would not have discharged unless it was fully cocked"


def _option(page, side: str, text: str):
    return page.locator(f"#picker-{side}-results .picker-option").filter(has_text=text)


def _expect_comparison(page):
    expect(page).to_have_url(re.compile(rf"/compare/\?a={ARMPIT_SLUG}&b={FBI_SLUG}$"))
    comparison = page.locator("#comparison")
    expect(comparison.locator(".statement")).to_have_count(2)
    expect(comparison.locator(".side").first).to_contain_text(ARMPIT)
    expect(comparison.locator(".side").last).to_contain_text(FBI)


def test_pickers_search_as_you_type_and_compare_two_statements(page):
    problems = watch_for_problems(page)
    page.goto("/compare/")
    page.evaluate("() => { window.__noReload = 1; }")

    page.locator("#picker-a-q").press_sequentially("armpit", delay=40)
    wait_for_htmx_settled(page, aq="armpit")  # not options for half the word, about to go
    choice = _option(page, "a", ARMPIT)
    expect(choice).to_have_count(1)
    assert page.evaluate("() => window.__noReload === 1"), "the picker search reloaded the page"
    choice.click()
    expect(page).to_have_url(re.compile(rf"/compare/\?a={ARMPIT_SLUG}$"))
    expect(page.locator("#picker-a-chosen")).to_contain_text(ARMPIT_START)

    page.locator("#picker-b-q").press_sequentially("working order", delay=40)
    wait_for_htmx_settled(page, bq="working order")
    choice = _option(page, "b", FBI)
    expect(choice).to_have_count(1)
    choice.click()

    _expect_comparison(page)
    expect(page.locator("#picker-a-chosen")).to_contain_text(ARMPIT_START)
    expect(page.locator("#picker-b-chosen")).to_contain_text(FBI)
    assert not problems, "\n".join(problems)


def _tab_to(page, selector: str, text: str = "", limit: int = 80):
    """Press Tab until the focused element matches ``selector`` (and holds ``text``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "([selector, text]) => document.activeElement.matches(selector)"
            " && document.activeElement.textContent.includes(text)",
            [selector, text],
        ):
            return
    raise AssertionError(f"{selector} {text!r} not reached with {limit} presses of Tab")


def test_pickers_work_with_the_keyboard_alone(page):
    problems = watch_for_problems(page)
    page.goto("/compare/")

    _tab_to(page, "#picker-a-q")
    page.keyboard.type("armpit", delay=40)
    wait_for_htmx_settled(page, aq="armpit")  # Tab must not walk options being replaced
    expect(_option(page, "a", ARMPIT)).to_have_count(1)
    _tab_to(page, "#picker-a-results .picker-option", ARMPIT)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"a={ARMPIT_SLUG}$"))

    _tab_to(page, "#picker-b-q")
    page.keyboard.type("working order", delay=40)
    wait_for_htmx_settled(page, bq="working order")
    expect(_option(page, "b", FBI)).to_have_count(1)
    _tab_to(page, "#picker-b-results .picker-option", FBI)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    _expect_comparison(page)
    assert not problems, "\n".join(problems)


def test_pickers_work_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/compare/")
    submit = page.locator("#compare-form [type=submit]")

    page.locator("#picker-a-q").fill("armpit")
    with page.expect_navigation():
        submit.click()
    with page.expect_navigation():
        _option(page, "a", ARMPIT).click()
    expect(page.locator("#picker-a-chosen")).to_contain_text(ARMPIT_START)

    page.locator("#picker-b-q").fill("working order")
    with page.expect_navigation():
        submit.click()
    with page.expect_navigation():
        _option(page, "b", FBI).click()
    _expect_comparison(page)
