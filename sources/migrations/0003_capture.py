"""Captures: a source's archived texts, each kept as it was taken.

A row trigger refuses every UPDATE of a capture but the one that supersedes it (its three
``superseded_*`` columns, written once, from empty): a capture's text, digest, date and
original bytes never change, whatever path a write takes (the ORM, a library, plain SQL).

Each source with a text gets it as its first capture ("archived before captures were kept"),
dated when the source's text was captured (or, if that was not recorded, when the source was
created).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

IMMUTABLE = """
CREATE FUNCTION sources_capture_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.superseded_at IS NOT NULL
       OR (to_jsonb(OLD) - ARRAY['superseded_at', 'superseded_by_id', 'superseded_reason'])
          IS DISTINCT FROM
          (to_jsonb(NEW) - ARRAY['superseded_at', 'superseded_by_id', 'superseded_reason'])
    THEN
        RAISE EXCEPTION 'sources_capture %: a capture is never changed, only superseded once',
            OLD.id USING ERRCODE = '55000';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER capture_immutable BEFORE UPDATE ON sources_capture
    FOR EACH ROW EXECUTE FUNCTION sources_capture_immutable();
"""

FIRST_CAPTURES = """
INSERT INTO sources_capture (source_id, text, sha256, taken_at, how, url, created_at,
                             superseded_reason)
SELECT id, text, encode(sha256(convert_to(text, 'UTF8')), 'hex'),
       coalesce(captured_at, created_at), 'earlier', '', now(), ''
  FROM sources_source WHERE text <> '' ORDER BY id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Capture",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField()),
                ("sha256", models.CharField(max_length=64)),
                ("taken_at", models.DateTimeField(help_text="When the text was captured.")),
                (
                    "how",
                    models.CharField(
                        choices=[
                            ("pasted", "Pasted"),
                            ("uploaded", "Uploaded"),
                            ("fetched", "Fetched"),
                            ("watch", "Re-fetched by the watch"),
                            ("imported", "Imported"),
                            ("earlier", "Archived before captures were kept"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        blank=True, help_text="The address it was read from.", max_length=1000
                    ),
                ),
                (
                    "warc",
                    models.BinaryField(
                        blank=True,
                        help_text="The original bytes and response headers, as a gzipped WARC record.",
                        null=True,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("superseded_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("superseded_reason", models.CharField(blank=True, editable=False, max_length=500)),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Who took it (none: the operator, the import or the watch).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="captures",
                        to="sources.source",
                    ),
                ),
                (
                    "superseded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["source", "pk"],
                "indexes": [
                    models.Index(fields=["source", "-taken_at"], name="capture_source_taken")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")),
                        name="capture_sha256_hex",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("superseded_at__isnull", True),
                            models.Q(("superseded_reason", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="capture_superseded_with_reason",
                    ),
                ],
            },
        ),
        migrations.RunSQL(
            IMMUTABLE,
            "DROP TRIGGER IF EXISTS capture_immutable ON sources_capture;"
            "DROP FUNCTION IF EXISTS sources_capture_immutable();",
        ),
        migrations.RunSQL(FIRST_CAPTURES, migrations.RunSQL.noop),
    ]
