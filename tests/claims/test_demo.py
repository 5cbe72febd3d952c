"""The Rust case as demo data: it loads, twice without change, and its quotes verify."""

import pytest

from claims.exchange import import_records
from claims.models import Case, Citation, Claim, Contradiction, Status
from tests.conftest import DEMO

pytestmark = pytest.mark.django_db


def test_demo_holds_the_case(demo):
    assert Contradiction.objects.published().count() == 7
    assert Claim.objects.published().count() >= 20
    case = Case.objects.published().get(slug="rust-shooting")
    assert case.contradictions.published().count() == 7
    assert case.claims.published().count() == Claim.objects.published().count()
    trigger = Contradiction.objects.published().get(slug="trigger-vs-fbi-finding")
    assert "I would never point a gun at anyone and pull a trigger at them." in trigger.claim.text
    assert "would not have discharged unless it was fully cocked and the trigger was pulled" in (
        trigger.counter.text
    )


def test_demo_loads_twice_without_change(demo):
    again = import_records(DEMO.read_bytes())
    assert again.created == again.updated == 0
    assert again.unchanged == demo.total


def test_every_demo_citation_is_verified_in_its_source(demo):
    states = set(Citation.objects.values_list("verification_state", flat=True))
    assert states == {"verbatim"}


def test_demo_keeps_drafts_as_drafts(demo):
    assert Contradiction.objects.exclude(status=Status.PUBLISHED).exists()
    assert Claim.objects.exclude(status=Status.PUBLISHED).exists()
