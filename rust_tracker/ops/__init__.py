"""Operations code that the app imports: backups of the database and their restore
(``rust_tracker.ops.backups``, run by ``manage.py backup`` and ``restore``).

Beside it: the embedded PostgreSQL server and its watchdog (``rust_tracker.db``), and the
scripts that run the stack, its replicas and the chaos tests (``scripts/``, programs rather than
modules).
"""
