"""Builders for digest tests: stored hits without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from monitor.types import Hit, Snippet, StoredHit, TermHit

NOW = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
_ids = count(1)


def stored(
    title: str,
    *,
    watchlist: str = "relations",
    score: float = 5.0,
    url: str | None = None,
    source: str = "Feed",
    article_id: int | None = None,
    hours_ago: float = 1,
    snippet: str | None = None,
    terms: tuple[str, ...] = ("Cuba", "United States"),
) -> StoredHit:
    text = snippet if snippet is not None else title
    marks = tuple((text.find(t), text.find(t) + len(t)) for t in terms if t in text)
    when = NOW - timedelta(hours=hours_ago)
    hit_id = next(_ids)
    return StoredHit(
        hit_id=hit_id,
        article_id=article_id if article_id is not None else 1000 + hit_id,
        url=url if url is not None else f"https://news.example/{hit_id}",
        title=title,
        source=source,
        feed=source,
        language="en",
        published=when,
        fetched_at=when,
        matched_at=when,
        hit=Hit(
            watchlist=watchlist,
            score=score,
            terms=tuple(
                TermHit(
                    term=t,
                    group="g",
                    alias=t,
                    field="title",
                    position=0,
                    count=1,
                    score=score / len(terms),
                )
                for t in terms
            ),
            snippet=Snippet(text=text, marks=tuple(sorted(marks))),
        ),
    )
