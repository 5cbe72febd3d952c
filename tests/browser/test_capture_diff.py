"""A source whose page changed after a quote was checked: the claim's badge says which capture
the quote was checked in and that the page has since changed; the link opens the two captures
side by side with their differences marked; the source page's form compares any two."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watch_for_problems

# django_db: the test database exists; the source below is committed by its own fixture (the
# live server reads through its own connection) and removed when the module is done.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

FIRST = (
    "The harbour board met on Tuesday. The chair said the new pier is safe for ferries. "
    "Repairs to the old pier continue."
)
SECOND = FIRST.replace("is safe for ferries", "needs more work before ferries use it")
THIRD = SECOND + " The board meets again in June."


@pytest.fixture(scope="module")
def changed(site, django_db_blocker):
    from claims.models import Claim
    from claims.verification import replace_source_text
    from sources.models import Source
    from tests.factories import make_claim, make_source, make_speaker

    with django_db_blocker.unblock():
        source = make_source(slug="cd-harbour-board", title="Harbour board minutes")
        replace_source_text(
            source=source, text=FIRST, captured_at=dt.datetime(2026, 4, 3, 9, 0, tzinfo=dt.UTC)
        )
        claim = make_claim(
            slug="cd-pier-is-safe",
            speaker=make_speaker(slug="cd-chair", name="Chair Ann Example"),
            text="The new pier is safe for ferries.",
            cite=source,
        )
        citation = claim.citations.get()
        citation.quote = "the new pier is safe for ferries."
        citation.save()
        from claims.verification import verify_citation

        verify_citation(citation=citation)
        for text, day in ((SECOND, 12), (THIRD, 20)):
            replace_source_text(
                source=source, text=text, captured_at=dt.datetime(2026, 6, day, 9, tzinfo=dt.UTC)
            )
        captures = list(source.captures.order_by("pk"))
    yield claim, source, captures
    with django_db_blocker.unblock():
        Claim.objects.filter(pk=claim.pk).delete()
        Source.objects.filter(pk=source.pk).delete()


def test_the_badge_links_to_the_word_diff_and_the_source_compares_any_two(page, changed):
    claim, source, (first, second, third) = changed
    problems = watch_for_problems(page)
    page.goto(f"/claims/{claim.slug}/")
    badge = page.locator(".citation .badge").first
    expect(badge).to_contain_text("Verbatim in the capture of 3 Apr 2026")
    page.get_by_role("link", name="the page has since changed").click()

    expect(page).to_have_url(re.compile(rf"/sources/{source.slug}/changes/\?a={first.pk}$"))
    expect(page.locator("h1")).to_contain_text("What changed in")
    before, after = page.locator("#capture-before"), page.locator("#capture-after")
    expect(before.locator("del").first).to_have_text("is safe for")
    expect(after.locator("ins").first).to_contain_text("needs more work before")
    expect(after).to_contain_text("The board meets again in June.")  # the current capture

    # any two, from the form: the second capture against the third
    page.locator("#capture-a").select_option(str(second.pk))
    page.locator("#capture-b").select_option(str(third.pk))
    page.get_by_role("button", name="Show the differences").click()
    expect(page).to_have_url(re.compile(rf"\?a={second.pk}&b={third.pk}$"))
    expect(page.locator("#capture-before del")).to_have_count(0)
    expect(page.locator("#capture-after ins")).to_have_text("The board meets again in June.")
    expect(page.locator("#capture-before")).not_to_contain_text("is safe for ferries")
    assert not problems, "\n".join(problems)
