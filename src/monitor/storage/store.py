"""The database: one connection, its pragmas, its migrations, one write transaction.

Writers are few and short: the poller, the digest sender (its own connection, in the
service a thread of its own) and commands such as ``rematch``. Every write that spans rows
runs in one ``BEGIN IMMEDIATE`` transaction, so a crash leaves either all of a feed's
update or none of it, and a second writer waits for the first (30 s busy timeout)
instead of failing. WAL lets readers (``monitor status``, ``search``) run while one
writes. All times
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
from monitor.storage.alerts import AlertQueries
from monitor.storage.articles import ArticleQueries
from monitor.storage.digests import DigestQueries
from monitor.storage.feeds import FeedQueries
from monitor.storage.hits import HitQueries
from monitor.storage.schema import migrations, unknown
from monitor.storage.service import ServiceQueries
from monitor.storage.stories import StoryQueries

BUSY_TIMEOUT = 30.0

#: sqlite3's messages, and what they mean for someone running the monitor.
_MEANINGS = {
    "database or disk is full": "the disk is full",
    "disk I/O error": "disk I/O error (is the disk full or failing?)",
    "database is locked": "the database stayed locked by another process (another monitor?)",
    "file is not a database": "it is not a SQLite database (damaged, or not the monitor's)",
    "database disk image is malformed": "the database file is damaged",
    "attempt to write a readonly database": "the database is read-only",
    "unable to open database file": "the file cannot be opened (missing, or no permission)",
}


def explain(error: sqlite3.Error) -> str:
    """sqlite3's message with what it means, on one line."""
    text = str(error)
    meaning = next((m for key, m in _MEANINGS.items() if key in text), None)
    return f"{meaning} ({text})" if meaning else text


def _connect_readonly(path: Path, timeout: float) -> sqlite3.Connection:
    """A read-only connection; on a read-only filesystem, an immutable one.

    A WAL database opened read-only needs its -shm file, which SQLite cannot create on a
    read-only filesystem; there nobody can be writing, so reading it as immutable is safe.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as e:
        conn.close()
        if "unable to open" not in str(e):
            raise
    immutable = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None)
    immutable.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return immutable


class Store(
    FeedQueries, ArticleQueries, HitQueries, DigestQueries, ServiceQueries, StoryQueries,
    AlertQueries,
):  # fmt: skip
    """The monitor's database. Not thread-safe: one Store per thread."""

    def __init__(self, db: Database, path: Path, *, readonly: bool = False) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False, timeout: float = BUSY_TIMEOUT) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        ``readonly`` opens an existing database for reading only (``status``, ``hits``,
        ``search``, ``explain``): nothing is created, migrated or written, so those work
        on a read-only file and never contend with the poller for the write lock.
        """
        try:
            return cls._open_readonly(path, timeout) if readonly else cls._open(path, timeout)
        except (sqlite3.Error, OSError) as e:
            reason = explain(e) if isinstance(e, sqlite3.Error) else str(e)
            raise StorageError(f"cannot open database {path}: {reason}") from e

    @classmethod
    def _open(cls, path: Path, timeout: float) -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        try:
            db = Database(conn)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            _refuse_newer(db, path)
            migrations.apply(db)
        except BaseException:
            conn.close()
            raise
        return cls(db, path)

    @classmethod
    def _open_readonly(cls, path: Path, timeout: float) -> Store:
        if not path.exists():
            raise StorageError(
                f"no database at {path} yet: `monitor poll` creates it on its first cycle"
            )
        conn = _connect_readonly(path, timeout)
        try:
            db = Database(conn)
            _refuse_newer(db, path)
            if migrations.pending(db):
                raise StorageError(
                    f"database {path} is from an older version: `monitor poll` upgrades it"
                )
        except BaseException:
            conn.close()
            raise
        return cls(db, path, readonly=True)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One write transaction; IMMEDIATE so a second writer waits instead of failing."""
        if self.readonly:
            raise StorageError(f"database {self.path} was opened read-only")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.rollback()
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            if self.db.conn.in_transaction:
                self.db.rollback()
            raise StorageError(f"cannot write to the database {self.path}: {explain(e)}") from e

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as e:
            raise StorageError(f"cannot read the database {self.path}: {explain(e)}") from e

    def quote_fts(self, query: str) -> str:
        return self.db.quote_fts(query)


def _refuse_newer(db: Database, path: Path) -> None:
    if newer := unknown(db):
        raise StorageError(
            f"database {path} was written by a newer version of the monitor ({newer[-1]}): "
            "run that version, or restore the copy of the database made before upgrading"
        )
