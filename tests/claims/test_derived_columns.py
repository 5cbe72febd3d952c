"""Columns the database keeps in step with the rows they come from (triggers), so every
writer keeps them: forms, services, the import's COPY, plain SQL. ``Claim.topic_pks`` follows
the claim's topic list; the pair's side speakers follow its sides (as the speaker pages read
them: tests/claims/test_views_detail.py); the triggers fire only when what they read changes."""

import re

import pytest
from django.db import DatabaseError, connection, transaction

from claims.exchange import import_records
from claims.exchange import write as exchange_write
from claims.models import Claim, Contradiction, Status
from tests.factories import make_claim, make_contradiction, make_speaker, make_topic
from tests.helpers import synthetic_bytes

pytestmark = pytest.mark.django_db


EXCEPTION_BLOCK = re.compile(r"\bEXCEPTION\s+WHEN\b", re.IGNORECASE)  # not RAISE EXCEPTION


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
        other = make_claim()
        cursor.execute(  # a row moved to another claim and another topic
            "UPDATE claims_claim_topics SET claim_id = %s, topic_id = %s WHERE claim_id = %s",
            [other.pk, b.pk, claim.pk],
        )
    assert (topic_pks(claim), topic_pks(other)) == ([], [b.pk])
    claim.topics.add(a)
    assert topic_pks(claim) == [a.pk]
    claim.topics.clear()
    assert topic_pks(claim) == []

    # what readers see: the topic filter and the topic page read the kept ids
    claim.topics.add(b)
    assert claim.slug in client.get("/claims/", {"topic": b.slug}).content.decode()
    assert claim.slug not in client.get("/claims/", {"topic": a.slug}).content.decode()
    assert claim.get_absolute_url() in client.get(b.get_absolute_url()).content.decode()


def speakers(pair: Contradiction) -> tuple[int, int]:
    return Contradiction.objects.values_list("claim_speaker", "counter_speaker").get(pk=pair.pk)


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


def test_the_topic_ids_the_import_writes_itself_are_checked_by_the_triggers(monkeypatch):
    """The one derived column with a second writer (claims/schema.py says why): the import
    writes the topic ids of the claims it creates in their COPY; the triggers still run after
    the lists' COPY, and a value that differs from the list is corrected."""

    def wrong(hooks, obj, record):
        obj.topic_pks = [-1] if record.many.get("topics") else []

    monkeypatch.setattr(exchange_write.ClaimHooks, "new", wrong)
    import_records(synthetic_bytes())
    claims = Claim.objects.prefetch_related("topics")
    assert claims.exclude(topic_pks=[]).exists()
    for claim in claims:
        assert claim.topic_pks == sorted(t.pk for t in claim.topics.all()), claim.slug


def test_a_pair_saved_from_a_stale_copy_keeps_its_sides_speakers():
    """The ORM saves every column, the speakers too: a pair saved from a copy made before the
    database filled them in (or before a side changed speaker) gets them again from its sides."""
    pair = make_contradiction()  # in memory: no speakers, the database wrote them
    pair.title = "Retitled"
    pair.save()
    assert speakers(pair) == (pair.claim.speaker_id, pair.counter.speaker_id)

    stale = Contradiction.objects.get(pk=pair.pk)
    claim = pair.claim
    claim.speaker = make_speaker()
    claim.save()
    assert speakers(pair) == (claim.speaker_id, pair.counter.speaker_id)
    stale.title = "Retitled again"
    stale.save()
    assert speakers(pair) == (claim.speaker_id, pair.counter.speaker_id)


@pytest.fixture
def trigger_calls(db):
    """Calls of each trigger function in the test's transaction (PostgreSQL counts them when
    ``track_functions`` is on: a superuser's setting)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL track_functions = 'pl'")  # kept: the savepoint is released
    except DatabaseError:
        pytest.skip("setting track_functions needs a superuser")

    def calls() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT funcname, calls FROM pg_stat_xact_user_functions")
            return dict(cursor.fetchall())

    return calls


def test_the_pair_speaker_triggers_fire_only_when_the_columns_they_read_change(trigger_calls):
    pair = make_contradiction()
    pair.refresh_from_db()
    sides = "claims_contradiction_side_speakers"
    moves = "claims_claim_speaker_to_pairs"
    assert trigger_calls().get(sides) == 1  # the insert
    pair.title, pair.explanation = "Retitled", "Other words."
    pair.save()  # every column written, the sides and their speakers unchanged
    Contradiction.objects.filter(pk=pair.pk).update(status=Status.DRAFT)
    claim = pair.claim
    claim.text = "Other words, same speaker."
    claim.save()
    assert (trigger_calls().get(sides), trigger_calls().get(moves, 0)) == (1, 0)

    claim.speaker = make_speaker()
    claim.save()  # moves its pair: one claim, one pair
    assert (trigger_calls()[sides], trigger_calls()[moves]) == (2, 1)
    pair.counter = make_claim()
    pair.save()
    assert trigger_calls()[sides] == 3
    assert speakers(pair) == (claim.speaker_id, pair.counter.speaker_id)


def test_the_derived_columns_have_one_trigger_mechanism_without_exception_blocks():
    """Plain triggers written in the migrations (claims/migrations/0010, 0014), none of
    django-pgtrigger's. Its triggers read a setting inside an EXCEPTION block first; undefined,
    the read raised and the block's subtransaction was rolled back on every row, which walks
    the transaction's pending deferred foreign-key checks (an import's COPY of 200,000 pairs at
    a million claims ran at about 70 s per 2,000). No function of the schema catches
    exceptions, so no trigger costs a subtransaction and none needs a setting."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname, tgfoid::regproc::text FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgname <> 'rust_tracker_guard' ORDER BY 1, 2"
        )
        derived = cursor.fetchall()
        cursor.execute(
            "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
            " AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')"
        )
        functions = dict(cursor.fetchall())
    assert derived == [
        ("claims_claim", "claim_speaker_to_pairs", "claims_claim_speaker_to_pairs"),
        *(
            ("claims_claim_topics", name, "claims_claim_topic_pks_sync")
            for name in (
                "claim_topics_added",
                "claim_topics_moved_from",
                "claim_topics_moved_to",
                "claim_topics_removed",
            )
        ),
        *(
            ("claims_contradiction", name, "claims_contradiction_side_speakers")
            for name in ("contradiction_side_speakers_added", "contradiction_side_speakers_changed")
        ),
        # not a derived column: a capture refuses every change but its supersession (issue 21)
        ("sources_capture", "capture_immutable", "sources_capture_immutable"),
    ]
    assert not [name for name in functions if "pgtrigger" in name]
    catching = [name for name, source in functions.items() if EXCEPTION_BLOCK.search(source)]
    assert catching == []
