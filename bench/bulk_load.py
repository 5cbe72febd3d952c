"""Load an exchange-format file into an EMPTY database fast, for benchmarks only.

``import_jsonl`` is the only supported import: it validates every line, applies the publishing
rules and writes history, and since issue 10 it streams and writes in batches, so
``bench_scale.py`` builds its databases with it at every size up to 1M (``--import-max``).
This loader is kept for comparison and for sizes above that: the same records, written with
``bulk_create`` in batches, each line's fields read as the exchange format declares them
(claims/schema.py), each citation located in its source with the same function the import uses
(``locate_quote``), in constant memory. What it leaves out: validation beyond the
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

from claims.models import Citation, Claim  # noqa: E402
from claims.schema import CITATIONS, RECORD_TYPES, RecordType  # noqa: E402
from claims.verification import _apply_location  # noqa: E402
from sources.models import Source  # noqa: E402
from sources.text import locate_quote  # noqa: E402

BATCH = 2000


class Loader:
    """Records of one type at a time, each line's fields read as the exchange format declares
    them (claims/schema.py): converted in, references as the primary keys loaded before."""

    def __init__(self):
        self.ids: dict[str, dict[str, int]] = {name: {} for name in RECORD_TYPES}
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
        self._write(RECORD_TYPES[self.pending_type], self.pending)
        self.counts[self.pending_type] = self.counts.get(self.pending_type, 0) + len(self.pending)
        self.pending = []

    def _values(self, spec: RecordType, record: dict) -> dict:
        values = {"slug": record["id"]}
        for f in spec.fields:
            value = record.get(f.name)
            if value is None or f.many or f.kind is CITATIONS:
                continue
            values[f.attname] = self.ids[f.ref][value] if f.ref else f.load(value)
        if spec.name == "source":
            values["sha256"] = Source.digest(values.get("text", ""))
        if values.get("status") == "published" and "published_at" in spec.names:
            values.setdefault("published_at", self.now)
        return values

    def _write(self, spec: RecordType, records: list[dict]) -> None:
        model = spec.model
        created = model.objects.bulk_create(model(**self._values(spec, r)) for r in records)
        for obj in created:
            self.ids[spec.name][obj.slug] = obj.pk
        for f in spec.fields:
            if f.many:
                m2m = model._meta.get_field(f.name)
                own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
                m2m.remote_field.through.objects.bulk_create(
                    m2m.remote_field.through(
                        **{f"{own}_id": obj.pk, f"{other}_id": self.ids[f.ref][slug]}
                    )
                    for obj, r in zip(created, records, strict=True)
                    for slug in r.get(f.name) or ()
                )
            elif f.kind is CITATIONS:
                self._write_citations(created, records)
        if spec.name == "source":
            for obj in created:
                obj.text = ""  # keep no texts in memory

    def _write_citations(self, claims: list[Claim], records: list[dict]) -> None:
        source_ids = {
            self.ids["source"][c["source"]] for r in records for c in r.get("citations") or ()
        }
        texts = dict(Source.objects.filter(pk__in=source_ids).values_list("pk", "text"))
        citations = []
        for obj, r in zip(claims, records, strict=True):
            for position, item in enumerate(r.get("citations") or ()):
                source_id = self.ids["source"][item["source"]]
                citation = Citation(
                    claim_id=obj.pk,
                    source_id=source_id,
                    quote=item["quote"],
                    note=item.get("note") or "",
                    position=position,
                )
                _apply_location(
                    citation, locate_quote(item["quote"], texts[source_id]), now=self.now
                )
                citations.append(citation)
        Citation.objects.bulk_create(citations)


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
