"""The side-by-side pages at phone and desktop widths (stacked cards, cards side by side) and on
paper (one page); no page scrolls sideways on a phone. Screenshots and PDFs go to
test-artifacts/ for a human to look at."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PUBLIC_PAGES

# django_db: the test database exists and is rolled back; the case is loaded by `site`.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


# The side-by-side pages: a curated contradiction and an ad-hoc comparison.
COMPARISONS = {
    "contradiction": PUBLIC_PAGES["contradiction"],
    "compare": PUBLIC_PAGES["compare-pair"],
}


def _cards(page):
    cards = page.locator(".sides .statement")
    expect(cards).to_have_count(2)
    return cards.nth(0).bounding_box(), cards.nth(1).bounding_box()


@pytest.mark.parametrize("name", list(COMPARISONS))
def test_statement_cards_stack_on_a_phone(new_page, artifacts, name):
    page = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(COMPARISONS[name])
    page.screenshot(path=artifacts / f"{name}-phone.png", full_page=True)
    first, second = _cards(page)
    assert second["y"] >= first["y"] + first["height"], f"cards not stacked: {first} {second}"
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"horizontal scroll at 390px: scrollWidth {overflow[0]}"


@pytest.mark.parametrize("name", list(COMPARISONS))
def test_statement_cards_sit_side_by_side_on_a_desktop(new_page, artifacts, name):
    page = new_page(viewport=DESKTOP)
    page.goto(COMPARISONS[name])
    page.screenshot(path=artifacts / f"{name}-desktop.png", full_page=True)
    first, second = _cards(page)
    assert abs(first["y"] - second["y"]) < 1, f"cards do not share a top edge: {first} {second}"
    assert second["x"] >= first["x"] + first["width"], f"cards overlap: {first} {second}"


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("name", list(COMPARISONS))
def test_comparison_prints_on_one_page(page, artifacts, name, paper):
    page.goto(COMPARISONS[name])
    pdf = page.pdf(format=paper, path=artifacts / f"{name}-{paper}.pdf")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"{COMPARISONS[name]} prints on {pages} {paper} pages, not one"


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_no_horizontal_scroll_at_phone_width(new_page, name):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(PUBLIC_PAGES[name])
    widths = page.evaluate(
        """() => {
          const wide = [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .filter((el) => !el.closest(".visually-hidden, .skip-link"))
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                 + (el.className && typeof el.className === "string"
                    ? "." + el.className.trim().split(/\\s+/).join(".") : ""));
          return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide};
        }"""
    )
    assert widths["scroll"] <= widths["inner"], (
        f"{PUBLIC_PAGES[name]} scrolls sideways at 390px: scrollWidth {widths['scroll']}; "
        f"too wide: {widths['wide']}"
    )
