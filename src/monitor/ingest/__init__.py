"""Getting news in: fetch feeds and pages, parse feeds, extract article text, decide.

- ``fetch``: HTTP, the only module importing httpx and aiohttp (network).
- ``parse``: feed bytes to entries, the only module importing feedparser (pure);
  ``jsonfeed``: a JSON Feed's items, read for parse (pure).
- ``extract``: page HTML to text in worker processes, the only module importing
  trafilatura (processes); ``language``: a text's language, the only module importing
  py3langid, its model kept unpacked in the user's cache (disk).
- ``workers``: the worker processes, driven by the event loop: deadlines, replaced
  workers, the page that kills them found (processes); ``wire``: the worker's loop and
  the framing of the socket between it and the monitor; ``spawning``: the forkserver
  and a worker's start, standard library only (``monitor.launch`` imports it first).
- ``due``: when a feed is polled next (pure).
- ``decide``: what one poll of one feed changes, from what was fetched (pure).
- ``corrections``: which stored entries the feed corrected, and which to follow (pure).
- ``headmeta``: a page's title, author and date from its head tags (pure).
- ``slots``: request slots where article pages go before feeds, in all and per host.
- ``resolver``: host names looked up on threads of their own, so a name server that
  never answers holds up nothing else (standard library; ``fetch`` hands it to aiohttp).
- ``reading``: a new article's page read whole in a worker: extracted, made the
  article, matched and given its story features, beside the extraction;
- ``lifeline``: extraction processes die with the monitor, however it dies;
  ``_preload``: what the extraction forkserver imports once.

Rules: pure modules take the clock and the random generator as arguments; the adapters
translate their library's exceptions into ``monitor.errors`` with ``raise ... from e``.
"""
