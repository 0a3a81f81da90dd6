"""Re-run the current watchlists over stored articles, after a watchlist edit.

Unsent hits of the chosen watchlists are recomputed; hits already sent in a digest stay
recorded as sent (and are not added twice). A full rematch also drops unsent hits of
watchlists that no longer exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from monitor.matching.matcher import Matcher
from monitor.storage import Store


@dataclass(frozen=True, slots=True)
class RematchReport:
    articles: int
    removed: int
    added: int
    #: Hits still found, with another score, terms or snippet.
    updated: int = 0


def rematch(
    store: Store,
    matcher: Matcher,
    now: datetime,
    *,
    watchlist: str | None = None,
    keep: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
) -> RematchReport:
    """Recompute hits over every stored article, one transaction per batch.

    ``keep`` names watchlists left out of ``matcher`` (their file is invalid) whose hits
    must stay as they are.
    """
    chosen = [w for w in matcher.watchlists if watchlist in (None, w.name)]
    scoped = Matcher(chosen, matcher.shared_exclusions)
    names = [w.name for w in chosen]
    articles = removed = added = updated = 0
    for batch in store.articles():
        found = [
            (a.article_id, scoped.match(a.title, a.text, a.language, published=a.published))
            for a in batch
        ]
        changes = store.replace_hits(found, names, now)
        articles += len(batch)
        removed, added = removed + changes.removed, added + changes.added
        updated += changes.updated
        if progress:
            progress(len(batch))
    if watchlist is None:
        removed += store.remove_hits_of_unknown_watchlists([*names, *keep])
    return RematchReport(articles, removed, added, updated)
