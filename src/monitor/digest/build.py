"""Hits waiting to be sent → the daily digest, as a model ready to render.

Pure: the hits, feed activity and clock come in as arguments. What a reader gets:

- one item per story: articles placed in one story (``stories.placing``: wire copies,
  rewrites, the same event in English and Spanish) are one item, the best-scored article
  first (then the earliest) and the others as "also reported by" links with their
  languages;
- items under the watchlist of their best hit, best score first, then newest;
- per watchlist, how many items and hits, and a 14-day trend of stories per day (a
  story counts once, however many outlets carried it);
- source health: feeds gone (HTTP 410), feeds failing for over a day, and feeds silent
  for much longer than their usual gap between new items.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.matching.model import Watchlist
from monitor.stories.features import jaccard, title_words
from monitor.stories.grouping import SAME_TITLE, group_by_story
from monitor.text.html import one_line
from monitor.types import FeedActivity, Snippet, StoredHit

TREND_DAYS = 14
#: A feed failing this long is reported.
FAILING_FOR = timedelta(hours=24)
#: A feed is silent when nothing new came for this many of its usual gaps...
SILENT_GAPS = 4
#: ...and for at least this long; judged only with this many recent articles.
SILENT_AT_LEAST = timedelta(hours=48)
SILENT_SAMPLE = 5
#: Terms shown on an item's "why" line.
WHY_TERMS = 4
#: Characters of a folded report's snippet shown when it has no headline of its own.
SNIPPET_HEADLINE = 120


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    source: str
    url: str
    title: str
    language: str | None = None
    #: Its headline, shown when it is not the item's own in other words: a report folded
    #: into a story on shared evidence stays in view, so a wrong join hides nothing.
    headline: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One story in the digest."""

    title: str
    url: str
    source: str
    #: Publication (or first-seen) time in the reader's time zone, formatted.
    when: str
    language: str | None
    score: float
    snippet: Snippet
    #: The terms that made it, strongest first: the "why" line.
    why: tuple[str, ...]
    #: The titles of every watchlist the story hit, its own first.
    watchlists: tuple[str, ...]
    #: The same story elsewhere.
    also: tuple[Link, ...]
    #: The outlet corrected the entry after it was first seen, and the correction is
    #: what put it here (or on another watchlist).
    updated: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    watchlist: str
    title: str
    items: tuple[Item, ...]
    hits: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Trend:
    watchlist: str
    title: str
    #: Stories per day that hit the watchlist (a story carried by five outlets counts
    #: once), oldest first, ending today.
    days: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Health:
    feed: str
    problem: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Digest:
    date: str
    subject: str
    timezone: str
    generated: str
    sections: tuple[Section, ...]
    trend: tuple[Trend, ...]
    #: The trend's days, as short labels, oldest first.
    trend_days: tuple[str, ...]
    health: tuple[Health, ...]
    #: Stories each watchlist matched in this digest (an item counts on every watchlist
    #: it hit, not only under the one it is listed in).
    counts: tuple[tuple[str, int], ...] = ()
    #: Every hit this digest delivers (to mark as sent once it is).
    hit_ids: tuple[int, ...]
    #: Hits left for the next digest because this one reached max_items.
    held_back: int = 0

    @property
    def item_count(self) -> int:
        """The digest's items (stories) in all sections; ``Section.items`` are the items."""
        return sum(len(s.items) for s in self.sections)


def build_digest(
    hits: Sequence[StoredHit],
    *,
    watchlists: Sequence[Watchlist],
    activity: Sequence[FeedActivity],
    story_times: Sequence[tuple[str, datetime]],
    now: datetime,
    timezone: str,
    subject: str,
    max_items: int,
) -> Digest:
    """The digest of ``hits`` (unsent hits, one or more per article)."""
    zone = ZoneInfo(timezone)
    articles = _by_article(hits)
    stories = group_by_story(articles)
    stories.sort(key=_story_rank)
    kept, held = stories[:max_items], stories[max_items:]
    sections = _sections(kept, watchlists, zone)
    items = sum(len(s.items) for s in sections)
    local = now.astimezone(zone)
    date = local.date().isoformat()
    return Digest(
        date=date,
        subject=one_line(subject.replace("{date}", date).replace("{count}", str(items))),
        timezone=timezone,
        generated=local.strftime("%Y-%m-%d %H:%M %Z"),
        sections=sections,
        trend=_trend(story_times, watchlists, local),
        trend_days=tuple(
            _day_label(local - timedelta(days=n)) for n in range(TREND_DAYS - 1, -1, -1)
        ),
        health=_health(activity, now),
        counts=_counts(kept, watchlists),
        hit_ids=tuple(h.hit_id for story in kept for article in story for h in article),
        held_back=sum(len(article) for story in held for article in story),
    )


def _by_article(hits: Sequence[StoredHit]) -> list[list[StoredHit]]:
    articles: dict[int, list[StoredHit]] = defaultdict(list)
    for hit in hits:
        articles[hit.article_id].append(hit)
    for article in articles.values():
        article.sort(key=lambda h: -h.hit.score)
    return list(articles.values())


def _story_rank(story: list[list[StoredHit]]) -> tuple[float, float]:
    best = story[0][0]
    when = best.when
    return (-best.hit.score, -when.timestamp())


def _sections(
    stories: Sequence[list[list[StoredHit]]], watchlists: Sequence[Watchlist], zone: ZoneInfo
) -> tuple[Section, ...]:
    titles = {w.name: w.title for w in watchlists}
    placed: dict[str, list[Item]] = defaultdict(list)
    hits: dict[str, int] = defaultdict(int)
    for story in stories:
        placed[story[0][0].hit.watchlist].append(_item(story, zone, titles))
        for article in story:
            for h in article:
                hits[h.hit.watchlist] += 1
    order = [w.name for w in watchlists] + sorted(set(placed) - set(titles))
    return tuple(
        Section(
            watchlist=name, title=titles.get(name, name), items=tuple(placed[name]), hits=hits[name]
        )
        for name in order
        if placed.get(name)
    )


def _counts(
    stories: Sequence[list[list[StoredHit]]], watchlists: Sequence[Watchlist]
) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = defaultdict(int)
    for story in stories:
        for name in {h.hit.watchlist for article in story for h in article}:
            counts[name] += 1
    return tuple((w.name, counts[w.name]) for w in watchlists)


def _item(story: list[list[StoredHit]], zone: ZoneInfo, titles: dict[str, str]) -> Item:
    article = story[0]
    best = article[0]
    when = best.when.astimezone(zone)
    # The best hit's terms first; the others add what it lacks, up to WHY_TERMS.
    terms = [t for h in article for t in h.hit.why(WHY_TERMS)]
    return Item(
        title=best.title,
        url=best.url,
        source=best.source,
        when=when.strftime("%b %d, %H:%M"),
        language=best.language,
        score=best.hit.score,
        snippet=best.hit.snippet,
        why=tuple(dict.fromkeys(terms))[:WHY_TERMS],
        watchlists=tuple(
            dict.fromkeys(titles.get(h.hit.watchlist, h.hit.watchlist) for h in article)
        ),
        also=tuple(
            Link(
                source=other[0].source,
                url=other[0].url,
                title=other[0].title,
                language=other[0].language,
                headline=other_headline(other[0].title, best.title, other[0].hit.snippet.text),
            )
            for other in story[1:]
        ),
        updated=any(h.corrected for h in article),
    )


def other_headline(title: str, lead: str, snippet: str = "") -> str | None:
    """What to show of a report folded into a story: its headline when it says something
    other than the lead's (not the same words: a copy under the outlet's name, "Headline
    - Reuters"); for an entry with no headline (RSS allows one), its snippet."""
    mine = title_words(title)
    if not mine:
        return _cut(one_line(snippet), SNIPPET_HEADLINE) or None
    if jaccard(mine, title_words(lead)) >= SAME_TITLE:
        return None
    return one_line(title)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _trend(
    story_times: Sequence[tuple[str, datetime]], watchlists: Sequence[Watchlist], local: datetime
) -> tuple[Trend, ...]:
    first = local.date() - timedelta(days=TREND_DAYS - 1)
    counts: dict[str, list[int]] = {w.name: [0] * TREND_DAYS for w in watchlists}
    for name, when in story_times:
        day = (when.astimezone(local.tzinfo).date() - first).days
        if name in counts and 0 <= day < TREND_DAYS:
            counts[name][day] += 1
    return tuple(
        Trend(watchlist=w.name, title=w.title, days=tuple(counts[w.name])) for w in watchlists
    )


def _day_label(when: datetime) -> str:
    return when.strftime("%a %d")


def _health(activity: Sequence[FeedActivity], now: datetime) -> tuple[Health, ...]:
    found = []
    for feed in activity:
        if feed.gone_since:
            since = _ago(now - feed.gone_since)
            problem = f"gone for {since} (HTTP 410): the publisher removed it"
            found.append(Health(feed=feed.name, problem=problem))
        elif feed.failing_since and now - feed.failing_since >= FAILING_FOR:
            since = _ago(now - feed.failing_since)
            found.append(Health(feed=feed.name, problem=f"failing for {since}: {feed.last_error}"))
        elif (gap := _silence(feed, now)) is not None:
            found.append(Health(feed=feed.name, problem=gap))
    return tuple(found)


def _silence(feed: FeedActivity, now: datetime) -> str | None:
    """A line if the feed has gone quiet for much longer than usual, else None."""
    if len(feed.recent) < SILENT_SAMPLE or feed.last_new_at is None:
        return None
    gaps = [(a - b).total_seconds() for a, b in zip(feed.recent, feed.recent[1:], strict=False)]
    usual = timedelta(seconds=statistics.median(gaps))
    quiet = now - feed.last_new_at
    if quiet < max(SILENT_AT_LEAST, usual * SILENT_GAPS):
        return None
    return f"nothing new for {_ago(quiet)} (usually every {_ago(usual)})"


def _ago(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    if hours >= 48:
        return _plural(round(hours / 24), "day")
    if hours >= 1:
        return _plural(round(hours), "hour")
    return _plural(max(round(span.total_seconds() / 60), 1), "minute")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
