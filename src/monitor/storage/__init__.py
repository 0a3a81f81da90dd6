"""SQLite storage through sqlite-utils: feeds, articles, full-text search.

One process writes (the poller); every write that spans rows runs in one ``BEGIN
IMMEDIATE`` transaction, so a crash leaves either all of a feed's update or none of it.
WAL lets readers (``monitor status``, ``search``) run while the poller writes. All times
are stored as UTC ISO 8601 text. sqlite3 errors become StorageError here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from monitor.errors import StorageError
from monitor.storage.digests import DigestQueries
from monitor.storage.hits import INSERT_HIT, HitQueries, hit_params
from monitor.storage.schema import migrations
from monitor.storage.times import from_iso, iso
from monitor.types import Article, Feed, FeedState, FeedUpdate

BUSY_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedHealth:
    """One feed as ``monitor status`` shows it."""

    name: str
    url: str
    last_fetched_at: datetime | None
    last_ok_at: datetime | None
    last_new_at: datetime | None
    last_status: str | None
    last_error: str | None
    consecutive_failures: int
    failing_since: datetime | None
    next_due_at: datetime | None
    items: int
    hits: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    article_id: int
    title: str
    url: str
    feed: str
    published: datetime | None
    snippet: str


class Store(HitQueries, DigestQueries):
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

    # -- feeds ---------------------------------------------------------------------------

    def sync_feeds(self, feeds: Sequence[Feed], now: datetime) -> dict[str, FeedState]:
        """Make the feeds table match feeds.yaml; returns the state of each configured feed.

        A feed whose URL changed in the config starts afresh (no validators, due now).
        """
        existing = {r["name"]: r for r in self.rows("SELECT * FROM feeds")}
        with self.write() as db:
            for feed in feeds:
                row = existing.get(feed.name)
                if row is None:
                    db.table("feeds").insert(
                        {"name": feed.name, "config_url": feed.url, "url": feed.url,
                         "created_at": iso(now), "active": 1}
                    )  # fmt: skip
                elif row["config_url"] != feed.url or not row["active"]:
                    db.execute(
                        "UPDATE feeds SET config_url = ?, url = ?, etag = NULL, active = 1,"
                        " last_modified = NULL, next_due_at = NULL WHERE id = ?",
                        [feed.url, feed.url, row["id"]],
                    )
            names = [f.name for f in feeds]
            marks = ",".join("?" * len(names))
            db.execute(f"UPDATE feeds SET active = 0 WHERE name NOT IN ({marks})", names)
        states = {s.name: s for s in self.feed_states()}
        return {f.name: states[f.name] for f in feeds}

    def feed_states(self) -> list[FeedState]:
        return [
            FeedState(
                feed_id=r["id"],
                name=r["name"],
                url=r["url"],
                etag=r["etag"],
                last_modified=r["last_modified"],
                consecutive_failures=r["consecutive_failures"],
                next_due_at=from_iso(r["next_due_at"]),
            )
            for r in self.rows("SELECT * FROM feeds WHERE active = 1 ORDER BY id")
        ]

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are stored already."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.rows(f"SELECT key FROM articles WHERE key IN ({marks})", chunk)
            found.update(r["key"] for r in rows)
        return found

    def save_feed_update(self, update: FeedUpdate) -> dict[str, int]:
        """Store a poll's articles and the feed's new state together.

        Returns the id of every article this call inserted, by key (an article another
        feed stored first under the same key is not inserted again).
        """
        with self.write() as db:
            inserted = self._insert_articles(db, update.feed_id, update.articles)
            for key, hit in update.hits:
                if key in inserted:
                    db.execute(INSERT_HIT, hit_params(inserted[key], hit, update.fetched_at))
            db.execute(_UPDATE_FEED, _feed_params(update, bool(inserted)))
        return inserted

    def _insert_articles(
        self, db: Database, feed_id: int, articles: Sequence[Article]
    ) -> dict[str, int]:
        inserted = {}
        for article in articles:
            cursor = db.execute(_INSERT_ARTICLE, _article_params(feed_id, article))
            if cursor.rowcount:
                inserted[article.key] = int(cursor.lastrowid or 0)
        return inserted

    def feed_health(self) -> list[FeedHealth]:
        return [
            FeedHealth(
                name=r["name"],
                url=r["url"],
                last_fetched_at=from_iso(r["last_fetched_at"]),
                last_ok_at=from_iso(r["last_ok_at"]),
                last_new_at=from_iso(r["last_new_at"]),
                last_status=r["last_status"],
                last_error=r["last_error"],
                consecutive_failures=r["consecutive_failures"],
                failing_since=from_iso(r["failing_since"]),
                next_due_at=from_iso(r["next_due_at"]),
                items=r["items"],
                hits=r["hits"],
            )
            for r in self.rows(_FEED_HEALTH)
        ]

    # -- articles ------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[SearchResult]:
        """Full-text search over titles and text; accents and case do not matter.

        The query is taken as plain words (all must occur), never as FTS syntax.
        """
        rows = self.rows(_SEARCH, {"q": self.db.quote_fts(query), "limit": limit})
        return [
            SearchResult(
                article_id=r["id"],
                title=r["title"],
                url=r["url"],
                feed=r["feed"],
                published=from_iso(r["published"]),
                snippet=r["snippet"],
            )
            for r in rows
        ]

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT count(*) AS n FROM [{table}]")[0]["n"])


_INSERT_ARTICLE = """
INSERT INTO articles (key, feed_id, url, title, summary, text, text_source, author,
                      language, source, published, fetched_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING
"""

_UPDATE_FEED = """
UPDATE feeds SET
    last_fetched_at = :fetched_at,
    last_status = :status,
    last_error = :error,
    consecutive_failures = :failures,
    next_due_at = :next_due_at,
    failing_since = CASE WHEN :failed THEN coalesce(failing_since, :fetched_at) END,
    last_ok_at = CASE WHEN :failed THEN last_ok_at ELSE :fetched_at END,
    last_new_at = CASE WHEN :new THEN :fetched_at ELSE last_new_at END,
    etag = CASE WHEN :status = 'ok' THEN :etag ELSE etag END,
    last_modified = CASE WHEN :status = 'ok' THEN :last_modified ELSE last_modified END,
    url = coalesce(:moved_to, url)
WHERE id = :feed_id
"""

_FEED_HEALTH = """
SELECT f.*,
    (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS items,
    (SELECT count(*) FROM hits h JOIN articles a ON a.id = h.article_id
        WHERE a.feed_id = f.id) AS hits
FROM feeds f WHERE f.active = 1 ORDER BY f.id
"""

_SEARCH = """
SELECT a.id, a.title, a.url, a.published, f.name AS feed,
    snippet(articles_fts, -1, '[', ']', '…', 20) AS snippet
FROM articles_fts
JOIN articles a ON a.id = articles_fts.rowid
JOIN feeds f ON f.id = a.feed_id
WHERE articles_fts MATCH :q
ORDER BY rank
LIMIT :limit
"""


def _article_params(feed_id: int, a: Article) -> list[Any]:
    return [
        a.key, feed_id, a.url, a.title, a.summary, a.text, a.text_source, a.author,
        a.language, a.source, iso(a.published), iso(a.fetched_at),
    ]  # fmt: skip


def _feed_params(u: FeedUpdate, new: bool) -> dict[str, Any]:
    return {
        "feed_id": u.feed_id,
        "fetched_at": iso(u.fetched_at),
        "status": u.status,
        "error": u.error,
        "failures": u.consecutive_failures,
        "next_due_at": iso(u.next_due_at),
        "failed": u.status == "failed",
        "new": new,
        "etag": u.etag,
        "last_modified": u.last_modified,
        "moved_to": u.moved_to,
    }
