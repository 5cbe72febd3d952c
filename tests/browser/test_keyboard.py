"""Keyboard use: a skip link first, focus always visible."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CONTRADICTION

# django_db: the test database exists and is rolled back; the case is loaded by `site`.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# The focused element, its focus ring, and the contrast of that ring against the background
# behind it (WCAG 2.2, 1.4.11: at least 3:1).
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rgb = (color) => (color.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  let node = el.parentElement, background = [255, 255, 255];
  while (node) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] === 1)) { background = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  const ring = rgb(style.outlineColor).slice(0, 3);
  const [hi, lo] = [luminance(ring), luminance(background)].sort((a, b) => b - a);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.type || "",
    text: (el.textContent || el.value || "").trim().slice(0, 50),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    boxShadow: style.boxShadow,
    contrast: (hi + 0.05) / (lo + 0.05),
  };
}"""


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Skip to content")
    expect(skip).to_have_attribute("href", "#main")
    expect(skip).to_be_in_viewport()  # shown when focused, not left off-screen
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert page.url.endswith("#main")
    # the next Tab continues inside main, not back at the header
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "path", ["/", "/claims/", "/compare/", f"/contradictions/{CONTRADICTION}/"]
)
def test_focus_is_visible_on_every_tab_stop(new_page, path, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(path)
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if focus["tag"] == "body" or (seen and focus == seen[0]):
            break
        seen.append(focus)
        ring = focus["outlineStyle"] != "none" and focus["outlineWidth"] >= 2
        hint = ""
        if focus["type"] == "date":
            hint = (
                " (focus is on the date input's own calendar button: the input matches"
                " :focus-within but not :focus, so only Chromium's thin black ring shows)"
            )
        assert ring or focus["boxShadow"] != "none", (
            f"no visible focus indicator on <{focus['tag']} id={focus['id']!r}> "
            f"{focus['text']!r} at {path}{hint}: {focus}"
        )
        if ring:
            assert focus["contrast"] >= 3, (
                f"focus ring {focus['outlineColor']} has contrast {focus['contrast']:.2f}:1 "
                f"(< 3:1) on <{focus['tag']} id={focus['id']!r}> {focus['text']!r} at {path}"
            )
    assert len(seen) >= 3, f"Tab reached only {seen} on {path}"
