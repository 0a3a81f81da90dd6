"""The database: one connection, its pragmas, its migrations, one write transaction.

One process writes (the poller); every write that spans rows runs in one ``BEGIN
IMMEDIATE`` transaction, so a crash leaves either all of a feed's update or none of it.
WAL lets readers (``monitor status``, ``search``) run while the poller writes. All times
are stored as UTC ISO 8601 text. sqlite3 errors become StorageError here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from monitor.errors import StorageError
from monitor.storage.articles import ArticleQueries
from monitor.storage.digests import DigestQueries
from monitor.storage.feeds import FeedQueries
from monitor.storage.hits import HitQueries
from monitor.storage.schema import migrations

BUSY_TIMEOUT = 30.0


class Store(FeedQueries, ArticleQueries, HitQueries, DigestQueries):
    """The monitor's database. Not thread-safe: one Store per thread."""

    def __init__(self, db: Database, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating if needed) and migrate the database at ``path``."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
            db = Database(conn)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            migrations.apply(db)
        except (sqlite3.Error, OSError) as e:
            raise StorageError(f"cannot open database {path}: {e}") from e
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction; IMMEDIATE so a second writer waits instead of failing."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.rollback()
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            raise StorageError(f"database write failed ({self.path}): {e}") from e

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as e:
            raise StorageError(f"database read failed ({self.path}): {e}") from e

    def quote_fts(self, query: str) -> str:
        return self.db.quote_fts(query)

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT count(*) AS n FROM [{table}]")[0]["n"])
