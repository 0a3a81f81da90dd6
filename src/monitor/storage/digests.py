"""Digests: which hits wait for one, what a digest needs to know, and recording a send."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from monitor.storage.backend import Backend, chunked, record
from monitor.storage.hits import HITS_SELECT, stored_hit
from monitor.storage.times import from_iso, iso, required
from monitor.types import FeedActivity, PendingDigest, SentDigest, StoredHit

# The 30 newest articles of each feed, newest first, in one pass.
_RECENT_ARTICLES = """
SELECT feed_id, fetched_at FROM (
    SELECT feed_id, fetched_at,
        row_number() OVER (PARTITION BY feed_id ORDER BY fetched_at DESC) AS n
    FROM articles
) WHERE n <= 30 ORDER BY feed_id, fetched_at DESC
"""


class DigestQueries:
    """The digest part of Store (mixed in)."""

    def unsent_hits(self: Backend, since: datetime) -> list[StoredHit]:
        """Hits not yet in a sent digest, of articles first seen at or after ``since``, or
        found since then by a correction of an older article's entry."""
        sql = (
            f"{HITS_SELECT} WHERE h.digest_id IS NULL"
            " AND (a.fetched_at >= :since OR (h.corrected AND h.matched_at >= :since))"
            " ORDER BY h.score DESC"
        )
        return [stored_hit(r) for r in self.rows(sql, {"since": iso(since)})]

    def story_times(self: Backend, since: datetime) -> list[tuple[str, datetime]]:
        """(watchlist, when it was first seen) of every story hit since ``since``: a story
        carried by five outlets counts once (an article not placed yet, alone)."""
        rows = self.rows(
            "SELECT h.watchlist, min(a.fetched_at) AS fetched_at"
            " FROM hits h JOIN articles a ON a.id = h.article_id"
            " WHERE a.fetched_at >= ? GROUP BY h.watchlist, coalesce(a.story_id, -a.id)",
            [iso(since)],
        )
        return [(r["watchlist"], from_iso(r["fetched_at"]) or since) for r in rows]

    def feed_activity(self: Backend) -> list[FeedActivity]:
        recent: dict[int, list[datetime]] = defaultdict(list)
        for row in self.rows(_RECENT_ARTICLES):
            recent[row["feed_id"]].append(required(row["fetched_at"]))
        return [
            record(FeedActivity, f, recent=tuple(recent[f["id"]]))
            for f in self.rows("SELECT * FROM feeds WHERE active = 1 ORDER BY id")
        ]

    def reserve_digest(
        self: Backend,
        *,
        hit_ids: Sequence[int],
        created_at: datetime,
        date: str,
        subject: str,
        message_id: str,
        message: bytes,
        transport: str,
        items: int,
    ) -> int:
        """Record a digest about to be sent, with its exact message, and tie its hits to it.

        One transaction. The hits are then no longer "unsent": no other digest takes
        them. ``mark_digest_sent`` confirms the delivery; ``release_digest`` undoes this
        when the delivery certainly failed; a crash in between leaves it pending, and the
        next send delivers the same message again (``pending_digest``).
        """
        with self.write() as db:
            cursor = db.execute(
                "INSERT INTO digests (created_at, date, subject, message_id, message, transport,"
                " items, hits) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [iso(created_at), date, subject, message_id, message, transport, items,
                 len(hit_ids)],
            )  # fmt: skip
            digest_id = int(cursor.lastrowid or 0)
            for chunk, marks in chunked(list(hit_ids)):
                db.execute(
                    f"UPDATE hits SET digest_id = ? WHERE digest_id IS NULL AND id IN ({marks})",
                    [digest_id, *chunk],
                )
        return digest_id

    def count_attempt(self: Backend, digest_id: int) -> None:
        """One more delivery attempt of a reserved digest (written before it is made)."""
        with self.write() as db:
            db.execute("UPDATE digests SET attempts = attempts + 1 WHERE id = ?", [digest_id])

    def mark_digest_sent(
        self: Backend, digest_id: int, *, sent_at: datetime, transport: str, location: str
    ) -> None:
        with self.write() as db:
            db.execute(
                "UPDATE digests SET sent_at = ?, transport = ?, location = ? WHERE id = ?",
                [iso(sent_at), transport, location, digest_id],
            )

    def release_digest(self: Backend, digest_id: int) -> None:
        """Forget a reserved digest that was certainly not delivered; its hits are unsent."""
        with self.write() as db:
            db.execute(
                "UPDATE hits SET digest_id = NULL WHERE digest_id = ?"
                " AND EXISTS (SELECT 1 FROM digests WHERE id = ? AND sent_at IS NULL)",
                [digest_id, digest_id],
            )
            db.execute("DELETE FROM digests WHERE id = ? AND sent_at IS NULL", [digest_id])

    def pending_digest(self: Backend) -> PendingDigest | None:
        """The oldest digest reserved but not confirmed sent (a crash, or a failure that
        may have delivered it), or None."""
        rows = self.rows(
            "SELECT * FROM digests WHERE sent_at IS NULL AND message IS NOT NULL"
            " ORDER BY id LIMIT 1"
        )
        if not rows:
            return None
        r = rows[0]
        return record(PendingDigest, r, digest_id=r["id"], message=bytes(r["message"]))

    def sent_digests(self: Backend, limit: int = 30) -> list[SentDigest]:
        rows = self.rows(
            "SELECT * FROM digests WHERE sent_at IS NOT NULL ORDER BY id DESC LIMIT ?", [limit]
        )
        return [record(SentDigest, r, digest_id=r["id"]) for r in rows]
