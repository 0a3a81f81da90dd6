"""Looking at a feed before it is added: fetch it once, parse it, say what it is.

    fetch.fetch_feed | parse.parse_feed
        | (a page, not a feed) headmeta.feed_links | fetch.fetch_feed | parse.parse_feed

``monitor feeds add`` refuses a URL that is not a feed (a 404, a page that names no
feed) unless told ``--no-check``; the feed's own title and language fill in what the
user left out. Given a site's page instead of its feed, it takes the first feed the
page names in its head (``<link rel="alternate" type="application/rss+xml">``), as
feed readers do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.config.schema import FetchSettings
from monitor.errors import FeedError, ParseError
from monitor.ingest.fetch import Fetcher
from monitor.ingest.headmeta import feed_links
from monitor.ingest.parse import parse_feed
from monitor.types import FetchResult, ParsedFeed

#: Feeds a page names that are tried, at most: the first that reads is taken.
MOST_TRIED = 5


@dataclass(frozen=True, slots=True)
class Probe:
    """What a URL given to ``feeds add`` turned out to be."""

    #: The feed's URL: the one given, or the one its page named.
    url: str
    feed: ParsedFeed
    #: The other feeds the page named, when the URL given was a page.
    others: tuple[str, ...] = ()


async def probe(url: str, settings: FetchSettings) -> Probe:
    """The feed at ``url``, parsed, or the first feed the page at ``url`` names; raises
    FeedError (FetchError, ParseError) when there is none, with the reason in one line."""
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch_feed(url)
        try:
            return Probe(url, _parse(result))
        except ParseError as e:
            named = feed_links(result.body, result.final_url)
            if not named:
                if _is_page(result):
                    raise ParseError(url, "a web page that names no feed in its head") from e
                raise
            problem = ""
            for link in named[:MOST_TRIED]:
                try:
                    feed = _parse(await fetcher.fetch_feed(link))
                except FeedError as failed:
                    problem = problem or f"{link}: {failed}"
                    continue
                return Probe(link, feed, tuple(n for n in named if n != link))
            raise ParseError(url, f"a web page whose feeds cannot be read ({problem})") from e


def _is_page(result: FetchResult) -> bool:
    kind = (result.content_type or "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml") or b"<html" in result.body[:2000].lower()


def _parse(result: FetchResult) -> ParsedFeed:
    return parse_feed(
        result.body,
        url=result.final_url,
        scope="probe",
        now=datetime.now(UTC),
        content_type=result.content_type,
        content_language=result.content_language,
    )
