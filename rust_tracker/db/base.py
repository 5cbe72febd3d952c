"""A PostgreSQL backend that starts the embedded server on first connection.

Used only when ``DATABASE_URL`` is unset. Processes that never touch the database
(``manage.py extract_quotes --no-db``, ``ruff``) never start a server.
"""

from django.db.backends.postgresql import base

from rust_tracker.db import embedded

_created: set[str] = set()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        server = embedded.ensure_server()
        self.settings_dict["HOST"] = server.host
        self.settings_dict["PORT"] = str(server.port)
        self.settings_dict["USER"] = self.settings_dict["USER"] or "postgres"
        name = self.settings_dict.get("EMBEDDED_DATABASE")
        if name and name not in _created:
            embedded.ensure_database(server, name)
            _created.add(name)
        return super().get_connection_params()
