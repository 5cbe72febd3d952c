"""From two articles to a published side-by-side page, in a real browser, without the shell.

A reporter uploads one article and pastes another, turns a candidate quote of each into a
claim, links them as a contradiction from the suggested counter-evidence, puts it in the case
and sends it to review; an editor publishes the two claims and the pair; the public case page
shows it. Every click and every typed field of the reporter's curation is counted, and the
counts are printed (goal: under 15 clicks and 10 typed fields per contradiction). The test
saves the README's screenshots, docs/images/curation-*.png.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "a-long-test-password-2"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "images"

AGENCY_HTML = b"""<!doctype html><html><head><meta charset="utf-8">
<title>State closes Harbour Town bridge</title>
<meta name="author" content="Kit Marlow"><meta name="date" content="2025-04-02">
</head><body><article><h1>State closes Harbour Town bridge</h1>
<p>HARBOUR TOWN \xe2\x80\x94 The state transport agency closed the Millrace bridge on Tuesday
after an inspection found corroded supports under the main span.</p>
<p>\xe2\x80\x9cWe have closed the bridge to all traffic until the supports are replaced,\xe2\x80\x9d
said Orla Fenwick, a spokeswoman for the agency.</p>
<p>Engineers said repairs would take most of the summer, and that the corrosion had been
visible for at least two years.</p></article></body></html>"""

MAYOR_TEXT = (
    "HARBOUR TOWN \u2014 The mayor defended the Millrace bridge at a council meeting on "
    "Monday, a day before the state acted.\n\n"
    "\u201cThe bridge is perfectly safe for traffic and will stay open,\u201d said Mayor "
    "Dana Whitlock.\n\n"
    "Council members asked for the inspection report, which the mayor said she had not read."
)


class Counter:
    """Clicks and typed fields, as a curator spends them."""

    def __init__(self):
        self.clicks = 0
        self.typed = 0

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def type(self, locator, text: str):
        self.typed += 1
        locator.fill(text)


@pytest.fixture(scope="module")
def newsroom(site, django_db_blocker):
    from django.apps import apps
    from django.contrib.auth.models import Group, User

    from claims.models import Case, Claim, Contradiction, Speaker
    from claims.roles import ensure_roles
    from sources.models import Source

    with django_db_blocker.unblock():
        ensure_roles(apps)
        people = {}
        for name, role in (("path-reporter", "Reporter"), ("path-editor", "Editor")):
            person = User.objects.create_user(name, password=PASSWORD, is_staff=True)
            person.groups.add(Group.objects.get(name=role))
            people[role] = person
        case = Case.objects.create(
            slug="millrace-bridge",
            title="The Millrace bridge",
            summary="What the town said about its bridge, and what the state found.",
            status="published",
        )
        before = {
            model: set(model.objects.values_list("pk", flat=True))
            for model in (Contradiction, Claim, Speaker, Source)
        }
    yield people, case
    with django_db_blocker.unblock():
        for model in (Contradiction, Claim, Speaker, Source):
            if model is Claim:
                from claims.models import Citation

                Citation.objects.filter(
                    claim__in=model.objects.exclude(pk__in=before[model])
                ).delete()
            model.objects.exclude(pk__in=before[model]).delete()
        case.delete()
        for person in people.values():
            person.delete()


def _log_in(new_page, username):
    page = new_page(viewport={"width": 1200, "height": 900})
    problems = watch_for_problems(page)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page, problems


def _real(problems):
    """Not the page's problems: Chromium's own favicon request, and an autocomplete request
    that Select2 cancels when the next keystroke makes it out of date."""
    return [
        p
        for p in problems
        if not p.startswith("console.error: Failed to load resource")
        and not ("/admin/autocomplete/" in p and "ERR_ABORTED" in p)
    ]


def _shot(page, name):
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"curation-{name}.png"))


def _new_claim_from(page, count: Counter, quote_start: str):
    """On a source's page: the candidate that starts with ``quote_start`` becomes a claim."""
    row = page.locator("#candidate-quotes tr", has_text=quote_start)
    count.click(row.get_by_role("link", name="New claim"))
    expect(page.locator("#quote-preview")).to_contain_text(quote_start)
    count.click(page.get_by_role("button", name="Create the claim"))
    expect(page.locator(".messagelist")).to_contain_text("Draft claim")
    expect(page.locator(".messagelist")).to_contain_text("is verbatim in")


def test_two_articles_to_a_published_comparison(new_page, newsroom, django_db_blocker):
    from claims.models import Claim, Contradiction

    _people, case = newsroom
    count = Counter()
    page, problems = _log_in(new_page, "path-reporter")

    # 1. the agency's article, uploaded as a file: title, date and author come from it
    count.click(page.locator("#content-main .model-source").get_by_role("link", name="Add"))
    count.click(page.get_by_label("Upload a file"))  # choosing the file
    page.get_by_label("Upload a file").set_input_files(
        {"name": "agency.html", "mimeType": "text/html", "buffer": AGENCY_HTML}
    )
    count.click(page.get_by_role("button", name="Save and continue editing"))
    expect(page.locator(".messagelist")).to_contain_text("Filled in from it")
    expect(page.locator("#candidate-quotes")).to_contain_text("Orla Fenwick")
    _shot(page, "source")
    _new_claim_from(page, count, "We have closed the bridge")

    # 2. the mayor's words, pasted
    count.click(page.locator("#nav-sidebar .model-source").get_by_role("link", name="Add"))
    count.type(page.get_by_label("Title"), "Mayor defends the Millrace bridge")
    count.type(page.locator("#id_text"), MAYOR_TEXT)
    count.click(page.get_by_role("button", name="Save and continue editing"))
    row = page.locator("#candidate-quotes tr", has_text="The bridge is perfectly safe")
    count.click(row.get_by_role("link", name="New claim"))
    expect(page.get_by_label("Or a new speaker")).to_have_value("Dana Whitlock")
    _shot(page, "new-claim")
    count.click(page.get_by_role("button", name="Create the claim"))
    expect(page.locator(".messagelist")).to_contain_text("is verbatim in")

    # 3. on the mayor's claim: the agency's statement is suggested; one click makes the pair
    suggestion = page.locator("#counter-suggestions li", has_text="We have closed the bridge")
    _shot(page, "suggestions")
    count.click(suggestion.get_by_role("button", name="Link as contradiction"))
    expect(page.locator(".messagelist")).to_contain_text("Draft contradiction")
    count.type(page.get_by_label("Title"), "Safe, said the mayor; closed, said the state")
    count.type(
        page.get_by_label("Explanation"),
        "The mayor called the bridge safe and said it would stay open; the next day the "
        "state closed it after finding corroded supports.",
    )
    # the case, picked by typing a word of its title in the autocomplete
    count.click(page.locator(".field-cases .select2-selection"))
    count.type(page.locator(".select2-search__field").last, "Millrace")
    count.click(page.locator(".select2-results__option", has_text="The Millrace bridge"))
    count.click(page.get_by_role("button", name="Save and send to review"))
    expect(page.locator(".messagelist")).to_contain_text("was saved and sent to review")

    print(f"\nreporter's curation: {count.clicks} clicks, {count.typed} typed fields")
    assert count.clicks < 15, count.clicks
    assert count.typed < 10, count.typed
    assert _real(problems) == []

    with django_db_blocker.unblock():
        pair = Contradiction.objects.get(cases=case)
        assert (pair.status, pair.claim.speaker.name, pair.counter.speaker.name) == (
            "review",
            "Dana Whitlock",
            "Orla Fenwick",
        )
        sides = [pair.claim.pk, pair.counter.pk]
        assert all(c.is_verified for c in Claim.objects.get(pk=sides[0]).citations.all())
        # the pair took its two draft statements to review with it
        assert {c.status for c in Claim.objects.filter(pk__in=sides)} == {"review"}

    # 4. the editor publishes both statements (one list action) and the pair
    page, problems = _log_in(new_page, "path-editor")
    page.goto("/admin/claims/claim/?status__exact=review")
    for pk in sides:
        page.locator(f"input[name=_selected_action][value='{pk}']").check()
    page.get_by_label("Action:").select_option("publish_selected")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("Publish: done for")
    page.goto(f"/admin/claims/contradiction/{pair.pk}/change/")
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.locator("#checks")).to_contain_text("Every publishing rule holds")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was published")
    assert _real(problems) == []

    # 5. the public case page shows the pair, side by side on its own page
    reader = new_page(viewport={"width": 1200, "height": 900})
    reader.goto(f"/cases/{case.slug}/")
    expect(reader.locator("main")).to_contain_text("Safe, said the mayor; closed, said the state")
    reader.get_by_role("link", name="Safe, said the mayor; closed, said the state").first.click()
    expect(reader.locator("#sides")).to_contain_text("The bridge is perfectly safe for traffic")
    expect(reader.locator("#sides")).to_contain_text("We have closed the bridge to all traffic")
    _shot(reader, "public")
