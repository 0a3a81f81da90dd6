"""Getting news in: fetch feeds and pages, parse feeds, extract article text, decide.

- ``fetch``: HTTP, the only module importing httpx and aiohttp (network).
- ``parse``: feed bytes to entries, the only module importing feedparser (pure).
- ``extract``: page HTML to text in worker processes, the only module importing
  trafilatura and py3langid (processes).
- ``due``: when a feed is polled next (pure).
- ``decide``: what one poll of one feed changes, from what was fetched (pure).

Rules: pure modules take the clock and the random generator as arguments; the adapters
translate their library's exceptions into ``monitor.errors`` with ``raise ... from e``.
"""
