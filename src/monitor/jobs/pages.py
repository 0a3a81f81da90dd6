"""A cycle's article pages: fetched, then extracted (or read whole) in the workers.

- ``article``: the article of a new entry. When the extraction workers hold this
  cycle's watchlists (their fingerprint), a worker reads the page whole: extracts it,
  makes the article, matches it and takes its story features (``ingest.reading``);
  ``hits_of`` then hands over what it found, for that very article. Otherwise the page
  is extracted, the article made here, and ``hits_of`` matches it here.
- ``page``: a page's extracted text alone (page retries).

At most ``PAGES_PER_WORKER`` pages per worker are fetched or in extraction at once. A
page that broke its worker twice is quarantined: never fetched or extracted again, its
entry keeps the summary. A page that cannot be fetched or extracted falls back to the
summary, with why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from monitor.errors import ExtractError, FeedError, MonitorError, PageBreaksWorkers
from monitor.ingest import decide
from monitor.ingest.extract import ExtractorPool
from monitor.ingest.fetch import Fetcher
from monitor.ingest.language import detect_language
from monitor.ingest.reading import PageJob, Read, read_page
from monitor.matching.matcher import Matcher
from monitor.storage import Store
from monitor.types import (
    Article,
    Clock,
    Entry,
    ExtractedPage,
    Feed,
    Hit,
    PageNeeds,
    ParsedFeed,
    StoryFeatures,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Pages fetched or being fetched, per extraction worker, before extraction: enough to
#: keep the workers busy through fetch latency, few enough to bound the memory they hold.
PAGES_PER_WORKER = 8


@dataclass
class Pages:
    """One cycle's pages (a ``Poller``'s), with what the workers read of them."""

    store: Store
    fetcher: Fetcher
    extractor: ExtractorPool
    matcher: Matcher | None
    clock: Clock
    _backlog: asyncio.Semaphore | None = field(default=None, init=False)
    #: Pages never to fetch or extract again (they killed their worker twice).
    _quarantined: set[str] | None = field(default=None, init=False)
    #: Articles an extraction worker read whole (matched, features taken), by entry key,
    #: until the feed's update takes them.
    _read: dict[str, Read] = field(default_factory=dict, init=False)

    def forget(self) -> None:
        """Drop what the workers read and no feed update took (a feed that failed)."""
        self._read.clear()

    def hits_of(self, article: Article) -> tuple[tuple[Hit, ...], StoryFeatures | None]:
        """What a worker found for this very article, else the matcher's hits now."""
        read = self._read.pop(article.key, None)
        if read is not None and read.article is article and read.hits is not None:
            return read.hits, read.features
        if self.matcher is None:
            return (), None
        found = self.matcher.match(
            article.title, article.text, article.language, published=article.when
        )
        return tuple(found), None

    async def article(self, feed: Feed, parsed: ParsedFeed, entry: Entry) -> Article:
        """The entry's article: of its page when it wants one and the page comes, else of
        its summary (with why the page did not come)."""
        page, error = (None, None)
        if decide.wants_page(feed, entry):
            needs = decide.page_needs(feed, entry)
            if self._workers_match():
                assert self.matcher is not None
                job = PageJob(feed, parsed.language, entry, needs, self.clock(),
                              self.matcher.fingerprint)  # fmt: skip
                read, error = await self._fetched(
                    entry.url,
                    lambda body, url, media: self.extractor.run(
                        url, read_page, body, url, job, media
                    ),
                )
                if read is not None:
                    self._read[entry.key] = read
                    return read.article
            else:
                page, error = await self.page(entry.url, needs)
        return decide.article(
            feed, parsed.language, entry, page, now=self.clock(), detect=detect_language,
            page_error=error,
        )  # fmt: skip

    def _workers_match(self) -> bool:
        """The extraction workers hold this cycle's watchlists: they match beside."""
        return self.matcher is not None and self.extractor.setup_id == self.matcher.fingerprint

    async def page(
        self, url: str, needs: PageNeeds
    ) -> tuple[ExtractedPage | None, MonitorError | None]:
        """The page's extracted text, or why there is none (the summary is used)."""
        return await self._fetched(
            url, lambda body, final, media: self.extractor.extract(body, final, needs, media)
        )

    async def _fetched(
        self, url: str, work: Callable[[bytes, str, str | None], Awaitable[T]]
    ) -> tuple[T | None, MonitorError | None]:
        """The page fetched and ``work`` done on it in a worker (extracted, or read
        whole), or why not; a page that breaks workers is quarantined here."""
        if self._backlog is None:
            self._backlog = asyncio.Semaphore(PAGES_PER_WORKER * self.extractor.workers)
        if self._quarantined is None:
            self._quarantined = self.store.quarantined_urls()
        if url in self._quarantined:
            return None, PageBreaksWorkers(f"quarantined: {url} broke its extraction worker")
        async with self._backlog:
            try:
                result = await self.fetcher.fetch_page(url)
                return await work(result.body, result.final_url, result.content_type), None
            except PageBreaksWorkers as e:
                log.warning("page %s: quarantined, never extracted again: %s", url, e)
                self._quarantined.add(url)
                quarantined = PageBreaksWorkers(f"quarantined: {e}")
                self.store.quarantine(url, str(quarantined), self.clock())
                return None, quarantined
            except (FeedError, ExtractError) as e:
                log.info("page %s: using the feed summary: %s", url, e)
                return None, e
