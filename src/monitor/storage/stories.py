"""Stories: where each article was placed, and the features placing compares."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from monitor.storage.backend import Backend, chunked
from monitor.storage.times import iso, required
from monitor.types import Placeable, Placement, StoryFeatures, StoryMember

_MEMBERS = """
SELECT a.id, a.story_id, a.url, s.*
FROM story_features s JOIN articles a ON a.id = s.article_id
WHERE a.story_id IS NOT NULL AND s.at >= ?
ORDER BY s.at
"""

#: An article's ``when`` (``types.Article.when``), in SQL: published, else first seen.
WHEN = "coalesce(published, fetched_at)"

_PLACEABLE = """
SELECT a.id, a.url, a.title, a.text, a.language, coalesce(a.published, a.fetched_at) AS at
FROM articles a
"""

_SAVE_FEATURES = """
INSERT OR REPLACE INTO story_features
    (article_id, signature, text_hash, words, title_words, numbers, names, terms, language, at,
     lead_words, counts)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


class StoryQueries:
    """The story part of Store (mixed in)."""

    def story_members(self: Backend, since: datetime) -> list[StoryMember]:
        """The placed articles published (or first seen) since ``since``, oldest first."""
        return [
            StoryMember(r["id"], r["story_id"], r["url"], _features(r))
            for r in self.rows(_MEMBERS, [iso(since)])
        ]

    def unplaced(self: Backend, limit: int) -> list[Placeable]:
        """Articles not in a story yet (stored before stories, or by a cycle that stopped
        between storing and placing them), oldest first."""
        rows = self.rows(f"{_PLACEABLE} WHERE a.story_id IS NULL ORDER BY at LIMIT ?", [limit])
        return _placeable(self, rows)

    def placeable(
        self: Backend, since: datetime | None = None, batch: int = 500
    ) -> Iterator[list[Placeable]]:
        """Every article published (or first seen) since ``since``, oldest first, ``batch``
        at a time: the archive's texts are never all in memory."""
        where = f"WHERE {WHEN} >= ?" if since else ""
        ids = [
            r["id"]
            for r in self.rows(
                f"SELECT id FROM articles {where} ORDER BY {WHEN}, id",
                [iso(since)] if since else [],
            )
        ]
        for chunk, marks in chunked(ids, batch):
            rows = self.rows(f"{_PLACEABLE} WHERE a.id IN ({marks}) ORDER BY at, a.id", chunk)
            yield _placeable(self, rows)

    def save_placements(self: Backend, placements: Sequence[Placement]) -> None:
        """Record each article's story, and its features, in one transaction."""
        if not placements:
            return
        with self.write() as db:
            for p in placements:
                db.execute(
                    "UPDATE articles SET story_id = ?, story_reason = ? WHERE id = ?",
                    [p.story_id, p.reason, p.article_id],
                )
                db.execute(_SAVE_FEATURES, _feature_params(p.article_id, p.features))

    def clear_stories(self: Backend, since: datetime | None = None) -> int:
        """Unplace the articles published (or first seen) since ``since`` (all: None)."""
        where = f"WHERE {WHEN} >= ?" if since else ""
        with self.write() as db:
            cursor = db.execute(
                f"UPDATE articles SET story_id = NULL, story_reason = NULL {where}",
                [iso(since)] if since else [],
            )
        return int(cursor.rowcount)

    def story_of(self: Backend, article_id: int) -> tuple[int | None, str | None, list[int]]:
        """An article's story, why it joined, and the story's other articles."""
        rows = self.rows("SELECT story_id, story_reason FROM articles WHERE id = ?", [article_id])
        if not rows or rows[0]["story_id"] is None:
            return None, None, []
        story = rows[0]["story_id"]
        others = self.rows(
            "SELECT id FROM articles WHERE story_id = ? AND id != ? ORDER BY id",
            [story, article_id],
        )
        return story, rows[0]["story_reason"], [r["id"] for r in others]


def _placeable(store: Backend, rows: list[dict[str, Any]]) -> list[Placeable]:
    terms = _terms(store, [r["id"] for r in rows])
    return [
        Placeable(
            article_id=r["id"], url=r["url"], title=r["title"], text=r["text"],
            language=r["language"], when=required(r["at"]),
            terms=tuple(sorted(terms.get(r["id"], ()))),
        )
        for r in rows
    ]  # fmt: skip


def _terms(store: Backend, ids: Iterable[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    wanted = list(ids)
    for chunk, marks in chunked(wanted):
        for row in store.rows(
            f"SELECT article_id, terms FROM hits WHERE article_id IN ({marks})", chunk
        ):
            found[row["article_id"]].update(t["term"] for t in json.loads(row["terms"]))
    return found


def _features(r: dict[str, Any]) -> StoryFeatures:
    return StoryFeatures(
        signature=bytes(r["signature"]), text_hash=r["text_hash"], words=r["words"],
        title_words=frozenset(json.loads(r["title_words"])),
        numbers=frozenset(json.loads(r["numbers"])), names=frozenset(json.loads(r["names"])),
        terms=frozenset(json.loads(r["terms"])), language=r["language"],
        when=required(r["at"]),
        lead_words=_words(json.loads(r["lead_words"])),
        counts=frozenset(json.loads(r["counts"])),
    )  # fmt: skip


def _feature_params(article_id: int, f: StoryFeatures) -> list[Any]:
    return [
        article_id, f.signature, f.text_hash, f.words, _list(f.title_words), _list(f.numbers),
        _list(f.names), _list(f.terms), f.language, iso(f.when),
        json.dumps(dict(sorted(f.lead_words.items())), ensure_ascii=False),
        _list(f.counts),
    ]  # fmt: skip


def _words(stored: list[str] | dict[str, float]) -> dict[str, float]:
    # Stored before words had their frequency: a list of uncommon ones.
    return dict.fromkeys(stored, 0.0) if isinstance(stored, list) else stored


def _list(values: frozenset[str]) -> str:
    return json.dumps(sorted(values), ensure_ascii=False)
