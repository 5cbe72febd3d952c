"""The database's half of "a published item changes only by an editor's act" (claims/guard.py).

One function says which rows the public reads (``rust_tracker_is_public``); a row trigger on
every table behind the public pages refuses an insert, a change or a delete of such a row
while the connection acts for someone who is not an editor (the setting
``rust_tracker.guarded`` is ``on``: claims/guard.py sets it before every write made in a
request). Columns the database or the quote checks derive (search vectors, topic ids, the
pair's speakers, anchors and verification, version and timestamps) are not the public's words
and are left out of the comparison.
"""

from django.db import migrations

ON_RECORD = "('published', 'retracted')"

IS_PUBLIC = f"""
CREATE OR REPLACE FUNCTION rust_tracker_is_public(tbl text, r jsonb) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  CASE tbl
  WHEN 'claims_claim', 'claims_contradiction' THEN
    RETURN r->>'status' IN {ON_RECORD};
  WHEN 'claims_case' THEN
    RETURN r->>'status' = 'published';
  WHEN 'claims_correction' THEN
    RETURN true;
  WHEN 'claims_citation', 'claims_claim_topics', 'claims_claim_cases' THEN
    RETURN EXISTS (SELECT 1 FROM claims_claim
                    WHERE id = (r->>'claim_id')::bigint AND status IN {ON_RECORD});
  WHEN 'claims_contradiction_cases' THEN
    RETURN EXISTS (SELECT 1 FROM claims_contradiction
                    WHERE id = (r->>'contradiction_id')::bigint AND status IN {ON_RECORD});
  WHEN 'claims_speaker' THEN
    RETURN EXISTS (SELECT 1 FROM claims_claim
                    WHERE speaker_id = (r->>'id')::bigint AND status IN {ON_RECORD});
  WHEN 'claims_topic' THEN
    RETURN EXISTS (SELECT 1 FROM claims_claim
                    WHERE topic_pks @> ARRAY[(r->>'id')::bigint] AND status IN {ON_RECORD});
  WHEN 'sources_source' THEN
    RETURN EXISTS (SELECT 1 FROM claims_citation c JOIN claims_claim cl ON cl.id = c.claim_id
                    WHERE c.source_id = (r->>'id')::bigint AND cl.status IN {ON_RECORD});
  WHEN 'sources_outlet' THEN
    RETURN EXISTS (SELECT 1 FROM sources_source s
                     JOIN claims_citation c ON c.source_id = s.id
                     JOIN claims_claim cl ON cl.id = c.claim_id
                    WHERE s.outlet_id = (r->>'id')::bigint AND cl.status IN {ON_RECORD});
  ELSE
    RAISE EXCEPTION 'rust_tracker_is_public: no rule for table %', tbl;
  END CASE;
END $$;
"""

GUARD = """
CREATE OR REPLACE FUNCTION rust_tracker_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  was_public boolean := false;
  is_public boolean := false;
BEGIN
  IF coalesce(current_setting('rust_tracker.guarded', true), '') <> 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - TG_ARGV) = (to_jsonb(NEW) - TG_ARGV) THEN
    RETURN NULL;  -- only derived columns changed
  END IF;
  IF TG_OP <> 'INSERT' THEN
    was_public := rust_tracker_is_public(TG_TABLE_NAME, to_jsonb(OLD));
  END IF;
  IF TG_OP <> 'DELETE' THEN
    is_public := rust_tracker_is_public(TG_TABLE_NAME, to_jsonb(NEW));
  END IF;
  IF was_public OR is_public THEN
    RAISE EXCEPTION 'rust_tracker.guard: % on %: the public reads this row; only an editor changes it',
      TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
  END IF;
  RETURN NULL;
END $$;
"""

STAMPS = ["version", "updated_at", "created_at"]
# Each guarded table, with the columns left out of "did it change" (derived or bookkeeping).
GUARDED = {
    "claims_claim": [*STAMPS, "search_vector", "topic_pks"],
    "claims_contradiction": [*STAMPS, "claim_speaker_id", "counter_speaker_id"],
    "claims_case": STAMPS,
    "claims_correction": STAMPS,
    "claims_citation": [
        *STAMPS,
        "anchor_exact",
        "anchor_prefix",
        "anchor_suffix",
        "anchor_start",
        "anchor_end",
        "anchor_parts",
        "verification_state",
        "verification_score",
        "verified_at",
        "drifted",
    ],
    "claims_claim_topics": [],
    "claims_claim_cases": [],
    "claims_contradiction_cases": [],
    "claims_speaker": [*STAMPS, "search_names"],
    "claims_topic": STAMPS,
    "sources_source": STAMPS,
    "sources_outlet": STAMPS,
}


def _args(columns):
    return ", ".join(f"'{c}'" for c in columns)


def forwards_sql():
    triggers = [
        f"CREATE TRIGGER rust_tracker_guard AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION rust_tracker_guard({_args(columns)});"
        for table, columns in GUARDED.items()
    ]
    return [IS_PUBLIC, GUARD, *triggers]


def backwards_sql():
    return [
        *(f"DROP TRIGGER IF EXISTS rust_tracker_guard ON {table};" for table in GUARDED),
        "DROP FUNCTION IF EXISTS rust_tracker_guard();",
        "DROP FUNCTION IF EXISTS rust_tracker_is_public(text, jsonb);",
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0010_claim_topic_pks"),
        ("sources", "0002_version"),
    ]

    operations = [migrations.RunSQL(forwards_sql(), backwards_sql())]
