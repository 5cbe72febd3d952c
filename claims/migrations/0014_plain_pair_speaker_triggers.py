"""One mechanism for the columns the database derives: plain PL/pgSQL triggers written in the
migrations, as Claim.topic_pks's (0010) and the public-write guard (0011) already were.

The pair's side speakers (Contradiction.claim_speaker, .counter_speaker) were kept by
django-pgtrigger's triggers (0009). Each of those first called ``_pgtrigger_should_ignore``,
which reads the setting ``pgtrigger.ignore`` inside an EXCEPTION block: when the setting is
undefined the read raises and the block's subtransaction is rolled back on every row, which walks
every deferred foreign-key check pending in the transaction (an import's COPY of 200,000 pairs at
a million claims ran at about 70 s per 2,000). Every connection therefore had to define the
setting, and a pooler that drops startup options needed it set on the database. The triggers
below do the same work with no EXCEPTION block and no setting, and fire only when a column they
read (or the derived columns themselves) changes:

- a new pair gets its sides' speakers (BEFORE INSERT);
- a pair whose side changes, or whose speaker columns a statement writes (the ORM saves every
  column, so a pair saved from a stale copy writes back the speakers it read), gets them again
  from its sides (BEFORE UPDATE, only when one of those four values differs): saving a pair's
  status or text costs no lookup;
- a claim given to another speaker moves its pairs to that speaker (AFTER UPDATE OF speaker_id,
  only when it differs), as before.

django-pgtrigger's triggers and functions are dropped (``RemoveTrigger`` drops the triggers and
takes them out of the migration state; the functions it leaves behind are dropped here). The
package stays installed, and in INSTALLED_APPS, only because migration 0009 and this one use its
operations: the state between them holds its triggers.

Claim.topic_pks (0010): statement triggers on the topic list's table, after an INSERT or a
DELETE, recompute the lists of the claims the statement touched and write only those that
differ. An UPDATE of a list row (plain SQL moving a row to another claim or topic; Django never
does) was not followed: two more statement triggers, one over the rows as they were and one over
the rows as they are, run the same function.

One writer per derived column, with one exception, stated: the import writes the topic_pks of
the claims it creates in their own COPY, as 0010's function computes them (claims/exchange/
write.py, ClaimHooks.new); after the topic lists' COPY the function finds each value right and
writes nothing (a value that differs, it corrects). Left to the triggers alone, every new claim's
row is written a second time (an update that is not HOT: topic_pks is indexed). Measured on a
synthetic file of 20,000 claims, 3 runs each: the database's CPU for the first import went from
5.4 s to 7.4 s, the import's CPU in all from 11.8 s to 14.2 s (+20 %; the bar was 10 %).
"""

import pgtrigger.migrations
from django.db import migrations

PAIR_SPEAKERS = """
CREATE FUNCTION claims_contradiction_side_speakers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.claim_speaker_id := (SELECT speaker_id FROM claims_claim WHERE id = NEW.claim_id);
    NEW.counter_speaker_id := (SELECT speaker_id FROM claims_claim WHERE id = NEW.counter_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER contradiction_side_speakers_added BEFORE INSERT ON claims_contradiction
    FOR EACH ROW EXECUTE FUNCTION claims_contradiction_side_speakers();
CREATE TRIGGER contradiction_side_speakers_changed
    BEFORE UPDATE OF claim_id, counter_id, claim_speaker_id, counter_speaker_id
    ON claims_contradiction
    FOR EACH ROW WHEN (
        OLD.claim_id IS DISTINCT FROM NEW.claim_id
        OR OLD.counter_id IS DISTINCT FROM NEW.counter_id
        OR OLD.claim_speaker_id IS DISTINCT FROM NEW.claim_speaker_id
        OR OLD.counter_speaker_id IS DISTINCT FROM NEW.counter_speaker_id
    )
    EXECUTE FUNCTION claims_contradiction_side_speakers();

CREATE FUNCTION claims_claim_speaker_to_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE claims_contradiction SET claim_speaker_id = NEW.speaker_id WHERE claim_id = NEW.id;
    UPDATE claims_contradiction SET counter_speaker_id = NEW.speaker_id WHERE counter_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER claim_speaker_to_pairs AFTER UPDATE OF speaker_id ON claims_claim
    FOR EACH ROW WHEN (OLD.speaker_id IS DISTINCT FROM NEW.speaker_id)
    EXECUTE FUNCTION claims_claim_speaker_to_pairs();
"""
NO_PAIR_SPEAKERS = """
DROP TRIGGER claim_speaker_to_pairs ON claims_claim;
DROP FUNCTION claims_claim_speaker_to_pairs();
DROP TRIGGER contradiction_side_speakers_changed ON claims_contradiction;
DROP TRIGGER contradiction_side_speakers_added ON claims_contradiction;
DROP FUNCTION claims_contradiction_side_speakers();
"""
# What django-pgtrigger's RemoveTrigger leaves behind (backwards, AddTrigger's SQL makes them
# again with CREATE OR REPLACE).
PGTRIGGER_LEFTOVERS = """
DROP FUNCTION IF EXISTS pgtrigger_claim_speaker_to_pairs_fe66a();
DROP FUNCTION IF EXISTS pgtrigger_contradiction_side_speakers_81e7a();
DROP FUNCTION IF EXISTS _pgtrigger_should_ignore(name);
"""

TOPIC_ROWS_MOVED = """
CREATE TRIGGER claim_topics_moved_from AFTER UPDATE ON claims_claim_topics
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claims_claim_topic_pks_sync();
CREATE TRIGGER claim_topics_moved_to AFTER UPDATE ON claims_claim_topics
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION claims_claim_topic_pks_sync();
"""
NO_TOPIC_ROWS_MOVED = """
DROP TRIGGER claim_topics_moved_to ON claims_claim_topics;
DROP TRIGGER claim_topics_moved_from ON claims_claim_topics;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_nulls_last_orderings"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="claim", name="claim_speaker_to_pairs"),
        pgtrigger.migrations.RemoveTrigger(
            model_name="contradiction", name="contradiction_side_speakers"
        ),
        migrations.RunSQL(PGTRIGGER_LEFTOVERS, migrations.RunSQL.noop),
        migrations.RunSQL(PAIR_SPEAKERS, NO_PAIR_SPEAKERS),
        migrations.RunSQL(TOPIC_ROWS_MOVED, NO_TOPIC_ROWS_MOVED),
    ]
