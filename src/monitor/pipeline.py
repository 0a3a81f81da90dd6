"""One poll cycle, the shape of the whole monitor::

    store.sync_feeds | fetch.fetch_feed | parse.parse_feed | store.known_keys
        | fetch.fetch_page | extract (worker processes) | match.Matcher.match
        | store.save_feed_update

Feeds are fetched concurrently and each feed's new articles go to the extraction workers as
soon as its feed arrives, so extraction overlaps the fetching of the other feeds. All
database work happens here, on the event loop's thread: one writer, short transactions.

An error in one feed is recorded on that feed (one line) and the cycle goes on; a page that
cannot be fetched or extracted falls back to the entry's summary.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from monitor import schedule
from monitor.config import Config
from monitor.errors import ExtractError, FeedError, HTTPStatusError
from monitor.extract import ExtractorPool, detect_language
from monitor.fetch import Fetcher
from monitor.match import Matcher
from monitor.parse import parse_feed
from monitor.storage import Store
from monitor.types import (
    Article,
    Entry,
    ExtractedPage,
    Feed,
    FeedOutcome,
    FeedState,
    FeedUpdate,
    Hit,
    ParsedFeed,
    RunReport,
    TextSource,
)
from monitor.urls import host_of

log = logging.getLogger(__name__)

#: Pages fetched or being fetched, per extraction worker, before extraction: enough to
#: keep the workers busy through fetch latency, few enough to bound the memory they hold.
PAGES_PER_WORKER = 8

Clock = Callable[[], datetime]
Progress = Callable[[FeedOutcome], None]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Poller:
    """The parts one cycle needs, injected so tests and benchmarks can supply their own."""

    config: Config
    store: Store
    fetcher: Fetcher
    extractor: ExtractorPool
    matcher: Matcher | None = None
    clock: Clock = utc_now
    rng: random.Random = field(default_factory=random.Random)
    _backlog: asyncio.Semaphore | None = field(default=None, init=False)

    async def run(
        self, feeds: Sequence[Feed] | None = None, progress: Progress | None = None
    ) -> RunReport:
        """Poll ``feeds`` (default: every configured feed) once, now."""
        started = time.monotonic()
        selected = list(self.config.feeds if feeds is None else feeds)
        states = self.store.sync_feeds(self.config.feeds, self.clock())
        tasks = [asyncio.create_task(self.poll_feed(f, states[f.name])) for f in selected]
        for task in asyncio.as_completed(tasks):
            outcome = await task
            if progress:
                progress(outcome)
        outcomes = tuple(t.result() for t in tasks)
        return RunReport(outcomes=outcomes, seconds=time.monotonic() - started)

    async def poll_feed(self, feed: Feed, state: FeedState) -> FeedOutcome:
        """Fetch, parse, extract and store one feed; never raises for a feed's own fault."""
        try:
            result = await self.fetcher.fetch_feed(
                state.url, etag=state.etag, last_modified=state.last_modified
            )
            if result.not_modified:
                return self._save_unchanged(feed, state)
            parsed = parse_feed(
                result.body,
                url=result.final_url,
                scope=host_of(feed.url),
                now=self.clock(),
                content_type=result.content_type,
                content_language=result.content_language,
            )
        except FeedError as e:
            return self._save_failure(feed, state, e)
        if parsed.warning:
            log.info("feed %s: parsed with a warning: %s", feed.name, parsed.warning)
        known = self.store.known_keys(e.key for e in parsed.entries)
        new = [e for e in parsed.entries if e.key not in known]
        articles = await asyncio.gather(*(self._article(feed, parsed, e) for e in new))
        hits = self._match(articles)
        inserted = self.store.save_feed_update(
            FeedUpdate(
                feed_id=state.feed_id,
                fetched_at=self.clock(),
                status="ok",
                next_due_at=self._next_ok(feed, result.max_age),
                consecutive_failures=0,
                etag=result.etag,
                last_modified=result.last_modified,
                moved_to=result.moved_to,
                articles=tuple(articles),
                hits=hits,
            )
        )
        stored_hits = sum(1 for key, _ in hits if key in inserted)
        log.info("feed %s: ok, %d new, %d hits", feed.name, len(inserted), stored_hits)
        return FeedOutcome(
            feed=feed.name, status="ok", new_articles=len(inserted), hits=stored_hits
        )

    def _match(self, articles: Sequence[Article]) -> tuple[tuple[str, Hit], ...]:
        if self.matcher is None:
            return ()
        return tuple(
            (article.key, hit)
            for article in articles
            for hit in self.matcher.match(article.title, article.text)
        )

    async def _article(self, feed: Feed, parsed: ParsedFeed, entry: Entry) -> Article:
        page = await self._page(entry) if feed.fulltext and entry.url else None
        text, source = _best_text(page, entry)
        title = entry.title or (page.title if page and page.title else "") or entry.url
        language = (
            (page.language if page else None)
            or feed.language
            or parsed.language
            or detect_language(f"{title}\n{text}")
        )
        return Article(
            key=entry.key,
            feed=feed.name,
            url=entry.url,
            title=title,
            summary=entry.summary,
            text=text,
            text_source=source,
            published=entry.published or (page.published if page else None),
            fetched_at=self.clock(),
            author=entry.author or (page.author if page else None),
            language=language,
            source=entry.source,
        )

    async def _page(self, entry: Entry) -> ExtractedPage | None:
        if self._backlog is None:
            self._backlog = asyncio.Semaphore(PAGES_PER_WORKER * self.extractor.workers)
        async with self._backlog:
            try:
                result = await self.fetcher.fetch_page(entry.url)
                return await self.extractor.extract(result.body, result.final_url)
            except (FeedError, ExtractError) as e:
                log.info("page %s: using the feed summary: %s", entry.url, e)
                return None

    def _next_ok(self, feed: Feed, max_age: float | None) -> datetime:
        poll = self.config.settings.poll
        return schedule.next_after_success(
            self.clock(),
            interval=feed.interval or poll.interval,
            jitter=poll.jitter,
            rng=self.rng,
            max_age=max_age,
        )

    def _save_unchanged(self, feed: Feed, state: FeedState) -> FeedOutcome:
        self.store.save_feed_update(
            FeedUpdate(
                feed_id=state.feed_id,
                fetched_at=self.clock(),
                status="not_modified",
                next_due_at=self._next_ok(feed, None),
                consecutive_failures=0,
            )
        )
        return FeedOutcome(feed=feed.name, status="not_modified")

    def _save_failure(self, feed: Feed, state: FeedState, error: FeedError) -> FeedOutcome:
        failures = state.consecutive_failures + 1
        poll = self.config.settings.poll
        retry_after = error.retry_after if isinstance(error, HTTPStatusError) else None
        message = f"{error}"
        self.store.save_feed_update(
            FeedUpdate(
                feed_id=state.feed_id,
                fetched_at=self.clock(),
                status="failed",
                error=message,
                next_due_at=schedule.next_after_failure(
                    self.clock(),
                    failures=failures,
                    interval=feed.interval or poll.interval,
                    max_backoff=poll.max_backoff,
                    rng=self.rng,
                    retry_after=retry_after,
                ),
                consecutive_failures=failures,
            )
        )
        log.warning("feed %s: %s (%s)", feed.name, message, state.url)
        return FeedOutcome(feed=feed.name, status="failed", error=message)


#: Extracted text shorter than this many words must also beat the summary to be kept:
#: extraction of a JS-only or paywalled page often returns a menu or a cookie notice.
MIN_PAGE_WORDS = 25


def _best_text(page: ExtractedPage | None, entry: Entry) -> tuple[str, TextSource]:
    if page is not None and (
        len(page.text.split()) >= MIN_PAGE_WORDS or len(page.text) >= len(entry.summary)
    ):
        return page.text, "page"
    if entry.summary:
        return entry.summary, "summary"
    return "", "title"


async def poll(
    config: Config,
    *,
    feeds: Sequence[Feed] | None = None,
    progress: Progress | None = None,
    clock: Clock = utc_now,
) -> RunReport:
    """Open the store, the HTTP clients and the workers, run one cycle, close them."""
    store = Store.open(config.database)
    try:
        settings = config.settings
        async with (
            Fetcher(settings.fetch) as fetcher,
            ExtractorPool(
                settings.extract.workers,
                settings.extract.timeout.total_seconds(),
                settings.extract.max_tasks_per_child,
            ) as extractor,
        ):
            matcher = Matcher(config.watchlists, config.shared_exclusions)
            poller = Poller(config, store, fetcher, extractor, matcher, clock=clock)
            return await poller.run(feeds, progress)
    finally:
        store.close()
