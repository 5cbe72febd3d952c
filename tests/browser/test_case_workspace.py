"""A case built from its workspace, in a real browser (issue 19, point 2).

A reporter opens a case's page, adds a source from it (the form comes with the case chosen and
the save comes back to the case, where the source's quotes are listed), adds a claim from it
(the case chosen again), links it with the case's other claim from the suggested
counter-evidence (the pair takes the case both claims share), and finds all of it on the case's
page with its rule status: nothing was attached to the case by hand."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import watch_for_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "a-long-test-password-3"
FERRY_TEXT = (
    "PORT ELLIS — The ferry company answered questions on Thursday.\n\n"
    "“The ferry has never missed a safety inspection,” said Rowan Pike, the company's owner.\n\n"
    "Passengers said the crossings had been rough all winter.\n"
)


@pytest.fixture(scope="module")
def ferry_case(site, django_db_blocker):
    """A draft case holding one claim (the coast guard's finding), a reporter, a speaker."""
    from django.apps import apps
    from django.contrib.auth.models import Group, User

    from claims.models import Case, Claim, Contradiction, Speaker
    from claims.roles import ensure_roles
    from sources.models import Source

    with django_db_blocker.unblock():
        ensure_roles(apps)
        reporter = User.objects.create_user("case-reporter", password=PASSWORD, is_staff=True)
        reporter.groups.add(Group.objects.get(name="Reporter"))
        case = Case.objects.create(
            slug="port-ellis-ferry", title="The Port Ellis ferry", summary="A ferry's record."
        )
        pike = Speaker.objects.create(slug="rowan-pike", name="Rowan Pike")
        guard = Speaker.objects.create(slug="ellis-coast-guard", name="Ellis Coast Guard")
        finding = Claim.objects.create(
            slug="coast-guard-missed-inspections",
            speaker=guard,
            kind="record",
            text="The ferry missed two safety inspections in 2024.",
        )
        finding.cases.add(case)
        before = {m: set(m.objects.values_list("pk", flat=True)) for m in (Claim, Contradiction)}
        sources = set(Source.objects.values_list("pk", flat=True))
    yield case
    with django_db_blocker.unblock():
        Contradiction.objects.exclude(pk__in=before[Contradiction]).delete()
        Claim.objects.exclude(pk__in=before[Claim]).delete()
        finding.delete()
        Source.objects.exclude(pk__in=sources).delete()
        case.delete()
        Speaker.objects.filter(pk__in=[pike.pk, guard.pk]).delete()
        reporter.delete()


def test_a_case_built_from_its_workspace(new_page, ferry_case, django_db_blocker):
    page = new_page(viewport={"width": 1200, "height": 900})
    problems = watch_for_problems(page)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("case-reporter")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    case_url = f"/admin/claims/case/{ferry_case.pk}/change/"
    page.goto(case_url)
    workspace = page.locator("#case-workspace")
    expect(workspace.locator("#case-unpaired")).to_contain_text("coast-guard-missed-inspections")

    # 1. a source, added from the case: the case is already chosen, the save comes back here
    workspace.get_by_role("link", name="Add source").click()
    expect(page.locator(".field-cases")).to_contain_text("The Port Ellis ferry")
    page.get_by_label("Title").fill("Ferry owner defends record")
    page.locator("#id_text").fill(FERRY_TEXT)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(re.escape(case_url) + "$"))
    expect(page.locator("#case-sources")).to_contain_text("Ferry owner defends record")
    expect(page.locator("#case-quotes")).to_contain_text("never missed a safety inspection")

    # 2. a claim, added from the case: the case is already chosen
    page.locator("#case-workspace").get_by_role("link", name="Add claim").click()
    expect(page.locator(".field-cases")).to_contain_text("The Port Ellis ferry")
    page.locator(".field-speaker .select2-selection").click()
    page.locator(".select2-search__field").last.fill("Pike")
    page.locator(".select2-results__option", has_text="Rowan Pike").click()
    page.locator("#id_text").fill("The ferry has never missed a safety inspection.")
    page.locator("#id_summary").fill("Pike: never missed an inspection")
    if page.locator("#id_slug").count():  # an id the add form asks for, or makes itself
        page.locator("#id_slug").fill("pike-never-missed-an-inspection")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # 3. the pair, from the claim's suggested counter-evidence: the case's other claim first
    suggestion = page.locator("#counter-suggestions li").first
    expect(suggestion).to_contain_text("missed two safety inspections")
    suggestion.get_by_role("button", name="Link as contradiction").click()
    expect(page.locator(".messagelist")).to_contain_text("Draft contradiction")

    # 4. the case's page lists all of it, each with its rule status
    from claims.models import Claim, Contradiction
    from sources.models import Source

    with django_db_blocker.unblock():
        claim = Claim.objects.get(speaker__slug="rowan-pike")
    page.goto(case_url)
    expect(page.locator("#case-claims")).to_contain_text(claim.slug)
    expect(page.locator("#case-claims")).to_contain_text("cites no source")
    expect(page.locator("#case-pairs")).to_contain_text(
        f"{claim.slug} contradicted by coast-guard-missed-inspections"
    )
    expect(page.locator("#case-pairs")).to_contain_text("has no explanation")
    expect(page.locator("#case-unpaired")).to_contain_text("Every claim of the case is in one")
    problems = [p for p in problems if not p.startswith("console.error: Failed to load resource")]
    assert problems == []
    with django_db_blocker.unblock():
        assert list(Source.objects.get(title="Ferry owner defends record").cases.all()) == [
            ferry_case
        ]
        pair = Contradiction.objects.get(cases=ferry_case)
        assert pair.claim.cases.get() == ferry_case
