"""What one poll of one feed changes, decided from what was fetched. Pure.

The poll job fetches, parses and extracts; this module decides, with no I/O:

- which entries are new (``new_entries``) and which get their page fetched
  (``wants_page``);
- what each new article is (``article``): the text to keep (the extracted page, else the
  feed's summary, else only the title) and every field with its fallback (the feed's
  value first, the page's when the feed has none);
- what the store records for the feed (``unchanged``, ``failed``, ``fetched``): its
  status, error, validators and when it is due next (``ingest.due``); a feed that
  answers 410 Gone is marked gone and tried only rarely, until it answers again;
- whether a page that failed is tried again (``transient``, ``page_retry``): a timeout,
  a dropped connection or a 5xx passes, so the page is tried again on later cycles, a
  few times, and its text and hits replace the summary's when it comes.

The clock, the random generator and language detection are arguments.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from monitor.errors import (
    AddressNotAllowed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    MonitorError,
    NotAPage,
    ResponseTooLarge,
    TooManyRedirects,
)
from monitor.ingest import due
from monitor.text.fold import normalize
from monitor.types import (
    Article,
    Correction,
    Entry,
    ExtractedPage,
    Feed,
    FeedState,
    FeedUpdate,
    FetchResult,
    Hit,
    Identity,
    KnownEntry,
    PageNeeds,
    PageRetry,
    PageUpdate,
    ParsedFeed,
    TextSource,
)

if TYPE_CHECKING:  # the extraction workers use this module, and need no config models
    from monitor.config.schema import PollSettings

#: Extracted text shorter than this many words must also beat the summary to be kept:
#: extraction of a JS-only or paywalled page often returns a menu or a cookie notice.
MIN_PAGE_WORDS = 25
#: A feed summary this long is the whole article (WordPress's content:encoded).
FULL_SUMMARY_WORDS = 150
SHORTER_PAGE = "the page gave less of the article than the feed (a paywall, a consent wall?)"
#: How long after each failed try a page is tried again; after the last, never again.
PAGE_RETRIES = (timedelta(minutes=30), timedelta(hours=2), timedelta(hours=8))
#: Statuses that say "later" rather than "no".
_PASSING_STATUSES = frozenset({408, 425, 429})

Detect = Callable[[str], str | None]


def due_feeds(feeds: Sequence[Feed], states: Mapping[str, FeedState], now: datetime) -> list[Feed]:
    """The feeds whose time has come: never polled, or due at or before ``now`` (their
    interval, backoff, Retry-After and Cache-Control are all in ``next_due_at``)."""
    return [f for f in feeds if (at := states[f.name].next_due_at) is None or at <= now]


def keys_of(parsed: ParsedFeed) -> list[str]:
    """Every key the store may hold an entry of this feed under (legacy ones too)."""
    return [
        key
        for e in parsed.entries
        for key in (e.key, *e.legacy_keys, *((e.former_key,) if e.former_key else ()))
    ]


def new_entries(parsed: ParsedFeed, known: Mapping[str, KnownEntry]) -> list[Entry]:
    """The entries the store does not hold yet under any of their keys, in feed order. A
    former key is an entry's own only under its title: a live blog's updates all had
    their page's link as their key, and the first stored held it for every other."""
    return [
        e
        for e in parsed.entries
        if e.key not in known
        and not any(k in known for k in e.legacy_keys)
        and not (
            e.former_key
            and (was := known.get(e.former_key)) is not None
            and was.title == normalize(e.title)
        )
    ]


def wants_page(feed: Feed, entry: Entry) -> bool:
    """Fetch the article page only for full-text feeds, only when there is a link, and
    only when no other entry of the feed gives it (``Entry.shares_link``)."""
    return feed.fulltext and bool(entry.url) and not entry.shares_link


def page_needs(feed: Feed, entry: Entry) -> PageNeeds:
    """What the page must tell that the feed does not: the date by the costly metadata
    pass only when the entry has none, the language only when the feed's is not set."""
    return PageNeeds(metadata=entry.published is None, language=feed.language is None)


def not_reissued(entries: list[Entry], stored: Collection[Identity]) -> list[Entry]:
    """The entries but those this feed stored already under another key: the same link,
    title, summary and date. Some feeds give an entry a new guid on every poll (a session
    id or a timestamp in it); each poll then stored every entry again and fetched its
    page. So does a site that moves to https: the links of a feed without guids change
    from http to https, and are the same pages. An entry with neither summary nor date
    tells too little to be known this way: a daily programme under one title and one link
    is a new entry every day. An entry without a date is compared without one (its
    article may have the page's)."""
    dated = {(_schemeless(url), *rest) for url, *rest in stored}
    undated = {identity[:3] for identity in dated}

    def known(e: Entry) -> bool:
        if not (e.url and e.title and (e.summary or e.published)):
            return False
        identity = _identity(e)
        return identity in dated if e.published else identity[:3] in undated

    return [e for e in entries if not known(e)]


def both_schemes(url: str) -> tuple[str, str]:
    """The link over http and over https, the addresses its article may be stored at."""
    rest = _schemeless(url)
    return f"http{rest}", f"https{rest}"


def _schemeless(url: str) -> str:
    return url.removeprefix("https").removeprefix("http")


def _identity(entry: Entry) -> Identity:
    """An entry as the store holds its article, but for its link's scheme."""
    summary = normalize(entry.summary) if entry.summary else ""
    return _schemeless(entry.url), normalize(entry.title), summary, entry.published


def choose_text(page: ExtractedPage | None, entry: Entry) -> tuple[str, TextSource]:
    """The extracted page if it looks like an article, else the summary, else nothing.

    A feed that carries the whole article keeps it over a page that gives less than half
    of it: a paywall, a consent wall or one page of several, which would hide the part of
    the story where the US–Cuba relation may be told."""
    words, summary_words = (len(page.text.split()) if page else 0), len(entry.summary.split())
    partial = summary_words >= FULL_SUMMARY_WORDS and 2 * words < summary_words
    if (
        page is not None
        and not partial
        and (words >= MIN_PAGE_WORDS or len(page.text) >= len(entry.summary))
    ):
        return page.text, "page"
    if entry.summary:
        return entry.summary, "summary"
    return "", "title"


def transient(error: MonitorError) -> bool:
    """Would the same request likely work later? Timeouts, dropped connections, 5xx, 429."""
    if isinstance(error, FetchTimeout):
        return True
    if isinstance(error, HTTPStatusError):
        return error.status >= 500 or error.status in _PASSING_STATUSES
    permanent = (AddressNotAllowed, InvalidURL, ResponseTooLarge, NotAPage, TooManyRedirects)
    return isinstance(error, FetchError) and not isinstance(error, permanent)


def page_retry(attempts: int, now: datetime) -> datetime | None:
    """When to try a page again after ``attempts`` failed tries, or None to stop."""
    if attempts < 1 or attempts > len(PAGE_RETRIES):
        return None
    return now + PAGE_RETRIES[attempts - 1]


def article(
    feed: Feed,
    feed_language: str | None,
    entry: Entry,
    page: ExtractedPage | None,
    *,
    now: datetime,
    detect: Detect,
    page_error: MonitorError | None = None,
) -> Article:
    """The article to store for ``entry``; the feed's fields win over the page's.

    ``feed_language`` is the language the feed document declares; ``page_error`` is why
    the page is missing (a passing one plans a retry).
    """
    text, text_source = choose_text(page, entry)
    text = normalize(text)
    retry = page_retry(1, now) if page_error is not None and transient(page_error) else None
    title = normalize(entry.title or (page.title if page and page.title else "") or entry.url)
    language = (
        feed.language
        or (page.language if page else None)
        or feed_language
        or detect(f"{title}\n{text}")
    )
    return Article(
        key=entry.key,
        feed=feed.name,
        url=entry.url,
        title=title,
        summary=normalize(entry.summary) if entry.summary else entry.summary,
        text=text,
        text_source=text_source,
        published=entry.published or (page.published if page else None),
        fetched_at=now,
        author=entry.author or (page.author if page else None),
        language=language,
        source=entry.source,
        page_retry_at=retry,
        page_attempts=1 if wants_page(feed, entry) else 0,
        page_error=_why(page_error, text_source, page),
        revision=entry.revision,
    )


def with_stored_text(article: Article, text: str) -> Article:
    """A corrected entry whose page gave nothing this time keeps the page text stored
    (and so has no page error to show; a passing failure still plans a retry)."""
    return replace(article, text=text, text_source="page", page_error=None)


def _why(
    error: MonitorError | None, source: TextSource, page: ExtractedPage | None = None
) -> str | None:
    """Why the text is not the page's, one line: the page's failure, or a page that gave
    less of the article than the feed (shown by ``monitor explain``)."""
    if source == "page":
        return None
    if error is not None:
        return " ".join(str(error).split())[:300]
    return SHORTER_PAGE if page is not None else None


def retried_page(
    retry: PageRetry, page: ExtractedPage | None, error: MonitorError | None, *, now: datetime
) -> PageUpdate:
    """A retried page's outcome: its text if it now looks like the article, else when to
    try again (never, once the tries are used up or the failure is for good)."""
    attempts = retry.page_attempts + 1
    if page is not None:
        entry = Entry(key=retry.key, url=retry.url, title=retry.title, summary=retry.summary)
        text, source = choose_text(page, entry)
        if source == "page":
            return PageUpdate(
                article_id=retry.article_id,
                text=normalize(text),
                page_attempts=attempts,
                page_retry_at=None,
            )
    again = error is not None and transient(error)
    return PageUpdate(
        article_id=retry.article_id,
        text=None,
        page_attempts=attempts,
        page_retry_at=page_retry(attempts, now) if again else None,
        page_error=_why(error, "summary") or "the page still has no article text",
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
    status: int | None = None,
) -> FeedUpdate:
    """The feed failed: one more failure, backed off (or as long as the server asked).

    A 410 Gone is the publisher saying the feed is no more: it is marked gone and tried
    again only after the longest backoff, in case it was a mistake.
    """
    failures = state.consecutive_failures + 1
    gone = status == 410
    if gone:
        error = f"{error} Gone: the publisher removed this feed; remove it from feeds.yaml"
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
            retry_after=poll.max_backoff.total_seconds() if gone else retry_after,
        ),
        consecutive_failures=failures,
        gone=gone,
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
    corrections: Sequence[Correction] = (),
    revisions: Sequence[tuple[int, str]] = (),
) -> FeedUpdate:
    """The feed answered with entries: store the new articles, the corrected ones and
    the new validators."""
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
        corrections=tuple(corrections),
        revisions=tuple(revisions),
    )


def _next_ok(
    feed: Feed, poll: PollSettings, now: datetime, rng: random.Random, max_age: float | None
) -> datetime:
    return due.next_after_success(
        now, interval=interval(feed, poll), jitter=poll.jitter, rng=rng, max_age=max_age
    )
