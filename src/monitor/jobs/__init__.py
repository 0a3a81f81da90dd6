"""The monitor's jobs, each reading like its diagram: they order calls, decide nothing.

- ``poll``: one poll cycle (fetch, parse, extract, match, store).
- ``feedread``: a fetched feed parsed in a worker, under the workers' deadline.
- ``pages``: a cycle's article pages, fetched, then extracted or read whole in the
  workers; quarantine.
- ``rematch``: the current watchlists over stored articles, after an edit.
- ``send``: one digest built, delivered and recorded, exactly once.
- ``stories``: articles placed in stories, as they are stored or all again.
- ``publish``: the Atom feeds of hits, rewritten after each cycle.
- ``alerts``: the cycle's urgent alerts, recorded, delivered and confirmed.
- ``feeds``: a feed looked at once before it is added.
- ``demo``: the whole monitor on bundled sample news, offline.

Rules: decisions live in the pure stages (``ingest.decide``, ``matching``,
``digest.build``); a job owns the order of calls and the resources it opens.
"""
