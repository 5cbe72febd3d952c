from pathlib import Path

import pytest
from django.core.cache import cache

from claims.exchange import import_records

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo" / "rust_case.jsonl"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached: the database is rolled back between tests, the
    cache (public pages, the public data version) is not."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The Rust case, loaded through the import service as `make run` does."""
    return import_records(DEMO.read_bytes())


@pytest.fixture
def reporter(db):
    """A signed-in reporter's test client (a module may define its own ``reporter``)."""
    from tests.helpers import signed_in

    return signed_in("Reporter")
