"""A case's sources (Case.sources): the documents the desk works from for a story, with their
history as the case's (like a claim's topics and cases, 0003). Not read by the public, so not
guarded (0011)."""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0014_plain_pair_speaker_triggers"),
        ("sources", "0002_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="sources",
            field=models.ManyToManyField(
                blank=True,
                help_text="The documents the desk works from for this story. Not shown to readers.",
                related_name="cases",
                to="sources.source",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalCase_sources",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="claims.case",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="claims.historicalcase",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="sources.source",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalCase_sources",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
