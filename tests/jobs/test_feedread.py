"""jobs/feedread.py: feeds parsed in the extraction workers, under their deadline; parsed
in the monitor's own process only when no worker can start."""

from __future__ import annotations

import asyncio
import os
from html import escape
from pathlib import Path

from monitor.ingest.extract import ExtractorPool
from monitor.ingest.fetch import Fetcher
from monitor.jobs.poll import Poller
from monitor.storage import Store
from monitor.types import RunReport
from tests.jobs.test_poll import EN, ES, articles, cycle, feeds_table, load, serve_site
from tests.support.news import rss
from tests.support.server import FeedServer


def many_attributes(count: int) -> bytes:
    """A well-formed RSS feed whose one title carries ``count`` attributes: legal XML,
    and quadratic in xml.sax (20,000 take feedparser 10 s, 100,000 take it 77 s)."""
    attributes = " ".join(f'a{i}="x"' for i in range(count))
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Slow</title>'
        f"<item><title {attributes}>Cuba and the United States</title>"
        "<link>https://example.org/a.html</link><guid>slow-1</guid></item></channel></rss>"
    ).encode()


def test_a_feed_that_takes_the_parser_minutes_fails_alone_at_the_deadline(
    server: FeedServer, tmp_path: Path
) -> None:
    # On the event loop, this feed held every other feed, page and timer of the cycle
    # for a minute (and a 5 MB one for half an hour).
    slow = server.add("/slow/feed.xml", many_attributes(50_000), content_type="application/rss+xml")
    config = load(
        tmp_path,
        [{"name": "Slow", "url": slow}, {"name": "English", "url": serve_site(server, "en", EN)}],
        extract={"timeout": "1s"},
    )
    report = cycle(config)
    by_feed = {o.feed: o for o in report.outcomes}
    assert by_feed["English"].status == "ok"
    assert by_feed["Slow"].status == "failed"
    assert by_feed["Slow"].error == f"{slow}: feed parsing took over 1s"
    stored = articles(config)
    assert {r["feed"] for r in stored} == {"English"}
    assert {r["text_source"] for r in stored} == {"page"}  # its pages read as ever
    slow_state = feeds_table(config)["Slow"]
    assert slow_state["last_error"] == by_feed["Slow"].error
    assert slow_state["consecutive_failures"] == 1  # backed off, tried again later

    # Mended, it is read at the next try: a feed that ran out of time is not marked.
    serve_site(server, "es", ES[:1])
    server.add("/slow/feed.xml", rss("Slow", ES[:1], "/es/articles/"))
    again = cycle(config)
    assert {o.feed: o.status for o in again.outcomes}["Slow"] == "ok"
    assert [r["title"] for r in articles(config) if r["feed"] == "Slow"] == [ES[0].title]


def test_feeds_are_parsed_here_when_no_worker_can_start(server: FeedServer, tmp_path: Path) -> None:
    # Workers that never come (each dies in its start) cost the pages their text, never
    # the feeds their entries: the summaries are stored.
    config = load(tmp_path, [{"name": "English", "url": serve_site(server, "en", EN[:1])}])

    async def main() -> RunReport:
        store = Store.open(config.database)
        try:
            dying = (os._exit, (3,))
            async with (
                Fetcher(config.settings.fetch) as fetcher,
                ExtractorPool(1, 1.0, setup=dying) as pool,
            ):
                return await Poller(config, store, fetcher, pool).run()
        finally:
            store.close()

    report = asyncio.run(main())
    assert report.count("ok") == 1
    (row,) = articles(config)
    assert (row["title"], row["text_source"]) == (EN[0].title, "summary")
    assert row["page_error"] == "extraction workers died while starting, twice"


def test_a_summary_of_tags_that_never_close_is_read_within_the_deadline(
    server: FeedServer, tmp_path: Path
) -> None:
    # 50 KB of "x <a " (text such as "2 <3" written without escaping, over and over)
    # took the standard library's tokenizer 20 s: the event loop stood still that long,
    # and in a worker, past the deadline, the feed failed at every poll.
    summary = escape("x <a " * 10_000)
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>Cuba and the United States</title><guid>lt-1</guid>"
        f"<description>{summary}</description></item></channel></rss>"
    )
    url = server.add("/lt/feed.xml", body, content_type="application/rss+xml")
    config = load(tmp_path, [{"name": "Markup", "url": url}], extract={"timeout": "2s"})
    report = cycle(config)
    assert [(o.status, o.error) for o in report.outcomes] == [("ok", None)]
    (row,) = articles(config)
    assert row["summary"].startswith("x <a x <a x <a")
