"""Imported once by the extraction forkserver, never by the monitor itself.

Loads and warms the extractor before any worker is forked, so that every worker (and
every recycled one) starts warm: py3langid alone takes ~0.8 s to load its model and
trafilatura ~0.2 s for its first page.
"""

from monitor.ingest.extract import warm_up

warm_up()
