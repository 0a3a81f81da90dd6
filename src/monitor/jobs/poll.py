"""One poll cycle, the shape of the whole monitor::

    store.sync_feeds | fetch.fetch_feed | parse.parse_feed (a worker process: feedread)
        | store.known_entries | fetch.fetch_page | reading.read_page (worker processes:
          extract, decide.article, matcher.match, story features) | decide.fetched
        | store.save_feed_update | stories (jobs.stories)
    for corrected entries (ingest.corrections): fetch.fetch_page | extract
        | matcher.match, stored in the same feed update
    then: store.pages_to_retry | fetch.fetch_page | extract | decide.retried_page
        | matcher.match | store.save_page_update

Feeds are fetched concurrently and each feed's new articles go to the extraction workers
as soon as its feed arrives, so extraction overlaps the fetching of the other feeds. The
workers parse the feeds too, under their deadline (``jobs.feedread``), and match each
page's article and take its story features (``ingest.reading``); an article made here
(its page failed, a summary-only feed) is matched here, as is every article when the
workers hold other watchlists than this cycle's. All database work happens here, on the
event loop's thread: one writer, short transactions. Every decision (which text, which
fallback, when next) is ``ingest.decide``'s.

An error in one feed is recorded on that feed (one line) and the cycle goes on, whatever
the error: an unexpected exception is that feed's failure, not the end of the cycle. A
page that cannot be fetched or extracted falls back to the entry's summary. Only a
storage error ends the cycle, since nothing could be recorded anyway.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

from monitor.config import Config
from monitor.errors import (
    ConnectFailed,
    FeedError,
    HTTPStatusError,
    StorageError,
)
from monitor.ingest import corrections, decide
from monitor.ingest.extract import ExtractorPool
from monitor.ingest.fetch import Fetcher
from monitor.ingest.reading import setup_for
from monitor.jobs.alerts import send_alerts
from monitor.jobs.feedread import parse_fetched
from monitor.jobs.pages import Pages
from monitor.jobs.publish import publish
from monitor.jobs.stories import Placer, context_of, placeable_of
from monitor.matching.matcher import Matcher
from monitor.outputs.notify import AppriseNotifier, Notifier
from monitor.storage import Store
from monitor.text.html import one_line
from monitor.types import (
    Article,
    Clock,
    Correction,
    Entry,
    Feed,
    FeedOutcome,
    FeedState,
    FeedUpdate,
    Hit,
    KnownEntry,
    PageNeeds,
    PageRetry,
    PageUpdate,
    ParsedFeed,
    RunReport,
    StoryFeatures,
)

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Told how many feeds a cycle polls, then each feed's outcome as it finishes."""

    def begin(self, feeds: int) -> None: ...

    def done(self, outcome: FeedOutcome) -> None: ...


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
    #: Sends the cycle's urgent alerts (jobs.alerts); None sends none.
    notifier: Notifier | None = None
    rng: random.Random = field(default_factory=random.Random)
    _placer: Placer | None = field(default=None, init=False)
    _pages: Pages | None = field(default=None, init=False)

    async def run(
        self,
        feeds: Sequence[Feed] | None = None,
        progress: Progress | None = None,
        *,
        due_only: bool = False,
    ) -> RunReport:
        """Poll ``feeds`` (default: every configured feed) once, now; with ``due_only``
        only those whose time has come (backoff and server hints included)."""
        started = time.monotonic()
        selected = list(self.config.feeds if feeds is None else feeds)
        states = self.store.sync_feeds(self.config.feeds, self.clock())
        if due_only:
            selected = decide.due_feeds(selected, states, self.clock())
        if progress:
            progress.begin(len(selected))
        tasks = [asyncio.create_task(self.poll_feed(f, states[f.name])) for f in selected]
        try:
            for task in asyncio.as_completed(tasks):
                outcome = await task
                if progress:
                    progress.done(outcome)
        except BaseException:
            # A storage error (or an interrupt) ends the cycle: stop the other feeds' work
            # and collect what they raised, so none is left unretrieved.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            self.pages.forget()  # what a failed feed's workers read is not kept
        outcomes = tuple(t.result() for t in tasks)
        recovered = await self.retry_pages(selected)
        self._place(lambda placer: placer.place_unplaced())
        changed = recovered or any(o.hits or o.corrected for o in outcomes)
        self._publish(changed=bool(changed))
        await self._alert()
        return RunReport(
            outcomes=outcomes, seconds=time.monotonic() - started, pages_recovered=recovered
        )

    @property
    def pages(self) -> Pages:
        if self._pages is None:
            self._pages = Pages(self.store, self.fetcher, self.extractor, self.matcher,
                                self.clock)  # fmt: skip
        return self._pages

    def _publish(self, *, changed: bool) -> None:
        """Write the Atom feeds. They are a view of what is stored: a failure here loses
        nothing, and must not keep the cycle's alerts from going out."""
        try:
            publish(self.config, self.store, self.clock(), changed=changed)
        except StorageError:
            raise
        except Exception:  # a bug in writing them must not fail a cycle whose work is stored
            log.warning("writing the Atom feeds failed; the next cycle with new hits writes them",
                        exc_info=True)  # fmt: skip

    async def _alert(self) -> None:
        """Send the cycle's urgent alerts. A failure here loses nothing: what is due
        stays recorded, and the next cycle sends it."""
        if self.notifier is None:
            return
        try:
            await send_alerts(self.config, self.store, self.notifier, self.clock())
        except StorageError:
            raise
        except Exception:  # a bug in alerting must not fail a cycle whose work is stored
            log.warning("sending alerts failed; the next cycle tries again", exc_info=True)

    async def retry_pages(self, feeds: Sequence[Feed]) -> int:
        """Try again the pages that failed for a passing reason and are due; returns how
        many came this time (their text and hits now replace the summary's)."""
        due = self.store.pages_to_retry(self.clock(), [f.name for f in feeds])
        if due:
            self.extractor.warm()
        updates = await asyncio.gather(*(self._retry(r) for r in due))
        recovered = 0
        for update in updates:
            self.store.save_page_update(update, self.clock())
            recovered += update.text is not None
        if due:
            log.info("pages tried again: %d, %d came", len(due), recovered)
        return recovered

    async def _retry(self, retry: PageRetry) -> PageUpdate:
        page, error = await self.pages.page(retry.url, PageNeeds(language=retry.language is None))
        update = decide.retried_page(retry, page, error, now=self.clock())
        if update.text is None or self.matcher is None:
            return update
        hits = self.matcher.match(retry.title, update.text, retry.language)
        return replace(update, hits=hits)

    async def poll_feed(self, feed: Feed, state: FeedState) -> FeedOutcome:
        """Fetch, parse, extract and store one feed; never raises for a feed's own fault."""
        try:
            return await self._poll(feed, state)
        except StorageError:
            raise
        except FeedError as e:
            status = e if isinstance(e, HTTPStatusError) else None
            return self._save_failure(
                feed, state, str(e), status, unreachable=isinstance(e, ConnectFailed)
            )
        except Exception as e:  # a bug or a library surprise: this feed's failure only
            log.debug("feed %s: unexpected error", feed.name, exc_info=True)
            message = one_line(f"unexpected error: {type(e).__name__}: {e}")[:300]
            return self._save_failure(feed, state, message)

    async def _poll(self, feed: Feed, state: FeedState) -> FeedOutcome:
        result = await self.fetcher.fetch_feed(
            state.url, etag=state.etag, last_modified=state.last_modified
        )
        poll = self.config.settings.poll
        if result.not_modified:
            self._save(decide.unchanged(feed, state, poll, now=self.clock(), rng=self.rng))
            outcome = FeedOutcome(feed=feed.name, status="not_modified")
            _log_outcome(outcome, state.url)
            return outcome
        parsed = await parse_fetched(
            self.extractor, result, scope=f"feed{state.feed_id}", now=self.clock()
        )
        if parsed.warning:
            log.info("feed %s: parsed with a warning: %s", feed.name, parsed.warning)
        known = self.store.known_entries(decide.keys_of(parsed))
        new = decide.new_entries(parsed, known)
        if new:  # known under another key? (guids that change on every poll, https)
            links = (link for e in new if e.url for link in decide.both_schemes(e.url))
            stored = self.store.stored_at(state.feed_id, links)
            new = decide.not_reissued(new, stored)
        plan = corrections.plan(parsed, known, state.feed_id, poll.corrections_per_feed)
        articles, corrected = await asyncio.gather(
            asyncio.gather(*(self.pages.article(feed, parsed, e) for e in new)),
            asyncio.gather(*(self._correction(feed, parsed, e, k) for e, k in plan.follow)),
        )
        hits, features = self._match(articles)
        update = decide.fetched(
            feed, state, poll, result, articles=articles, hits=hits, now=self.clock(),
            rng=self.rng, corrections=corrected, revisions=plan.record,
        )  # fmt: skip
        inserted = self._save(update)
        placeable = placeable_of(articles, inserted, hits, features)
        self._place(lambda placer: len(placer.place(placeable)))
        stored_hits = sum(1 for key, _ in hits if key in inserted)
        outcome = FeedOutcome(
            feed=feed.name, status="ok", new_articles=len(inserted), hits=stored_hits,
            corrected=len(corrected),
        )  # fmt: skip
        _log_outcome(outcome, state.url)
        return outcome

    async def _correction(
        self, feed: Feed, parsed: ParsedFeed, entry: Entry, known: KnownEntry
    ) -> Correction:
        """A corrected entry, its page fetched again and matched again. A page that fails
        now does not undo the page text stored before: the new title goes with it."""
        article = await self.pages.article(feed, parsed, entry)
        if article.text_source != "page" and known.text_source == "page":
            stored = self.store.article(str(known.article_id))
            if stored is not None:
                article = decide.with_stored_text(article, stored.text)
        hits, _features = self.pages.hits_of(article)
        log.info(
            "feed %s: entry corrected, matched again: %s", feed.name, article.url or article.key
        )
        return Correction(article_id=known.article_id, article=article, hits=tuple(hits))

    def _place(self, work: Callable[[Placer], int]) -> None:
        """Place articles in stories. A failure here loses nothing: the articles are
        stored, and the next cycle places what this one could not."""
        if self._placer is None:
            context = context_of(self.matcher.watchlists) if self.matcher else frozenset()
            self._placer = Placer(self.store, self.clock(), context)
        try:
            work(self._placer)
        except StorageError:
            raise
        except Exception:  # a bug in clustering must not end the cycle
            log.warning("placing articles in stories failed; the next cycle tries again",
                        exc_info=True)  # fmt: skip

    def _match(
        self, articles: Sequence[Article]
    ) -> tuple[list[tuple[str, Hit]], dict[str, StoryFeatures]]:
        """The articles' hits, by article key, and the story features the workers took."""
        found: list[tuple[str, Hit]] = []
        features: dict[str, StoryFeatures] = {}
        for article in articles:
            hits, taken = self.pages.hits_of(article)
            found += [(article.key, hit) for hit in hits]
            if taken is not None:
                features[article.key] = taken
        return found, features

    def _save(self, update: FeedUpdate) -> dict[str, int]:
        return self.store.save_feed_update(update)

    def _save_failure(
        self,
        feed: Feed,
        state: FeedState,
        message: str,
        status: HTTPStatusError | None = None,
        *,
        unreachable: bool = False,
    ) -> FeedOutcome:
        update = decide.failed(
            feed,
            state,
            self.config.settings.poll,
            error=message,
            retry_after=status.retry_after if status else None,
            status=status.status if status else None,
            now=self.clock(),
            rng=self.rng,
        )
        self._save(update)
        outcome = FeedOutcome(
            feed=feed.name, status="failed", error=update.error, unreachable=unreachable
        )
        _log_outcome(outcome, state.url)
        return outcome


def _log_outcome(outcome: FeedOutcome, url: str) -> None:
    """One line per feed per cycle, with its fields for structured logs (service/logs.py).

    At INFO even for a failure: `monitor poll` prints failures in its report, and the
    service logs at INFO, so each error is shown once either way.
    """
    fields: dict[str, object] = {"event": "feed", "feed": outcome.feed, "status": outcome.status}
    if outcome.status == "failed":
        log.info(
            "feed %s: failed: %s (%s)", outcome.feed, outcome.error, url,
            extra={"fields": {**fields, "error": outcome.error, "url": url}},
        )  # fmt: skip
        return
    fields |= {"new": outcome.new_articles, "hits": outcome.hits}
    corrected = f", {outcome.corrected} corrected" if outcome.corrected else ""
    if outcome.corrected:
        fields["corrected"] = outcome.corrected
    log.info(
        "feed %s: %s, %d new, %d hits%s", outcome.feed, outcome.status.replace("_", " "),
        outcome.new_articles, outcome.hits, corrected, extra={"fields": fields},
    )  # fmt: skip


async def poll(
    config: Config,
    *,
    feeds: Sequence[Feed] | None = None,
    progress: Progress | None = None,
    clock: Clock = utc_now,
    due_only: bool = False,
) -> RunReport:
    """Open the store, the HTTP clients and the workers, run one cycle, close them.

    The report's seconds are the wall time of all of it, start-up included.
    """
    started = time.monotonic()
    store = Store.open(config.database)
    try:
        settings = config.settings
        matcher = Matcher(config.watchlists, config.shared_exclusions)
        async with (
            Fetcher(settings.fetch) as fetcher,
            ExtractorPool(
                settings.extract.workers,
                settings.extract.timeout.total_seconds(),
                settings.extract.max_tasks_per_child,
                setup=setup_for(matcher),
            ) as extractor,
        ):
            notifier = AppriseNotifier(settings.alerts.timeout.total_seconds())
            poller = Poller(
                config, store, fetcher, extractor, matcher, clock=clock, notifier=notifier
            )
            report = await poller.run(feeds, progress, due_only=due_only)
        return replace(report, seconds=time.monotonic() - started)
    finally:
        store.close()
