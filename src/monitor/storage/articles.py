"""Articles: what is known, one poll's update stored whole, reading and searching them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from monitor.storage.backend import Backend, chunked, record
from monitor.storage.hits import INSERT_HIT, hit_params
from monitor.storage.times import from_iso, iso
from monitor.text.fold import normalize
from monitor.types import (
    Article,
    Correction,
    FeedUpdate,
    Identity,
    KnownEntry,
    PageRetry,
    PageUpdate,
    SearchResult,
    StoredArticle,
)

_INSERT_ARTICLES = """
INSERT INTO articles (key, feed_id, url, title, summary, text, text_source, author,
                      language, source, published, fetched_at, page_attempts, page_retry_at,
                      page_error, entry_revision)
VALUES {rows}
ON CONFLICT (key) DO NOTHING
RETURNING key, id
"""
_ARTICLE_ROW = "(" + ", ".join("?" * 16) + ")"
#: Rows per INSERT: 16 values each stays under SQLite's oldest limit of 999 parameters.
_ROWS_PER_INSERT = 60

_CORRECT_ARTICLE = """
UPDATE articles SET title = :title, summary = :summary, text = :text,
    text_source = :text_source, page_error = :page_error, page_retry_at = :page_retry_at,
    page_attempts = page_attempts + :page_attempts, entry_revision = :revision,
    corrections = corrections + 1, corrected_at = :now
WHERE id = :id
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
    url = coalesce(:moved_to, url),
    gone_since = CASE WHEN :gone THEN coalesce(gone_since, :fetched_at)
                      WHEN :failed THEN gone_since END
WHERE id = :feed_id
"""

_SEARCH = """
SELECT a.id, a.title, a.url, a.published, a.story_id, f.name AS feed,
    snippet(articles_fts, -1, '[', ']', '…', 20) AS snippet
FROM articles_fts
JOIN articles a ON a.id = articles_fts.rowid
JOIN feeds f ON f.id = a.feed_id
WHERE articles_fts MATCH :q
ORDER BY rank
LIMIT :limit
"""

_ARTICLE = "SELECT a.*, f.name AS feed FROM articles a JOIN feeds f ON f.id = a.feed_id"


class ArticleQueries:
    """The article part of Store (mixed in)."""

    def known_entries(self: Backend, keys: Iterable[str]) -> dict[str, KnownEntry]:
        """The entries of ``keys`` stored already, by key."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, KnownEntry] = {}
        for chunk, marks in chunked(wanted):
            rows = self.rows(
                "SELECT key, id, feed_id, entry_revision, corrections, title, text_source"
                f" FROM articles WHERE key IN ({marks})",
                chunk,
            )
            for r in rows:
                found[r["key"]] = KnownEntry(
                    article_id=r["id"], feed_id=r["feed_id"], revision=r["entry_revision"],
                    corrections=r["corrections"], title=r["title"], text_source=r["text_source"],
                )  # fmt: skip
        return found

    def stored_at(self: Backend, feed_id: int, urls: Iterable[str]) -> set[Identity]:
        """What this feed's stored articles at ``urls`` are (``decide.not_reissued``)."""
        found: set[Identity] = set()
        for chunk, marks in chunked(list(dict.fromkeys(urls))):
            rows = self.rows(
                "SELECT url, title, summary, published FROM articles"
                f" WHERE feed_id = ? AND url IN ({marks})",
                [feed_id, *chunk],
            )
            found.update(
                (r["url"], r["title"], r["summary"] or "", from_iso(r["published"])) for r in rows
            )
        return found

    def save_feed_update(self: Backend, update: FeedUpdate) -> dict[str, int]:
        """Store a poll's articles and the feed's new state together.

        Returns the id of every article this call inserted, by key (an article another
        feed stored first under the same key is not inserted again).
        """
        with self.write() as db:
            inserted = _insert_articles(db, update.feed_id, update.articles)
            for key, hit in update.hits:
                if key in inserted:
                    db.execute(INSERT_HIT, hit_params(inserted[key], hit, update.fetched_at))
            for correction in update.corrections:
                _correct(db, correction, update.fetched_at)
            for article_id, revision in update.revisions:
                db.execute(
                    "UPDATE articles SET entry_revision = ? WHERE id = ?", [revision, article_id]
                )
            db.execute(_UPDATE_FEED, _feed_params(update, bool(inserted)))
        return inserted

    def article(self: Backend, ref: str) -> StoredArticle | None:
        """An article by id, or by URL (as given or canonical)."""
        column = "a.id" if ref.isdigit() else "a.url"
        rows = self.rows(
            f"{_ARTICLE} WHERE {column} = ? ORDER BY a.id LIMIT 1",
            [int(ref) if ref.isdigit() else ref],
        )
        return _stored_article(rows[0]) if rows else None

    def articles(self: Backend, batch: int = 500) -> Iterator[list[StoredArticle]]:
        """Every stored article, in batches, oldest first."""
        last = 0
        while True:
            rows = self.rows(f"{_ARTICLE} WHERE a.id > ? ORDER BY a.id LIMIT ?", [last, batch])
            if not rows:
                return
            last = rows[-1]["id"]
            yield [_stored_article(r) for r in rows]

    def pages_to_retry(
        self: Backend, now: datetime, feeds: Sequence[str], limit: int = 100
    ) -> list[PageRetry]:
        """Articles of ``feeds`` whose page is due to be tried again, oldest plan first."""
        if not feeds:
            return []
        marks = ",".join("?" * len(feeds))
        rows = self.rows(
            f"{_ARTICLE} WHERE a.page_retry_at IS NOT NULL AND a.page_retry_at <= ?"
            f" AND f.name IN ({marks})"
            " AND a.url NOT IN (SELECT url FROM quarantined_pages)"
            " ORDER BY a.page_retry_at LIMIT ?",
            [iso(now), *feeds, limit],
        )
        return [
            PageRetry(
                article_id=r["id"], key=r["key"], feed=r["feed"], url=r["url"], title=r["title"],
                summary=r["summary"], page_attempts=r["page_attempts"], language=r["language"],
            )
            for r in rows
        ]  # fmt: skip

    def save_page_update(self: Backend, update: PageUpdate, now: datetime) -> None:
        """A retried page: its text (if it came) and its recomputed unsent hits, together.

        Hits already sent stay as they were.
        """
        with self.write() as db:
            db.execute(
                "UPDATE articles SET page_attempts = ?, page_retry_at = ?, page_error = ?"
                " WHERE id = ?",
                [update.page_attempts, iso(update.page_retry_at), update.page_error,
                 update.article_id],
            )  # fmt: skip
            if update.text is None:
                return
            db.execute(
                "UPDATE articles SET text = ?, text_source = 'page', page_error = NULL"
                " WHERE id = ?",
                [update.text, update.article_id],
            )
            db.execute(
                "DELETE FROM hits WHERE article_id = ? AND digest_id IS NULL", [update.article_id]
            )
            for hit in update.hits:
                db.execute(INSERT_HIT, hit_params(update.article_id, hit, now))

    def quarantined_urls(self: Backend) -> set[str]:
        """The pages never to extract again (they killed their worker twice)."""
        return {r["url"] for r in self.rows("SELECT url FROM quarantined_pages")}

    def quarantined_pages(self: Backend) -> list[tuple[str, str, datetime]]:
        """Each quarantined page: its URL, why, and since when; newest first."""
        rows = self.rows("SELECT url, reason, at FROM quarantined_pages ORDER BY at DESC")
        return [(r["url"], r["reason"], datetime.fromisoformat(r["at"])) for r in rows]

    def quarantine(self: Backend, url: str, reason: str, now: datetime) -> None:
        """Never extract ``url`` again; the first reason recorded stays."""
        with self.write() as db:
            db.execute(
                "INSERT INTO quarantined_pages (url, reason, at) VALUES (?, ?, ?)"
                " ON CONFLICT (url) DO NOTHING",
                [url, reason, iso(now)],
            )

    def search(self: Backend, query: str, limit: int = 20) -> list[SearchResult]:
        """Full-text search over titles and text; accents and case do not matter.

        The query is taken as plain words (all must occur), never as FTS syntax.
        """
        quoted = self.quote_fts(normalize(query))
        if not quoted:
            return []  # only quotes: no word to look for, and FTS5 refuses an empty MATCH
        rows = self.rows(_SEARCH, {"q": quoted, "limit": limit})
        return [record(SearchResult, r, article_id=r["id"]) for r in rows]


def _correct(db: Any, correction: Correction, now: datetime) -> None:
    """A corrected entry: the article as it is now, and its unsent hits replaced by the
    new ones, marked corrected; a hit already sent stays as it was sent."""
    a = correction.article
    db.execute(_CORRECT_ARTICLE, {
        "id": correction.article_id, "title": a.title, "summary": a.summary, "text": a.text,
        "text_source": a.text_source, "page_error": a.page_error,
        "page_retry_at": iso(a.page_retry_at), "page_attempts": a.page_attempts,
        "revision": a.revision or None, "now": iso(now),
    })  # fmt: skip
    db.execute("DELETE FROM hits WHERE article_id = ? AND digest_id IS NULL",
               [correction.article_id])  # fmt: skip
    for hit in correction.hits:
        db.execute(INSERT_HIT, hit_params(correction.article_id, hit, now, corrected=True))


def _insert_articles(db: Any, feed_id: int, articles: Sequence[Article]) -> dict[str, int]:
    """Insert the new ones of ``articles``; their ids by key, in the order given.

    Many rows per statement, because SQLite opens a savepoint for each statement that
    fires a trigger, and FTS5 writes out its pending index at every savepoint: one
    INSERT per article made a new index segment per article (docs/performance.md)."""
    inserted: dict[str, int] = {}
    for start in range(0, len(articles), _ROWS_PER_INSERT):
        chunk = articles[start : start + _ROWS_PER_INSERT]
        sql = _INSERT_ARTICLES.format(rows=", ".join([_ARTICLE_ROW] * len(chunk)))
        params = [value for a in chunk for value in _article_params(feed_id, a)]
        inserted.update((row[0], int(row[1])) for row in db.execute(sql, params).fetchall())
    order = {a.key: i for i, a in reversed(list(enumerate(articles)))}
    return dict(sorted(inserted.items(), key=lambda kv: order[kv[0]]))


def _article_params(feed_id: int, a: Article) -> list[Any]:
    return [
        a.key, feed_id, a.url, a.title, a.summary, a.text, a.text_source, a.author,
        a.language, a.source, iso(a.published), iso(a.fetched_at), a.page_attempts,
        iso(a.page_retry_at), a.page_error, a.revision or None,
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
        "gone": u.gone,
    }


def _stored_article(row: dict[str, Any]) -> StoredArticle:
    return record(StoredArticle, row, article_id=row["id"])
