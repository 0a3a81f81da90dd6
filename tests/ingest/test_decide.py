"""ingest.decide: what one poll of one feed changes, decided without any I/O."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from monitor.config.schema import PollSettings
from monitor.errors import (
    AddressNotAllowed,
    ExtractError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    MonitorError,
    NotAPage,
    PageBreaksWorkers,
    ResponseTooLarge,
)
from monitor.ingest import decide
from monitor.types import (
    Entry,
    ExtractedPage,
    Feed,
    FeedState,
    FetchResult,
    KnownEntry,
    PageNeeds,
    PageRetry,
    ParsedFeed,
)

NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)
POLL = PollSettings(interval=timedelta(minutes=30), jitter=timedelta(0))
FEED = Feed(name="Wire", url="https://wire.example/rss")
STATE = FeedState(feed_id=7, name="Wire", url=FEED.url, consecutive_failures=2)
PARSED = ParsedFeed(title="Wire", language=None, entries=())
LONG = " ".join(["palabra"] * 40)


def entry(**fields: object) -> Entry:
    base: dict[str, object] = {"key": "url:https://wire.example/1", "url": "https://wire.example/1",
                               "title": "Cuba y EE.UU.", "summary": "Resumen breve."}  # fmt: skip
    return Entry(**{**base, **fields})  # type: ignore[arg-type]


def never(text: str) -> str | None:
    raise AssertionError("language detection should not be needed here")


def known(title: str = "Cuba y EE.UU.") -> KnownEntry:
    return KnownEntry(article_id=1, feed_id=1, revision=None, corrections=0, title=title,
                      text_source="page")  # fmt: skip


def test_new_entries_keep_feed_order_and_drop_known_keys() -> None:
    a, b, c = (entry(key=k) for k in ("a", "b", "c"))
    parsed = ParsedFeed(title="t", language=None, entries=(a, b, c))
    assert decide.new_entries(parsed, {"b": known()}) == [a, c]


def test_a_former_key_is_an_entrys_own_only_under_its_title() -> None:
    # A live blog's first update was stored under the page's link before anchors counted.
    page = "url:https://live.example/cuba"
    first = entry(key=f"{page}#update-1", former_key=page, title="Update 1: the blackout")
    second = entry(key=f"{page}#update-2", former_key=page, title="Update 2: the talks")
    parsed = ParsedFeed(title="t", language=None, entries=(second, first))
    assert decide.keys_of(parsed).count(page) == 2
    assert decide.new_entries(parsed, {page: known("Update 1: the blackout")}) == [second]


def test_pages_are_wanted_only_for_fulltext_feeds_with_links() -> None:
    assert decide.wants_page(FEED, entry())
    assert not decide.wants_page(FEED, entry(url=""))
    assert not decide.wants_page(Feed(name="x", url=FEED.url, fulltext=False), entry())


@pytest.mark.parametrize(
    ("page_text", "summary", "expected"),
    [
        (LONG, "Resumen breve.", "page"),  # a real article wins
        ("Menú Inicio", "Un resumen bastante más largo que el menú.", "summary"),  # a menu loses
        ("Texto corto pero más largo", "Corto", "page"),  # short, but beats the summary
        (None, "Resumen breve.", "summary"),  # no page at all
        (None, "", "title"),  # nothing but the headline
        # A feed with the whole article (300 words) and a page behind a paywall or a
        # consent wall (40 words): the feed's article is kept...
        (LONG, " ".join(["artículo"] * 300), "summary"),
        # ...but not over a page that gives half of it or more, nor a teaser over a page.
        (" ".join(["página"] * 150), " ".join(["artículo"] * 300), "page"),
        (LONG, " ".join(["resumen"] * 149), "page"),
    ],
)
def test_the_text_kept(page_text: str | None, summary: str, expected: str) -> None:
    page = ExtractedPage(text=page_text) if page_text is not None else None
    text, source = decide.choose_text(page, entry(summary=summary))
    assert source == expected
    assert text == {"page": page_text, "summary": summary, "title": ""}[expected]


def test_an_entry_stored_under_another_key_is_not_new() -> None:
    # A feed that gives its entries a new guid on every poll: what tells them apart is
    # the link, the title, the summary and the date, as the store holds them.
    url, title, when = "https://wire.example/1", "Cuba y EE.UU.", NOW - timedelta(hours=3)
    stored = {(url, title, "Resumen breve.", when), (url, "Programa diario", "", None)}
    again = entry(key="guid:feed7:token-2", published=when)
    reworded = entry(key="guid:feed7:token-3", summary="Otro resumen.", published=when)
    later = entry(key="guid:feed7:token-4", published=when + timedelta(days=1))
    undated = entry(key="guid:feed7:token-5")  # its article holds the page's date
    programme = entry(key="guid:feed7:2026-02-10", title="Programa diario", summary="")
    fresh = entry(key="guid:feed7:token-6", url="https://wire.example/2", published=when)
    kept = decide.not_reissued([again, reworded, later, undated, programme, fresh], stored)
    assert kept == [reworded, later, programme, fresh]


def test_an_entry_whose_link_moved_to_https_is_not_new() -> None:
    when = NOW - timedelta(hours=3)
    stored = {("http://wire.example/1", "Cuba y EE.UU.", "Resumen breve.", when)}
    moved = entry(key="url:https://wire.example/1", url="https://wire.example/1", published=when)
    other = entry(key="url:https://wire.example/2", url="https://wire.example/2", published=when)
    assert decide.not_reissued([moved, other], stored) == [other]
    assert decide.both_schemes("https://wire.example/1") == (
        "http://wire.example/1", "https://wire.example/1",
    )  # fmt: skip


def test_the_feed_fields_win_and_the_page_fills_gaps() -> None:
    page = ExtractedPage(text=LONG, title="Page title", author="Page author",
                         published=NOW - timedelta(days=1), language="es")  # fmt: skip
    from_feed = decide.article(
        FEED,
        PARSED.language,
        entry(author="Feed author", published=NOW),
        page,
        now=NOW,
        detect=never,
    )
    assert (from_feed.title, from_feed.author, from_feed.published) == (
        "Cuba y EE.UU.", "Feed author", NOW,
    )  # fmt: skip
    gaps = decide.article(FEED, PARSED.language, entry(title=""), page, now=NOW, detect=never)
    assert (gaps.title, gaps.author, gaps.published, gaps.language) == (
        "Page title", "Page author", NOW - timedelta(days=1), "es",
    )  # fmt: skip
    assert (gaps.text_source, gaps.fetched_at, gaps.feed) == ("page", NOW, "Wire")


def test_explain_says_why_a_fetched_page_lost_to_the_summary() -> None:
    whole = " ".join(["artículo"] * 300)
    paywalled = ExtractedPage(text=LONG, language="es")
    kept = decide.article(FEED, None, entry(summary=whole), paywalled, now=NOW, detect=never)
    assert (kept.text_source, kept.page_error) == ("summary", decide.SHORTER_PAGE)
    full = ExtractedPage(text=" ".join(["página"] * 200), language="es")
    read = decide.article(FEED, None, entry(summary=whole), full, now=NOW, detect=never)
    assert (read.text_source, read.page_error) == ("page", None)


def test_the_page_is_asked_only_for_what_the_feed_lacks() -> None:
    assert decide.page_needs(FEED, entry(published=NOW)) == PageNeeds(metadata=False)
    assert decide.page_needs(FEED, entry()) == PageNeeds(metadata=True)
    spanish = Feed(name="x", url=FEED.url, language="es")
    assert decide.page_needs(spanish, entry(published=NOW)) == PageNeeds(language=False)


def test_the_configured_language_wins_over_the_pages() -> None:
    spanish = Feed(name="x", url=FEED.url, language="es")
    page = ExtractedPage(text=LONG, language="en")
    assert (
        decide.article(spanish, PARSED.language, entry(), page, now=NOW, detect=never).language
        == "es"
    )
    assert (
        decide.article(FEED, PARSED.language, entry(), page, now=NOW, detect=never).language == "en"
    )


def test_language_falls_back_from_page_to_feed_config_to_feed_to_detection() -> None:
    seen: list[str] = []

    def detect(text: str) -> str:
        seen.append(text)
        return "es"

    spanish_feed = Feed(name="x", url=FEED.url, language="es")
    english_doc = ParsedFeed(title="t", language="en", entries=())
    assert (
        decide.article(
            spanish_feed, english_doc.language, entry(), None, now=NOW, detect=never
        ).language
        == "es"
    )
    assert (
        decide.article(FEED, english_doc.language, entry(), None, now=NOW, detect=never).language
        == "en"
    )
    assert (
        decide.article(FEED, PARSED.language, entry(), None, now=NOW, detect=detect).language
        == "es"
    )
    assert seen == ["Cuba y EE.UU.\nResumen breve."]


def test_a_title_less_linkless_entry_is_named_by_its_url() -> None:
    article = decide.article(
        FEED, PARSED.language, entry(title=""), None, now=NOW, detect=lambda t: None
    )
    assert article.title == "https://wire.example/1"


def test_unchanged_resets_failures_and_waits_the_feed_interval() -> None:
    hourly = Feed(name="x", url=FEED.url, interval=timedelta(hours=1))
    update = decide.unchanged(hourly, STATE, POLL, now=NOW, rng=random.Random(1))
    assert (update.status, update.consecutive_failures, update.next_due_at) == (
        "not_modified", 0, NOW + timedelta(hours=1),
    )  # fmt: skip
    assert (update.articles, update.etag) == ((), None)


def test_failed_counts_one_more_failure_and_honours_retry_after() -> None:
    update = decide.failed(
        FEED, STATE, POLL, error="HTTP 503", retry_after=6 * 3600, now=NOW, rng=random.Random(1)
    )
    assert (update.status, update.error, update.consecutive_failures) == ("failed", "HTTP 503", 3)
    assert update.next_due_at == NOW + timedelta(hours=6)  # longer than the backoff of 3


def test_fetched_stores_articles_validators_and_a_new_home() -> None:
    result = FetchResult(url=FEED.url, final_url="https://new.example/rss", status=200,
                         etag='"e2"', last_modified="Sun, 01 Feb 2026 11:00:00 GMT",
                         moved_to="https://new.example/rss", max_age=7200)  # fmt: skip
    article = decide.article(FEED, PARSED.language, entry(), None, now=NOW, detect=lambda t: "es")
    update = decide.fetched(
        FEED, STATE, POLL, result, articles=[article], hits=[], now=NOW, rng=random.Random(1)
    )
    assert (update.status, update.consecutive_failures, update.etag, update.moved_to) == (
        "ok", 0, '"e2"', "https://new.example/rss",
    )  # fmt: skip
    assert update.articles == (article,)
    assert update.next_due_at == NOW + timedelta(hours=2)  # Cache-Control max-age stretched it


@pytest.mark.parametrize(
    ("error", "passing"),
    [
        (FetchTimeout("u", "slow"), True),
        (HTTPStatusError("u", 503), True),
        (HTTPStatusError("u", 429), True),
        (FetchError("u", "ClientConnectorError: refused"), True),
        (HTTPStatusError("u", 404), False),
        (HTTPStatusError("u", 410), False),
        (NotAPage("u", "not an HTML page (application/pdf)"), False),
        (ResponseTooLarge("u", "big"), False),
        (AddressNotAllowed("u", "private"), False),
        (InvalidURL("u", "bad"), False),
        (ExtractError("u: extraction took over 30s"), False),
    ],
)
def test_which_page_failures_pass(error: MonitorError, passing: bool) -> None:
    assert decide.transient(error) is passing


def test_a_passing_page_failure_plans_retries_that_stop() -> None:
    article = decide.article(
        FEED,
        PARSED.language,
        entry(),
        None,
        now=NOW,
        detect=lambda t: "es",
        page_error=HTTPStatusError("u", 502),
    )
    assert (article.page_attempts, article.page_retry_at) == (1, NOW + timedelta(minutes=30))
    retry = PageRetry(article_id=1, key="k", feed="Wire", url="u", title="t", summary="s",
                      page_attempts=1)  # fmt: skip
    again = decide.retried_page(retry, None, FetchTimeout("u", "slow"), now=NOW)
    assert (again.text, again.page_attempts, again.page_retry_at) == (
        None, 2, NOW + timedelta(hours=2),
    )  # fmt: skip
    last = decide.retried_page(
        replace(retry, page_attempts=4), None, FetchTimeout("u", "x"), now=NOW
    )
    assert last.page_retry_at is None  # the tries are used up
    came = decide.retried_page(retry, ExtractedPage(text=LONG), None, now=NOW)
    assert (came.text, came.page_retry_at, came.page_error) == (LONG, None, None)


def test_the_page_error_says_why_the_text_is_the_summary() -> None:
    def stored(error: MonitorError | None, page: ExtractedPage | None = None) -> str | None:
        return decide.article(
            FEED, PARSED.language, entry(), page, now=NOW, detect=lambda t: "es", page_error=error
        ).page_error

    assert stored(HTTPStatusError("u", 403)) == "HTTP 403"
    assert stored(PageBreaksWorkers("quarantined: u broke its\nworker")) == (
        "quarantined: u broke its worker"  # one line
    )
    assert stored(None, ExtractedPage(text=LONG)) is None
    assert stored(None) is None  # no page wanted or none found: nothing failed


def test_a_410_marks_the_feed_gone_and_waits_the_longest_backoff() -> None:
    update = decide.failed(
        FEED, STATE, POLL, error="HTTP 410", retry_after=None, status=410, now=NOW,
        rng=random.Random(1),
    )  # fmt: skip
    assert update.gone
    assert (
        update.error == "HTTP 410 Gone: the publisher removed this feed; remove it from feeds.yaml"
    )
    assert update.next_due_at >= NOW + POLL.max_backoff


def test_a_correction_whose_page_fails_keeps_the_stored_page_text() -> None:
    failed = decide.article(FEED, PARSED.language, entry(), None, now=NOW, detect=lambda t: "es",
                            page_error=FetchTimeout("u", "slow"))  # fmt: skip
    kept = decide.with_stored_text(failed, LONG)
    assert (kept.text, kept.text_source, kept.page_error) == (LONG, "page", None)
    assert kept.page_retry_at == failed.page_retry_at  # the page is still tried again
