"""An admin form shown again after a validation error, with a value posted for an autocomplete
field (a foreign key or many-to-many picked by search) that is not a valid id: 200 with the
form's errors, never a 500 (Django's AutocompleteMixin.optgroups ran the posted values through
``pk__in`` and raised ValueError).

Every model admin in the registry with autocomplete fields is walked, its inlines' too, so a new
one is covered without naming it; and the claim-from-a-quote form, which builds its speaker
widget itself."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from claims import curation
from claims.models import Case
from tests.factories import make_source
from watch.models import CaseFollower

pytestmark = pytest.mark.django_db

# Not an id of any row: text, a number that is not whole, one past bigint, a NUL byte, a sign
# alone, SQL; a many-to-many field gets a valid-looking id next to the bad one.
BAD_VALUES = ["abc", "1.5", "99999999999999999999999", "1\x00", "-", "' OR 1=1 --"]


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_superuser("autocomplete-chief", password="pw"))
    return client


def autocomplete_admins():
    """(model admin, the names of its own autocomplete fields, [(inline, its names)])."""
    found = []
    for model, model_admin in admin.site._registry.items():
        inlines = [
            (inline, list(inline.autocomplete_fields))
            for inline in (cls(model, admin.site) for cls in model_admin.inlines)
            if inline.autocomplete_fields
        ]
        if model_admin.autocomplete_fields or inlines:
            found.append((model_admin, list(model_admin.autocomplete_fields), inlines))
    return found


def test_the_walk_finds_the_autocomplete_fields():
    walked = {
        (admin_.model._meta.label_lower, name)
        for admin_, names, inlines in autocomplete_admins()
        for name in names + [n for _, ns in inlines for n in ns]
    }
    assert ("claims.claim", "speaker") in walked and ("claims.claim", "topics") in walked
    assert ("sources.source", "outlet") in walked
    assert ("claims.claim", "source") in walked  # the citations inline's


def posted(model_admin, names, inlines, value, request) -> dict:
    data = {}
    for name in names:
        field = model_admin.model._meta.get_field(name)
        data[name] = [value, "1"] if field.many_to_many else value
    for inline, inline_names in inlines:
        prefix = inline.get_formset(request).get_default_prefix()
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for name in inline_names:
            data[f"{prefix}-0-{name}"] = value
    return data


@pytest.mark.parametrize("value", BAD_VALUES)
def test_a_bad_autocomplete_value_shows_the_form_again(staff, demo, rf, value):
    request = rf.get("/")
    request.user = User.objects.get(username="autocomplete-chief")
    # the demo has no one following a case: one, so the follower's change form is tried too
    CaseFollower.objects.create(user=request.user, case=Case.objects.order_by("pk").first())
    checked = []
    for model_admin, names, inlines in autocomplete_admins():
        opts = model_admin.model._meta
        data = posted(model_admin, names, inlines, value, request)
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_add")]
        existing = model_admin.model._default_manager.order_by("pk").first()
        assert existing is not None, f"the demo has no {opts.label}: the change form is untested"
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[existing.pk]))
        for url in urls:
            response = staff.post(url, data)
            assert response.status_code == 200, (url, value, response.status_code)
            page = response.content.decode()
            assert 'class="errornote"' in page or "errorlist" in page, (url, value)
            checked.append(url)
    assert len(checked) >= 10  # five admins, add and change


def test_a_bad_speaker_on_the_claim_from_a_quote_form(staff):
    source = make_source(
        text="“The bridge is perfectly safe for traffic,” said Mayor Dana Whitlock.\n",
        title="Mayor defends bridge",
    )
    candidate = curation.candidates(source)[0]
    url = reverse(
        "admin:sources_source_quote", args=[source.pk, candidate.start, candidate.end, "claim"]
    )
    for value in BAD_VALUES:
        response = staff.post(url, {"speaker": value, "kind": "quote", "sha256": source.sha256})
        assert response.status_code in (200, 400), (value, response.status_code)
        assert "errorlist" in response.content.decode()


def test_valid_choices_still_show_selected(staff, demo):
    """The fix drops only values that are not ids: a valid one posted with a form error is
    shown selected as before."""
    from claims.models import Speaker

    speaker = Speaker.objects.order_by("pk").first()
    response = staff.post(reverse("admin:claims_claim_add"), {"speaker": str(speaker.pk)})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{speaker.pk}" selected>' in page
