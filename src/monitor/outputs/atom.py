"""Stored hits to an Atom feed: one entry per story, for any feed reader. Pure.

Each entry is a story's best hit (the highest score, then the earliest): its id is the
story's (``tag:`` URI, stable across cycles and rebuilds of the file, so a reader never
shows a story twice), ``updated`` is when that hit was matched, the summary says why it
is there (the watchlist, its score and strongest terms) and shows the sentence that made
it, the link is the article's. An article not placed in a story yet is its own story.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator

from monitor.text.html import xml_safe
from monitor.types import StoredHit

#: The ``tag:`` authority of every id (RFC 4151): the project's name, not a host.
AUTHORITY = "cuba-monitor.invalid,2026"


def story_id(hit: StoredHit) -> str:
    """The entry id of a hit's story; an article not placed yet stands for its own."""
    if hit.story_id is not None:
        return f"tag:{AUTHORITY}:story/{hit.story_id}"
    return f"tag:{AUTHORITY}:article/{hit.article_id}"


def best_of_stories(hits: Sequence[StoredHit]) -> list[StoredHit]:
    """One hit per story, its best (highest score, then earliest), newest story first."""
    best: dict[str, StoredHit] = {}
    for hit in hits:
        key = story_id(hit)
        known = best.get(key)
        if known is None or (-hit.hit.score, hit.when) < (-known.hit.score, known.when):
            best[key] = hit
    return sorted(best.values(), key=lambda h: (h.matched_at, h.hit_id), reverse=True)


def atom_feed(
    name: str, title: str, hits: Sequence[StoredHit], now: datetime, limit: int = 100
) -> bytes:
    """The Atom document of ``hits`` (at most ``limit`` stories) for the feed ``name``."""
    stories = best_of_stories(hits)[:limit]
    feed = FeedGenerator()
    feed.id(f"tag:{AUTHORITY}:feed/{name}")
    feed.title(title)
    feed.author({"name": "US–Cuba news monitor"})
    feed.link(href=f"{name}.atom", rel="self")
    feed.updated(max((h.matched_at for h in stories), default=now))
    # feedgen prepends entries unless told otherwise: keep newest first.
    for hit in stories:
        entry = feed.add_entry(order="append")
        entry.id(story_id(hit))
        entry.title(xml_safe(hit.title or hit.url))
        entry.link(href=hit.url)
        entry.updated(hit.matched_at)
        if hit.published is not None:
            entry.published(hit.published)
        entry.summary(xml_safe(_summary(hit)))
        entry.category(term=hit.hit.watchlist)
        if hit.language:
            entry.category(term=f"language:{hit.language}", label=hit.language)
    document: bytes = feed.atom_str(pretty=True)
    return document


def _summary(hit: StoredHit) -> str:
    why = ", ".join(hit.hit.why())
    language = f" [{hit.language}]" if hit.language else ""
    return (
        f"{hit.source}{language}. Why: {hit.hit.watchlist} {hit.hit.score:g}: {why}. "
        f"{hit.hit.snippet.text}"
    )
