"""SQLite storage through sqlite-utils: the seam where another database would go.

- ``store``: ``Store``, the connection, its pragmas and its one write transaction.
- ``schema``: the tables, as an ordered list of migrations.
- ``feeds``, ``articles``, ``hits``, ``digests``, ``alerts``, ``service``, ``stories``: the
  queries, one module per table,
  mixed into ``Store``; each sees only ``backend.Backend`` (rows out, one write in).
- ``times``: how times are stored (UTC ISO 8601 text).
- ``backend``: what every query module needs of the store.

Rules: the only package importing sqlite-utils and sqlite3; sqlite3 errors become
``StorageError`` here; records in and out are ``monitor.types``, never rows.
"""

from monitor.storage.store import Store

__all__ = ["Store"]
