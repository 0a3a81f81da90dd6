"""Re-run the current watchlists over stored articles, after a watchlist edit.

Unsent hits of the chosen watchlists are recomputed; hits already sent in a digest stay
recorded as sent (and are not added twice). A full rematch also drops unsent hits of
watchlists that no longer exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from monitor.matching.matcher import Matcher
from monitor.storage import Store


@dataclass(frozen=True, slots=True)
class RematchReport:
    articles: int
    removed: int
    added: int


def rematch(
    store: Store,
    matcher: Matcher,
    now: datetime,
    *,
    watchlist: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> RematchReport:
    """Recompute hits over every stored article, one transaction per batch."""
    chosen = [w for w in matcher.watchlists if watchlist in (None, w.name)]
    scoped = Matcher(chosen, matcher.shared_exclusions)
    names = [w.name for w in chosen]
    articles = removed = added = 0
    for batch in store.articles():
        found = [(a.article_id, scoped.match(a.title, a.text)) for a in batch]
        gone, new = store.replace_hits(found, names, now)
        articles, removed, added = articles + len(batch), removed + gone, added + new
        if progress:
            progress(len(batch))
    if watchlist is None:
        removed += store.remove_hits_of_unknown_watchlists(names)
    return RematchReport(articles, removed, added)
