from pathlib import Path

import pytest

from claims.exchange import import_records

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "rust_case.jsonl"


@pytest.fixture
def demo(db):
    """The Rust case, loaded through the import service as `make run` does."""
    return import_records(DEMO.read_bytes())
