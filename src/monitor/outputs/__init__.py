"""Ways out of the monitor besides the daily digest. Pure builders, one module per format.

- ``atom``: stored hits to Atom feeds, one per watchlist and one for all, one entry per
  story; the only module importing feedgen (pure: the clock is an argument).

Rules: a builder takes records and returns bytes; writing them (atomically, beside the
database) is ``jobs.publish``'s.
"""
