"""The contradiction page at phone and desktop widths: stacked cards, side-by-side cards,
no sideways scroll. Screenshots go to test-artifacts/ for a human to look at."""

import pytest

from tests.browser.conftest import CONTRADICTION, PUBLIC_PAGES

# django_db: the test database exists and is rolled back; the case is loaded by `site`.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _cards(page):
    cards = page.locator(".statement")
    assert cards.count() == 2, f"expected two statement cards, found {cards.count()}"
    return cards.nth(0).bounding_box(), cards.nth(1).bounding_box()


def test_contradiction_cards_stack_on_a_phone(new_page, artifacts):
    page = new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"/contradictions/{CONTRADICTION}/")
    page.screenshot(path=artifacts / "contradiction-phone.png", full_page=True)
    first, second = _cards(page)
    assert second["y"] >= first["y"] + first["height"], (first, second)
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"horizontal scroll at 390px: scrollWidth {overflow[0]}"


def test_contradiction_cards_sit_side_by_side_on_a_desktop(new_page, artifacts):
    page = new_page(viewport=DESKTOP)
    page.goto(f"/contradictions/{CONTRADICTION}/")
    page.screenshot(path=artifacts / "contradiction-desktop.png", full_page=True)
    first, second = _cards(page)
    assert abs(first["y"] - second["y"]) < 1, (first, second)
    assert second["x"] >= first["x"] + first["width"], (first, second)


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
