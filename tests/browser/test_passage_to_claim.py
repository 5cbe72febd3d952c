"""A passage the extractor did not offer, selected with the mouse in a transcript-style text
(speaker labels, no quote marks), becomes a claim with its citation verified (issue 19,
point 1): the same one-step page as an offered quote, the speaker proposed from the label."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "a-long-test-password-3"
WORDS = "The plant has never failed a test, and the water is safe to drink."
MINUTES = (
    "Water board hears from residents\n\n"
    "The board met on Tuesday evening in the school gym. The exchange is recorded below.\n\n"
    f"BOARD CHAIR MARK ROE: {WORDS}\n\n"
    "DR. PRIYA PATEL: Our samples showed lead above the federal limit in six of ten homes.\n\n"
    "The board adjourned without a vote.\n"
)

# The screen rectangles of the first and the last character of ``words`` in the text region.
CHAR_BOXES = """(words) => {
  const region = document.getElementById("passage-text");
  const walker = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(words);
    if (at < 0) { continue; }
    const box = (i) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const r = range.getBoundingClientRect();
      return {x: r.left, y: r.top + r.height / 2, width: r.width};
    };
    return [box(at), box(at + words.length - 1)];
  }
  return null;
}"""


@pytest.fixture(scope="module")
def minutes(site, django_db_blocker):
    from django.apps import apps
    from django.contrib.auth.models import Group, User

    from claims.models import Citation, Claim, Speaker
    from claims.roles import ensure_roles
    from sources.models import Source
    from tests.factories import make_source

    with django_db_blocker.unblock():
        ensure_roles(apps)
        person = User.objects.create_user("passage-reporter", password=PASSWORD, is_staff=True)
        person.groups.add(Group.objects.get(name="Reporter"))
        source = make_source(text=MINUTES, title="Water board minutes", slug="water-board-minutes")
    yield source
    with django_db_blocker.unblock():
        claims = Claim.objects.filter(citations__source=source)
        speakers = list(Speaker.objects.filter(claims__in=claims).values_list("pk", flat=True))
        Citation.objects.filter(source=source).delete()
        claims.delete()
        Speaker.objects.filter(pk__in=speakers, claims__isnull=True).delete()
        Source.objects.filter(pk=source.pk).delete()
        person.delete()


def test_a_passage_selected_with_the_mouse_becomes_a_claim(new_page, minutes):
    page = new_page(viewport={"width": 1200, "height": 900})
    problems = watch_for_problems(page)
    page.goto(f"/admin/login/?next=/admin/sources/source/{minutes.pk}/change/")
    page.get_by_label("Username").fill("passage-reporter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    region = page.locator("#passage-text")
    expect(region).to_contain_text("BOARD CHAIR MARK ROE:")
    claim_button = page.get_by_role("button", name="New claim from the selection")
    expect(claim_button).to_be_disabled()  # nothing selected yet
    region.scroll_into_view_if_needed()
    first, last = page.evaluate(CHAR_BOXES, WORDS)
    page.mouse.move(first["x"] + 1, first["y"])
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 2, last["y"], steps=5)
    page.mouse.move(last["x"] + last["width"] - 0.5, last["y"])
    page.mouse.up()
    expect(page.locator("#passage-status")).to_contain_text("Selected: “The plant has never")
    expect(claim_button).to_be_enabled()
    claim_button.click()

    expect(page.locator("#quote-preview")).to_have_text(f"“{WORDS}”")
    guess = page.locator("#speaker-guess")
    expect(guess).to_contain_text("Mark Roe")
    expect(guess).to_contain_text("Sure")
    expect(guess).to_contain_text("BOARD CHAIR MARK ROE:")
    expect(page.get_by_label("Or a new speaker")).to_have_value("Mark Roe")
    page.get_by_role("button", name="Create the claim").click()

    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("Draft claim")
    expect(messages).to_contain_text("is verbatim in 'water-board-minutes'")
    expect(page).to_have_url(re.compile(r"/admin/claims/claim/\d+/change/"))
    expect(page.locator("#id_text")).to_have_value(WORDS)
    assert [p for p in problems if "favicon" not in p] == []
