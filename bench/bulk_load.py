"""Load an exchange-format file into an EMPTY database fast, for benchmarks only.

``import_jsonl`` is the only supported import: it validates every line, applies the publishing
rules and writes history, and since issue 10 it streams and writes in batches, so
``bench_scale.py`` builds its databases with it at every size up to 1M (``--import-max``).
This loader is kept for comparison and for sizes above that: the same records, written with
``bulk_create`` in batches, each citation located in its source with the same function the
import uses (``locate_quote``), in constant memory. What it leaves out: validation beyond the
generator's own guarantees, the publishing review, and history rows. Never use it on
real data.

    DATABASE_URL=... python bench/bulk_load.py FILE
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rust_tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from claims.models import Citation, Claim, Contradiction, Speaker, Topic  # noqa: E402
from claims.services import _apply_location  # noqa: E402
from sources.models import Outlet, Source  # noqa: E402
from sources.text import locate_quote  # noqa: E402

BATCH = 2000
DATES = ("published_on", "said_on")


def _date(value):
    import datetime as dt

    return dt.date.fromisoformat(value) if value else None


class Loader:
    def __init__(self):
        self.ids: dict[str, dict[str, int]] = {
            "outlet": {},
            "source": {},
            "speaker": {},
            "topic": {},
            "claim": {},
        }
        self.pending: list[dict] = []
        self.pending_type = None
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def add(self, record: dict) -> None:
        if record["type"] != self.pending_type or len(self.pending) >= BATCH:
            self.flush()
            self.pending_type = record["type"]
        self.pending.append(record)

    def flush(self) -> None:
        if not self.pending:
            return
        getattr(self, f"_write_{self.pending_type}")(self.pending)
        self.counts[self.pending_type] = self.counts.get(self.pending_type, 0) + len(self.pending)
        self.pending = []

    def _remember(self, kind: str, objects) -> None:
        for obj in objects:
            self.ids[kind][obj.slug] = obj.pk

    def _write_outlet(self, records):
        objects = [Outlet(slug=r["id"], name=r["name"], homepage=r["homepage"]) for r in records]
        self._remember("outlet", Outlet.objects.bulk_create(objects))

    def _write_source(self, records):
        objects = [
            Source(
                slug=r["id"],
                outlet_id=self.ids["outlet"].get(r["outlet"]),
                title=r["title"],
                kind=r["kind"],
                url=r["url"],
                archive_url=r["archive_url"],
                published_on=_date(r["published_on"]),
                author=r["author"],
                text=r["text"],
                sha256=Source.digest(r["text"]),
                captured_at=r["captured_at"],
            )
            for r in records
        ]
        created = Source.objects.bulk_create(objects)
        for obj in created:
            obj.text = ""  # keep no texts in memory
        self._remember("source", created)

    def _write_speaker(self, records):
        objects = [
            Speaker(
                slug=r["id"],
                name=r["name"],
                kind=r["kind"],
                role=r["role"],
                aliases=r["aliases"],
                misspellings=r["misspellings"],
            )
            for r in records
        ]
        self._remember("speaker", Speaker.objects.bulk_create(objects))

    def _write_topic(self, records):
        objects = [
            Topic(slug=r["id"], name=r["name"], description=r["description"]) for r in records
        ]
        self._remember("topic", Topic.objects.bulk_create(objects))

    def _write_claim(self, records):
        objects = [
            Claim(
                slug=r["id"],
                speaker_id=self.ids["speaker"][r["speaker"]],
                kind=r["kind"],
                text=r["text"],
                summary=r["summary"],
                said_on=_date(r["said_on"]),
                said_on_precision=r["said_on_precision"],
                venue=r["venue"],
                context=r["context"],
                status=r["status"],
                published_at=self.now if r["status"] == "published" else None,
            )
            for r in records
        ]
        created = Claim.objects.bulk_create(objects)
        self._remember("claim", created)
        through = Claim.topics.through
        Claim.topics.through.objects.bulk_create(
            through(claim_id=obj.pk, topic_id=self.ids["topic"][slug])
            for obj, r in zip(created, records, strict=True)
            for slug in r["topics"]
        )
        source_ids = {self.ids["source"][c["source"]] for r in records for c in r["citations"]}
        texts = dict(Source.objects.filter(pk__in=source_ids).values_list("pk", "text"))
        citations = []
        for obj, r in zip(created, records, strict=True):
            for position, item in enumerate(r["citations"]):
                source_id = self.ids["source"][item["source"]]
                citation = Citation(
                    claim_id=obj.pk,
                    source_id=source_id,
                    quote=item["quote"],
                    note=item["note"],
                    position=position,
                )
                _apply_location(
                    citation, locate_quote(item["quote"], texts[source_id]), now=self.now
                )
                citations.append(citation)
        Citation.objects.bulk_create(citations)

    def _write_contradiction(self, records):
        objects = [
            Contradiction(
                slug=r["id"],
                claim_id=self.ids["claim"][r["claim"]],
                counter_id=self.ids["claim"][r["counter"]],
                relation=r["relation"],
                title=r["title"],
                explanation=r["explanation"],
                status=r["status"],
                published_at=self.now if r["status"] == "published" else None,
            )
            for r in records
        ]
        Contradiction.objects.bulk_create(objects)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    args = parser.parse_args(argv)
    if Claim.objects.exists():
        print("bulk_load: the database already holds claims; it loads empty ones only.")
        return 2
    started = time.monotonic()
    loader = Loader()
    with transaction.atomic(), open(args.file, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                loader.add(json.loads(line))
        loader.flush()
    seconds = time.monotonic() - started
    claims = loader.counts.get("claim", 0)
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "claims_per_second": round(claims / seconds),
                **loader.counts,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
