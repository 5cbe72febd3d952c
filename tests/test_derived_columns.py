"""Columns the database keeps in step with the rows they come from (triggers), so every
writer keeps them: forms, services, the import's COPY, plain SQL. ``Claim.topic_pks`` follows
the claim's topic list; the pair's side speakers are in tests/test_pages_detail.py."""

import pytest
from django.db import connection

from claims.exchange import import_records
from claims.models import Claim
from tests.factories import make_claim, make_topic
from tests.test_import_scale import synthetic_bytes

pytestmark = pytest.mark.django_db


def topic_pks(claim: Claim) -> list[int]:
    return Claim.objects.values_list("topic_pks", flat=True).get(pk=claim.pk)


def test_a_claims_topic_ids_follow_its_topic_list_however_it_is_written(client):
    a, b, c = make_topic(), make_topic(), make_topic()
    claim = make_claim()
    assert topic_pks(claim) == []
    claim.topics.add(b, a)
    assert topic_pks(claim) == sorted([a.pk, b.pk])
    claim.topics.remove(a)
    assert topic_pks(claim) == [b.pk]
    claim.topics.set([c, a])
    assert topic_pks(claim) == sorted([a.pk, c.pk])
    with connection.cursor() as cursor:  # SQL, no model code
        cursor.execute("DELETE FROM claims_claim_topics WHERE topic_id = %s", [c.pk])
    assert topic_pks(claim) == [a.pk]
    claim.topics.clear()
    assert topic_pks(claim) == []

    # what readers see: the topic filter and the topic page read the kept ids
    claim.topics.add(b)
    assert claim.slug in client.get("/claims/", {"topic": b.slug}).content.decode()
    assert claim.slug not in client.get("/claims/", {"topic": a.slug}).content.decode()
    assert claim.get_absolute_url() in client.get(b.get_absolute_url()).content.decode()


def test_imported_claims_carry_their_topic_ids_and_a_reimport_keeps_them():
    import_records(synthetic_bytes())
    claims = Claim.objects.prefetch_related("topics")
    assert claims.exclude(topic_pks=[]).exists()
    for claim in claims:
        assert claim.topic_pks == sorted(t.pk for t in claim.topics.all()), claim.slug
    before = dict(Claim.objects.values_list("pk", "topic_pks"))
    report = import_records(synthetic_bytes())
    assert report.created == report.updated == 0
    assert dict(Claim.objects.values_list("pk", "topic_pks")) == before


def test_the_pair_speaker_triggers_find_their_ignore_setting_defined():
    """django-pgtrigger's triggers read ``pgtrigger.ignore`` before anything else; when it is
    not defined the read raises inside an EXCEPTION block, and rolling that back on every row
    walks the transaction's pending deferred foreign-key checks (an import's COPY of 200,000
    pairs at a million claims ran at about 70 s per 2,000). Every connection of the app defines
    it, empty, so no trigger is ignored and none rolls anything back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('pgtrigger.ignore', true), _pgtrigger_should_ignore(%s)",
            ["contradiction_side_speakers"],
        )
        assert cursor.fetchone() == ("{}", False)
