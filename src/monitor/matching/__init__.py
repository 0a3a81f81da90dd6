"""Watchlists and the matcher: which texts matter, and why. Pure: no I/O.

- ``model``: the watchlist records that config/ builds (terms, groups, rules, examples).
- ``matcher``: every watchlist compiled into one automaton; a text to its mentions.
- ``evidence``: what the mentions of one text add up to, shared by every watchlist.
- ``verdict``: one watchlist's score, rule and hit on that evidence.
- ``snippets``: the sentence that shows why, with the matched words marked.
- ``examples``: each watchlist's examples, run like tests.

Rules: ``model`` holds records only (it sits with ``monitor.types``); the only module
importing pyahocorasick is ``matcher``; nothing here reads files or the clock.
"""
