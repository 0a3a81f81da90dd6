"""Feeds: the configured list kept in step with the table, their state and health."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from monitor.storage.backend import Backend, record
from monitor.storage.times import iso
from monitor.text.fold import normalize
from monitor.types import Feed, FeedHealth, FeedState

_FEED_HEALTH = """
SELECT f.*,
    (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS items,
    (SELECT count(*) FROM hits h JOIN articles a ON a.id = h.article_id
        WHERE a.feed_id = f.id) AS hits
FROM feeds f WHERE f.active = 1 ORDER BY f.id
"""


class FeedQueries:
    """The feed part of Store (mixed in)."""

    def sync_feeds(self: Backend, feeds: Sequence[Feed], now: datetime) -> dict[str, FeedState]:
        """Make the feeds table match feeds.yaml; returns the state of each configured feed.

        A feed whose URL changed in the config starts afresh (no validators, due now). A
        feed renamed in the config (a new name, the URL of a stored feed no configured name
        claims) keeps its row: its entries' keys are scoped by it, and a new row made
        every entry new again, stored twice and sent again in the next digest.
        """
        rows = self.rows("SELECT * FROM feeds ORDER BY id")
        existing = {r["name"]: r for r in rows}
        # A name stored decomposed ("i" and a combining accent, as some editors save it)
        # is the same feed once config is read composed: its row, state and entries stay.
        composed = {normalize(r["name"]): r for r in rows if r["name"] != normalize(r["name"])}
        claimed = {f.name for f in feeds}
        renamed = {
            r["config_url"]: r
            for r in rows
            if r["name"] not in claimed and normalize(r["name"]) not in claimed
        }
        with self.write() as db:
            for feed in feeds:
                row = existing.get(feed.name) or composed.get(feed.name)
                if row is None and feed.url in renamed:
                    row = renamed.pop(feed.url)
                if row is not None and row["name"] != feed.name:
                    db.execute("UPDATE feeds SET name = ? WHERE id = ?", [feed.name, row["id"]])
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
        states = {s.name: s for s in FeedQueries.feed_states(self)}
        return {f.name: states[f.name] for f in feeds}

    def feed_states(self: Backend) -> list[FeedState]:
        return [
            record(FeedState, r, feed_id=r["id"])
            for r in self.rows("SELECT * FROM feeds WHERE active = 1 ORDER BY id")
        ]

    def feed_health(self: Backend) -> list[FeedHealth]:
        return [record(FeedHealth, r) for r in self.rows(_FEED_HEALTH)]
