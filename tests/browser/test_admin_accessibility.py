"""axe-core on the newsroom's own admin pages: the lists, the change pages with the workflow
status and suggestions, a source's candidate quotes, the workflow steps, history, preview."""

import pytest

from tests.browser.conftest import CLAIM, CONTRADICTION, SOURCE
from tests.browser.test_accessibility import assert_no_blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "an-editor-password-1"


@pytest.fixture(scope="module")
def editor(site, django_db_blocker):
    from django.contrib.auth.models import Group, User

    with django_db_blocker.unblock():
        user, _ = User.objects.get_or_create(username="axe-editor", defaults={"is_staff": True})
        user.set_password(PASSWORD)
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture(scope="module")
def pages(site, editor, django_db_blocker):
    """Admin paths by name, with the ids of the case's records."""
    from claims.models import Claim, Contradiction
    from sources.models import Source

    with django_db_blocker.unblock():
        claim = Claim.objects.get(slug=CLAIM).pk
        pair = Contradiction.objects.get(slug=CONTRADICTION)
        draft = Claim.objects.filter(status="draft").first()
        source = Source.objects.get(slug=SOURCE).pk
    return {
        "index": "/admin/",
        "claims": "/admin/claims/claim/",
        "claim": f"/admin/claims/claim/{claim}/change/",
        "claim-history": f"/admin/claims/claim/{claim}/history/",
        "contradiction": f"/admin/claims/contradiction/{pair.pk}/change/",
        "retract-step": f"/admin/claims/contradiction/{pair.pk}/workflow/retract/",
        "publish-step": f"/admin/claims/claim/{draft.pk}/workflow/publish/",
        "source": f"/admin/sources/source/{source}/change/",
        "source-add": "/admin/sources/source/add/",
        "claim-add": "/admin/claims/claim/add/",
        "contradiction-add": "/admin/claims/contradiction/add/",
        "preview": f"/preview/claims/{draft.slug}/",
    }


@pytest.fixture
def signed_in(new_page, editor):
    def open_page(**options):
        page = new_page(bypass_csp=True, **options)
        page.goto("/admin/login/")
        page.fill("#id_username", editor.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        return page

    return open_page


NAMES = [
    "index",
    "claims",
    "claim",
    "claim-history",
    "contradiction",
    "retract-step",
    "publish-step",
    "source",
    "source-add",
    "claim-add",
    "contradiction-add",
    "preview",
]


@pytest.mark.parametrize("name", NAMES)
def test_admin_page_has_no_serious_accessibility_violations(signed_in, pages, axe_script, name):
    page = signed_in()
    response = page.goto(pages[name])
    assert response is not None and response.status == 200, (name, response.status)
    assert_no_blocking_violations(page, axe_script, f"admin {name}: {pages[name]}")
