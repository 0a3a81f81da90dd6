"""Alerts: what was recorded for which channel, what is due, and each delivery's outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from monitor.storage.backend import Backend, record
from monitor.storage.times import iso
from monitor.types import NewAlert, StoredAlert


class AlertQueries:
    """The alert part of Store (mixed in)."""

    def alerted(
        self: Backend, since: datetime
    ) -> tuple[set[tuple[int, str, str]], set[tuple[int, str]]]:
        """What was recorded since ``since``: (article, watchlist, channel) keys, and
        (story, channel) pairs already alerted (pending or sent), for folding copies."""
        rows = self.rows(
            "SELECT article_id, watchlist, channel, story_id, state FROM alerts"
            " WHERE created_at >= ?",
            [iso(since)],
        )
        keys = {(r["article_id"], r["watchlist"], r["channel"]) for r in rows}
        stories = {
            (r["story_id"], r["channel"])
            for r in rows
            if r["story_id"] is not None and r["state"] in ("pending", "sent")
        }
        return keys, stories

    def record_alerts(self: Backend, alerts: Sequence[NewAlert], now: datetime) -> int:
        """Record alerts before any is delivered, in one transaction; one already recorded
        (same article, watchlist and channel) is left as it is. Returns how many are new."""
        new = 0
        with self.write() as db:
            for a in alerts:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO alerts (article_id, watchlist, channel, story_id,"
                    " state, title, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [a.article_id, a.watchlist, a.channel, a.story_id, a.state,
                     a.message.title, a.message.body, iso(now), iso(now)],
                )  # fmt: skip
                new += cursor.rowcount
        return new

    def due_alerts(self: Backend, now: datetime, limit: int) -> list[StoredAlert]:
        """Pending alerts whose time has come, oldest first."""
        rows = self.rows(
            "SELECT * FROM alerts WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT ?",
            [iso(now), limit],
        )
        return [record(StoredAlert, r, alert_id=r["id"]) for r in rows]

    def begin_alert(self: Backend, alert_id: int, retry_at: datetime) -> None:
        """One more attempt, written before it is made: a crash during delivery leaves
        the alert pending, to be delivered again at ``retry_at``."""
        with self.write() as db:
            db.execute(
                "UPDATE alerts SET attempts = attempts + 1, next_at = ? WHERE id = ?",
                [iso(retry_at), alert_id],
            )

    def alert_sent(self: Backend, alert_id: int, sent_at: datetime) -> None:
        with self.write() as db:
            db.execute(
                "UPDATE alerts SET state = 'sent', sent_at = ?, error = NULL WHERE id = ?",
                [iso(sent_at), alert_id],
            )

    def alert_failed(self: Backend, alert_id: int, error: str, *, abandon: bool) -> None:
        """A failed attempt: kept pending for its retry, or abandoned after the last."""
        state = "abandoned" if abandon else "pending"
        with self.write() as db:
            db.execute(
                "UPDATE alerts SET state = ?, error = ? WHERE id = ?", [state, error, alert_id]
            )

    def recent_alerts(self: Backend, limit: int = 50) -> list[StoredAlert]:
        rows = self.rows("SELECT * FROM alerts ORDER BY id DESC LIMIT ?", [limit])
        return [record(StoredAlert, r, alert_id=r["id"]) for r in rows]

    def alert_counts(self: Backend, since: datetime) -> tuple[dict[str, int], str | None]:
        """Alerts recorded since ``since`` by state, and the newest error of one not sent."""
        rows = self.rows(
            "SELECT state, count(*) AS n FROM alerts WHERE created_at >= ? GROUP BY state",
            [iso(since)],
        )
        error = self.rows(
            "SELECT error FROM alerts WHERE created_at >= ? AND state IN ('pending', 'abandoned')"
            " AND error IS NOT NULL ORDER BY id DESC LIMIT 1",
            [iso(since)],
        )
        return {r["state"]: r["n"] for r in rows}, error[0]["error"] if error else None
