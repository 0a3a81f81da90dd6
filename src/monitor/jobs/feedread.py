"""A fetched feed document parsed in an extraction worker, not on the event loop.

feedparser is pure Python and has no deadline: a 5 MB feed (``fetch.feed_max_bytes``)
takes it seconds, and some legal documents take it far longer (one element with 100,000
attributes: 77 s of CPU for 1 MB, quadratic in ``xml.sax``). On the event loop that
stopped every other feed, page and timer of the cycle with it. In a worker it has the
workers' deadline (``extract.timeout``): past it, the worker is killed and replaced, and
the feed fails for this cycle with a one-line error while the rest goes on. The job is
urgent (it goes before the pages waiting for a worker): the feed's own pages wait for it.

When no worker can be started at all, the feed is parsed here, as before: a cycle of
summaries is better than none.
"""

from __future__ import annotations

import logging
from datetime import datetime

from monitor.errors import ExtractError, ParseError, WorkersUnavailable
from monitor.ingest.parse import Unreadable, read_feed
from monitor.ingest.workers import WorkerPool
from monitor.types import FetchResult, ParsedFeed

log = logging.getLogger(__name__)

#: What a feed's parsing is called in the pool's errors.
PARSING = "feed parsing"


async def parse_fetched(
    pool: WorkerPool, result: FetchResult, *, scope: str, now: datetime
) -> ParsedFeed:
    """The feed in ``result`` parsed in one of ``pool``'s workers.

    Raises:
        ParseError: the body is not a feed, or its parsing ran past the deadline or
            killed its worker twice (the message says which, and names the feed).
    """
    args = (result.body, result.final_url, scope, now, result.content_type,
            result.content_language)  # fmt: skip
    try:
        parsed = await pool.run(result.final_url, read_feed, *args, what=PARSING, urgent=True)
    except WorkersUnavailable as e:
        log.warning("feed %s: parsed in the monitor's own process: %s", result.final_url, e)
        parsed = read_feed(*args)
    except ExtractError as e:
        raise ParseError(result.final_url, str(e)) from e
    if isinstance(parsed, Unreadable):
        raise ParseError(result.final_url, parsed.message)
    return parsed
