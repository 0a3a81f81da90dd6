"""Looking at a feed before it is added: fetch it once, parse it, say what it is.

    fetch.fetch_feed | parse.parse_feed

``monitor feeds add`` refuses a URL that is not a feed (an HTML page, a 404) unless told
``--no-check``; the feed's own title and language fill in what the user left out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.config.schema import FetchSettings
from monitor.ingest.fetch import Fetcher
from monitor.ingest.parse import parse_feed
from monitor.types import ParsedFeed


async def probe(url: str, settings: FetchSettings) -> ParsedFeed:
    """The feed at ``url``, parsed; raises FeedError (FetchError, ParseError) when it is not
    one, with the reason in one line."""
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch_feed(url)
    return parse_feed(
        result.body,
        url=result.final_url,
        scope="probe",
        now=datetime.now(UTC),
        content_type=result.content_type,
        content_language=result.content_language,
    )
