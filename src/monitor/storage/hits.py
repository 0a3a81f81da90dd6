"""Hits: stored with their articles, listed, recomputed after a watchlist edit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.storage.backend import Backend, record
from monitor.storage.times import iso
from monitor.types import Hit, Snippet, StoredHit, TermHit

INSERT_HIT = """
INSERT INTO hits (article_id, watchlist, score, terms, snippet, marks, tags, matched_at,
                  corrected)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (article_id, watchlist) DO NOTHING
"""

UPDATE_HIT = """
UPDATE hits SET score = ?, terms = ?, snippet = ?, marks = ?, tags = ?, matched_at = ?
WHERE id = ?
"""


@dataclass(frozen=True, slots=True)
class HitChanges:
    """What a recomputation did to the stored (unsent) hits."""

    removed: int
    added: int
    #: Still a hit, with another score, terms or snippet.
    updated: int


def hit_params(article_id: int, hit: Hit, now: datetime, *, corrected: bool = False) -> list[Any]:
    terms = [
        {"term": t.term, "group": t.group, "alias": t.alias, "field": t.field,
         "position": t.position, "count": t.count, "score": t.score}
        for t in hit.terms
    ]  # fmt: skip
    return [
        article_id, hit.watchlist, hit.score, json.dumps(terms, ensure_ascii=False),
        hit.snippet.text, json.dumps(hit.snippet.marks), json.dumps(hit.tags),
        _iso(now), int(corrected),
    ]  # fmt: skip


def _iso(value: datetime) -> str:
    return iso(value) or ""


HITS_SELECT = """
SELECT h.*, a.url, a.title, a.language, a.published, a.fetched_at, a.story_id,
    coalesce(a.source, f.name) AS source, f.name AS feed
FROM hits h JOIN articles a ON a.id = h.article_id JOIN feeds f ON f.id = a.feed_id
"""


class HitQueries:
    """The hit part of Store (mixed in)."""

    def hits(
        self: Backend,
        *,
        since: datetime | None = None,
        watchlist: str | None = None,
        limit: int | None = None,
    ) -> list[StoredHit]:
        """Hits, newest first; ``since`` compares with when the article was first seen."""
        where, params = ["1"], []
        if since is not None:
            where.append("a.fetched_at >= ?")
            params.append(_iso(since))
        if watchlist is not None:
            where.append("h.watchlist = ?")
            params.append(watchlist)
        sql = f"{HITS_SELECT} WHERE {' AND '.join(where)} ORDER BY a.fetched_at DESC, h.score DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [stored_hit(r) for r in self.rows(sql, params)]

    def replace_hits(
        self: Backend,
        found: Sequence[tuple[int, Sequence[Hit]]],
        watchlists: Sequence[str],
        now: datetime,
    ) -> HitChanges:
        """Recompute ``watchlists``' hits of these articles; sent hits are kept as they are.

        A hit found again as it was is left alone (it keeps its matched_at), so a rematch
        with nothing changed changes nothing.
        """
        names = list(watchlists)
        marks = ",".join("?" * len(names))
        removed = added = updated = 0
        with self.write() as db:
            for article_id, hits in found:
                stored = {
                    row[0]: (row[1], list(row[2:]))
                    for row in db.execute(
                        f"SELECT watchlist, id, score, terms, snippet, marks, tags FROM hits"
                        f" WHERE article_id = ? AND watchlist IN ({marks}) AND digest_id IS NULL",
                        [article_id, *names],
                    )
                }
                for hit in hits:
                    params = hit_params(article_id, hit, now)
                    old = stored.pop(hit.watchlist, None)
                    if old is None:
                        added += db.execute(INSERT_HIT, params).rowcount
                    elif old[1] != params[2:7]:
                        db.execute(UPDATE_HIT, [*params[2:8], old[0]])
                        updated += 1
                for hit_id, _ in stored.values():
                    removed += db.execute("DELETE FROM hits WHERE id = ?", [hit_id]).rowcount
        return HitChanges(removed=removed, added=added, updated=updated)

    def remove_hits_of_unknown_watchlists(self: Backend, known: Sequence[str]) -> int:
        """Drop unsent hits of watchlists that no longer exist."""
        marks = ",".join("?" * len(known)) or "''"
        with self.write() as db:
            cursor = db.execute(
                f"DELETE FROM hits WHERE digest_id IS NULL AND watchlist NOT IN ({marks})",
                list(known),
            )
        return int(cursor.rowcount)


def stored_hit(row: dict[str, Any]) -> StoredHit:
    terms = tuple(TermHit(**t) for t in json.loads(row["terms"]))
    hit = Hit(
        watchlist=row["watchlist"],
        score=row["score"],
        terms=terms,
        snippet=Snippet(
            text=row["snippet"],
            marks=tuple(tuple(m) for m in json.loads(row["marks"])),
        ),
        tags=tuple(json.loads(row["tags"])),
    )
    return record(StoredHit, row, hit_id=row["id"], hit=hit, corrected=bool(row.get("corrected")))
