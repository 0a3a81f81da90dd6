"""Imported once by the extraction forkserver, never by the monitor itself.

First it ties the forkserver's life to the monitor's (``lifeline``); then it loads and
warms the extractor before any worker is forked, so that every worker (and every
recycled one) starts warm: py3langid takes 0.46 s to load its model from the package
(0.07 s from the cache, ``ingest.language``) and trafilatura ~0.2 s for its first page.
The modules a worker matches with (``reading``), the word lists of story features and
feedparser (the workers parse the feeds, ``jobs.feedread``) are loaded here too, once,
so that the workers share their memory instead of each loading its own. The collector is
paused while they load (0.03 s of 0.8 s), and what is loaded is then frozen out of its
sight: a collection in a worker would otherwise walk (and so copy, page by page) the
objects every worker shares, and spend its time on them.
"""

import gc

gc.disable()

from monitor.ingest.lifeline import die_with_parent, parent_from_environment  # noqa: E402

die_with_parent(parent_from_environment(), child=True)

from monitor.ingest import parse  # noqa: E402  (after the lifeline, on purpose)
from monitor.ingest.extract import warm_up  # noqa: E402
from monitor.ingest.reading import warm_up as warm_up_reading  # noqa: E402

warm_up()
warm_up_reading()
parse.load()
gc.enable()
gc.freeze()
