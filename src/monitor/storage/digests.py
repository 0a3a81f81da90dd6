"""Digests: which hits wait for one, what a digest needs to know, and recording a send."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from monitor.storage.backend import Backend
from monitor.storage.hits import HITS_SELECT, stored_hit
from monitor.storage.times import from_iso, iso
from monitor.types import FeedActivity, SentDigest, StoredHit

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
        """Hits not yet in a sent digest, of articles first seen at or after ``since``."""
        sql = f"{HITS_SELECT} WHERE h.digest_id IS NULL AND a.fetched_at >= ? ORDER BY h.score DESC"
        return [stored_hit(r) for r in self.rows(sql, [iso(since)])]

    def hit_times(self: Backend, since: datetime) -> list[tuple[str, datetime]]:
        """(watchlist, when its article was first seen) of every hit since ``since``."""
        rows = self.rows(
            "SELECT h.watchlist, a.fetched_at FROM hits h JOIN articles a ON a.id = h.article_id"
            " WHERE a.fetched_at >= ?",
            [iso(since)],
        )
        return [(r["watchlist"], from_iso(r["fetched_at"]) or since) for r in rows]

    def feed_activity(self: Backend) -> list[FeedActivity]:
        recent: dict[int, list[datetime]] = defaultdict(list)
        for row in self.rows(_RECENT_ARTICLES):
            recent[row["feed_id"]].append(from_iso(row["fetched_at"]) or datetime.min)
        return [
            FeedActivity(
                name=f["name"],
                last_error=f["last_error"],
                failing_since=from_iso(f["failing_since"]),
                last_ok_at=from_iso(f["last_ok_at"]),
                last_new_at=from_iso(f["last_new_at"]),
                recent=tuple(recent[f["id"]]),
            )
            for f in self.rows("SELECT * FROM feeds WHERE active = 1 ORDER BY id")
        ]

    def record_sent_digest(
        self: Backend,
        *,
        hit_ids: Sequence[int],
        created_at: datetime,
        sent_at: datetime,
        date: str,
        subject: str,
        message_id: str,
        transport: str,
        items: int,
        location: str,
    ) -> int:
        """Record a delivered digest and tie its hits to it, in one transaction.

        Called only after the send succeeded: a failed send records nothing, so its hits
        wait for the next digest.
        """
        with self.write() as db:
            cursor = db.execute(
                "INSERT INTO digests (created_at, sent_at, date, subject, message_id, transport,"
                " items, hits, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [iso(created_at), iso(sent_at), date, subject, message_id, transport, items,
                 len(hit_ids), location],
            )  # fmt: skip
            digest_id = int(cursor.lastrowid or 0)
            for start in range(0, len(hit_ids), 500):
                chunk = list(hit_ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                db.execute(
                    f"UPDATE hits SET digest_id = ? WHERE digest_id IS NULL AND id IN ({marks})",
                    [digest_id, *chunk],
                )
        return digest_id

    def sent_digests(self: Backend, limit: int = 30) -> list[SentDigest]:
        rows = self.rows(
            "SELECT * FROM digests WHERE sent_at IS NOT NULL ORDER BY id DESC LIMIT ?", [limit]
        )
        return [
            SentDigest(
                digest_id=r["id"],
                date=r["date"],
                subject=r["subject"],
                sent_at=from_iso(r["sent_at"]) or datetime.min,
                items=r["items"],
                hits=r["hits"],
                location=r["location"],
                transport=r["transport"],
            )
            for r in rows
        ]
