"""The JSON Lines exchange format: import (validate everything, then write in one transaction)
and export (deterministic, so export → import → export is byte-identical).

One JSON object per line; ``type`` says what it is, ``id`` is the record's slug, and
references use ids of records on earlier lines (or already in the database). The format itself
(each record type's fields, their converters in and out, which are public) is declared once, in
claims/schema.py. This package reads and writes it:

* ``fields``: the declaration bound to the models (their own field validation, defaults);
* ``read``: the file's lines, each checked against the declaration; the first pass, which
  names every bad line and writes nothing;
* ``rows``: COPY, the rows of new records with their history;
* ``write``: the second pass in one transaction, by batches, with each record type's own work
  in its hooks; the publishing rules; a restore (items as they were, flagged, not refused);
* ``export``: every record as a line.
"""

from claims.exchange.export import dumps, export_records
from claims.exchange.read import (
    LONE_SURROGATE,
    SLUG_RE,
    ImportFailed,
    LineError,
    Parsed,
    parse,
    read_lines,
    validate,
)
from claims.exchange.write import ImportReport, NotEmpty, import_records
from claims.schema import RECORD_TYPES, TYPE_ORDER

__all__ = [
    "LONE_SURROGATE",
    "RECORD_TYPES",
    "SLUG_RE",
    "TYPE_ORDER",
    "ImportFailed",
    "ImportReport",
    "LineError",
    "NotEmpty",
    "Parsed",
    "dumps",
    "export_records",
    "import_records",
    "parse",
    "read_lines",
    "validate",
]
