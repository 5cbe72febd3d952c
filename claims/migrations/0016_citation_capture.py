"""Each citation records the capture of its source it was checked in (sources 0003).

A checked citation of a source with a text is given that source's first capture (the text it
was checked in). The public-write guard (0011) covers captures: a capture of a source the public
reads is added or superseded only by an editor, as the source's text was; a citation's capture,
kept by the quote checks with its anchors, is left out of the comparison like them.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

guard = importlib.import_module("claims.migrations.0011_public_write_guard")

CAPTURE_RULE = """  WHEN 'sources_capture' THEN
    RETURN EXISTS (SELECT 1 FROM claims_citation c JOIN claims_claim cl ON cl.id = c.claim_id
                    WHERE c.source_id = (r->>'source_id')::bigint AND cl.status IN {on_record});
"""
ANCHORS = guard.GUARDED["claims_citation"]


def _is_public(with_captures: bool) -> str:
    marker = "  WHEN 'sources_outlet' THEN"
    assert marker in guard.IS_PUBLIC
    if not with_captures:
        return guard.IS_PUBLIC
    rule = CAPTURE_RULE.format(on_record=guard.ON_RECORD)
    return guard.IS_PUBLIC.replace(marker, rule + marker, 1)


def _citation_trigger(columns) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS rust_tracker_guard ON claims_citation;",
        "CREATE TRIGGER rust_tracker_guard AFTER INSERT OR UPDATE OR DELETE ON claims_citation "
        f"FOR EACH ROW EXECUTE FUNCTION rust_tracker_guard({guard._args(columns)});",
    ]


FORWARDS = [
    _is_public(True),
    *_citation_trigger([*ANCHORS, "capture_id"]),
    "CREATE TRIGGER rust_tracker_guard AFTER INSERT OR UPDATE OR DELETE ON sources_capture "
    "FOR EACH ROW EXECUTE FUNCTION rust_tracker_guard('created_at');",
]
BACKWARDS = [
    "DROP TRIGGER IF EXISTS rust_tracker_guard ON sources_capture;",
    *_citation_trigger(ANCHORS),
    _is_public(False),
]

CHECKED_IN_FIRST_CAPTURE = """
UPDATE claims_citation c SET capture_id = k.id
  FROM sources_capture k
 WHERE k.source_id = c.source_id AND c.verified_at IS NOT NULL
   AND c.verification_state <> 'no_text';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0015_case_sources"),
        ("sources", "0003_capture"),
    ]

    operations = [
        migrations.AddField(
            model_name="citation",
            name="capture",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="citations",
                to="sources.capture",
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="capture",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="sources.capture",
            ),
        ),
        migrations.RunSQL(CHECKED_IN_FIRST_CAPTURE, migrations.RunSQL.noop),
        migrations.RunSQL(FORWARDS, BACKWARDS),
    ]
