"""What one poll of one feed changes, decided from what was fetched. Pure.

The poll job fetches, parses and extracts; this module decides, with no I/O:

- which entries are new (``new_entries``) and which get their page fetched
  (``wants_page``);
- what each new article is (``article``): the text to keep (the extracted page, else the
  feed's summary, else only the title) and every field with its fallback (the feed's
  value first, the page's when the feed has none);
- what the store records for the feed (``unchanged``, ``failed``, ``fetched``): its
  status, error, validators and when it is due next (``ingest.due``).

The clock, the random generator and language detection are arguments.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

from monitor.config.schema import PollSettings
from monitor.ingest import due
from monitor.types import (
    Article,
    Entry,
    ExtractedPage,
    Feed,
    FeedState,
    FeedUpdate,
    FetchResult,
    Hit,
    ParsedFeed,
    TextSource,
)

#: Extracted text shorter than this many words must also beat the summary to be kept:
#: extraction of a JS-only or paywalled page often returns a menu or a cookie notice.
MIN_PAGE_WORDS = 25

Detect = Callable[[str], str | None]


def keys_of(parsed: ParsedFeed) -> list[str]:
    """Every key the store may hold an entry of this feed under (legacy ones too)."""
    return [key for e in parsed.entries for key in (e.key, *e.legacy_keys)]


def new_entries(parsed: ParsedFeed, known: Collection[str]) -> list[Entry]:
    """The entries the store does not hold yet under any of their keys, in feed order."""
    return [
        e
        for e in parsed.entries
        if e.key not in known and not any(k in known for k in e.legacy_keys)
    ]


def wants_page(feed: Feed, entry: Entry) -> bool:
    """Fetch the article page only for full-text feeds, and only when there is a link."""
    return feed.fulltext and bool(entry.url)


def choose_text(page: ExtractedPage | None, entry: Entry) -> tuple[str, TextSource]:
    """The extracted page if it looks like an article, else the summary, else nothing."""
    if page is not None and (
        len(page.text.split()) >= MIN_PAGE_WORDS or len(page.text) >= len(entry.summary)
    ):
        return page.text, "page"
    if entry.summary:
        return entry.summary, "summary"
    return "", "title"


def article(
    feed: Feed,
    parsed: ParsedFeed,
    entry: Entry,
    page: ExtractedPage | None,
    *,
    now: datetime,
    detect: Detect,
) -> Article:
    """The article to store for ``entry``; the feed's fields win over the page's."""
    text, text_source = choose_text(page, entry)
    title = entry.title or (page.title if page and page.title else "") or entry.url
    language = (
        (page.language if page else None)
        or feed.language
        or parsed.language
        or detect(f"{title}\n{text}")
    )
    return Article(
        key=entry.key,
        feed=feed.name,
        url=entry.url,
        title=title,
        summary=entry.summary,
        text=text,
        text_source=text_source,
        published=entry.published or (page.published if page else None),
        fetched_at=now,
        author=entry.author or (page.author if page else None),
        language=language,
        source=entry.source,
    )


def interval(feed: Feed, poll: PollSettings) -> timedelta:
    return feed.interval or poll.interval


def unchanged(
    feed: Feed, state: FeedState, poll: PollSettings, *, now: datetime, rng: random.Random
) -> FeedUpdate:
    """The feed answered 304: nothing to store, due again after its interval."""
    return FeedUpdate(
        feed_id=state.feed_id,
        fetched_at=now,
        status="not_modified",
        next_due_at=_next_ok(feed, poll, now, rng, None),
        consecutive_failures=0,
    )


def failed(
    feed: Feed,
    state: FeedState,
    poll: PollSettings,
    *,
    error: str,
    retry_after: float | None,
    now: datetime,
    rng: random.Random,
) -> FeedUpdate:
    """The feed failed: one more failure, backed off (or as long as the server asked)."""
    failures = state.consecutive_failures + 1
    return FeedUpdate(
        feed_id=state.feed_id,
        fetched_at=now,
        status="failed",
        error=error,
        next_due_at=due.next_after_failure(
            now,
            failures=failures,
            interval=interval(feed, poll),
            max_backoff=poll.max_backoff,
            rng=rng,
            retry_after=retry_after,
        ),
        consecutive_failures=failures,
    )


def fetched(
    feed: Feed,
    state: FeedState,
    poll: PollSettings,
    result: FetchResult,
    *,
    articles: Sequence[Article],
    hits: Sequence[tuple[str, Hit]],
    now: datetime,
    rng: random.Random,
) -> FeedUpdate:
    """The feed answered with entries: store the new articles and the new validators."""
    return FeedUpdate(
        feed_id=state.feed_id,
        fetched_at=now,
        status="ok",
        next_due_at=_next_ok(feed, poll, now, rng, result.max_age),
        consecutive_failures=0,
        etag=result.etag,
        last_modified=result.last_modified,
        moved_to=result.moved_to,
        articles=tuple(articles),
        hits=tuple(hits),
    )


def _next_ok(
    feed: Feed, poll: PollSettings, now: datetime, rng: random.Random, max_age: float | None
) -> datetime:
    return due.next_after_success(
        now, interval=interval(feed, poll), jitter=poll.jitter, rng=rng, max_age=max_age
    )
