"""The public, read-only JSON API (``/api/v1/``): the public pages' data, through the same
``published()`` rules, filters and search, cached with them (rust_tracker/caching.py)."""
