"""Tooling for developers and benchmarks, kept out of the domain apps: plain Python, never
imported by the running site.

- ``tooling.synthetic``: fictional records in the exchange format (``manage.py
  generate_synthetic``, ``make bench``, the import tests).
"""
