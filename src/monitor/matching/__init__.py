"""Watchlists and the matcher: which texts matter, and why. Pure: no I/O.

- ``model``: the watchlist records that config/ builds (terms, groups, rules, examples).
- ``matcher``: every watchlist compiled into one automaton; a text to its mentions.
- ``mentions``: the automaton's matches to mentions, voided where they must be (senses,
  exclusions, boilerplate, terms of other dates or languages).
- ``boilerplate``: the lines of an article that are not its story (credits, bylines).
- ``evidence``: what the mentions of one text add up to, shared by every watchlist.
- ``verdict``: one watchlist's score, rule and hit on that evidence.
- ``proximity``: ``within``: whether a rule's groups are near each other, and where.
- ``explain``: an evaluation told as text, for ``monitor explain``.
- ``snippets``: the sentence that shows why, with the matched words marked.
- ``examples``: each watchlist's examples, run like tests.

Rules: ``model`` holds records only (it sits with ``monitor.types``); the only module
importing pyahocorasick is ``matcher``; nothing here reads files or the clock.
"""
