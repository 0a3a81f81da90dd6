"""Place articles in stories: each cycle's new ones as they are stored, and every one
again after an edit (``recluster``)::

    store.story_members | stories.features | stories.placing | store.save_placements

The recent stories are read once per cycle, when the first article needs placing; an
article placed once stays where it is. Articles a cycle stored but did not place (it
stopped in between, or they predate stories) are placed by the next cycle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from monitor.matching.model import GroupRef, NoneOf, Rule, Watchlist
from monitor.storage import Store
from monitor.stories.features import features_of
from monitor.stories.placing import WINDOW, Stories
from monitor.text.fold import fold_term
from monitor.types import Article, Hit, Placeable, Placement, StoryFeatures

#: How far back the stories a new article may join are read from.
LOOKBACK = 2 * WINDOW
#: Articles left unplaced that one cycle places, at most (the rest: the next cycles).
UNPLACED_PER_CYCLE = 2000
_BATCH = 500


def context_of(watchlists: Sequence[Watchlist]) -> frozenset[str]:
    """The domain's own names, which tell no story from another: each alias of the terms
    of the groups that half the watchlists' rules or more require, folded, and its last
    word (by default Cuba and the United States: "cuba", "havana", "washington",
    "ee uu", "trump", "diaz canel" and "canel"): on real news, the actors of the domain
    (Díaz-Canel, Rubio) join developments that only share them. An alias ending in "*"
    gives a prefix, kept with its "*"."""
    required: dict[str, int] = {}
    for watchlist in watchlists:
        for name in _required(watchlist.rule):
            required[name] = required.get(name, 0) + 1
    common = {name for name, n in required.items() if 2 * n >= len(watchlists)}
    words: set[str] = set()
    for watchlist in watchlists:
        for group in watchlist.groups:
            if group.name in common:
                for term in (t for t in group.terms if t.context):
                    for alias in (term.name, *term.aliases):
                        star = "*" if alias.endswith("*") else ""
                        folded = fold_term(alias.rstrip("*"))
                        if folded:
                            # The whole alias, and its last word: names are known by it.
                            words.update((folded + star, folded.split()[-1] + star))
    return frozenset(words)


def _required(rule: Rule) -> set[str]:
    """The groups a rule asks for (not those it excludes)."""
    if isinstance(rule, GroupRef):
        return {rule.group}
    if isinstance(rule, NoneOf):
        return set()
    return set().union(*(_required(item) for item in rule.items))


class Placer:
    """One cycle's placing of articles, the recent stories read on first use."""

    def __init__(self, store: Store, now: datetime, context: frozenset[str] = frozenset()) -> None:
        self._store = store
        self._now = now
        self._context = context
        self._stories: Stories | None = None

    def place(self, articles: Sequence[Placeable]) -> list[Placement]:
        """Place ``articles`` (oldest first) and record where they went."""
        if not articles:
            return []
        if self._stories is None:
            members = self._store.story_members(self._now - LOOKBACK)
            self._stories = Stories(members, self._context)
        placements = _placements(self._stories, articles)
        self._store.save_placements(placements)
        return placements

    def place_unplaced(self) -> int:
        """Place what earlier cycles stored but did not place; returns how many."""
        return len(self.place(self._store.unplaced(UNPLACED_PER_CYCLE)))


@dataclass(frozen=True, slots=True)
class ReclusterReport:
    articles: int
    stories: int


def recluster(
    store: Store,
    since: datetime | None = None,
    batch_size: int = _BATCH,
    context: frozenset[str] = frozenset(),
) -> ReclusterReport:
    """Place again every article published since ``since`` (all: None), in time order,
    among the stories of the articles before it."""
    store.clear_stories(since)
    placed, ids = 0, set[int]()
    for batch in store.placeable(since, batch_size):
        # Each batch among the stories placed before it, as a poll cycle would read
        # them: memory stays that of a few days of news, whatever the archive's size.
        recent = Stories(store.story_members(batch[0].when - LOOKBACK), context)
        placements = _placements(recent, batch)
        store.save_placements(placements)
        placed += len(placements)
        ids.update(p.story_id for p in placements)
    return ReclusterReport(articles=placed, stories=len(ids))


def _placements(stories: Stories, articles: Sequence[Placeable]) -> list[Placement]:
    placements = []
    for a in sorted(articles, key=lambda a: a.when):
        features = a.features or features_of(a.title, a.text, a.language, a.when, a.terms)
        found = stories.place(a.article_id, a.url, features)
        story = found.story_id if found.story_id is not None else a.article_id
        placements.append(
            Placement(
                article_id=a.article_id, story_id=story, reason=found.reason, features=features
            )
        )
    return placements


def placeable_of(
    articles: Sequence[Article], inserted: dict[str, int], hits: Sequence[tuple[str, Hit]],
    features: Mapping[str, StoryFeatures] | None = None,
) -> list[Placeable]:  # fmt: skip
    """The articles this feed's update inserted, with their hits' terms (and the
    features an extraction worker took, by article key), to place."""
    terms: dict[str, set[str]] = {}
    for key, hit in hits:
        terms.setdefault(key, set()).update(t.term for t in hit.terms)
    return [
        Placeable(
            article_id=inserted[a.key], url=a.url, title=a.title, text=a.text,
            language=a.language, when=a.when,
            terms=tuple(sorted(terms.get(a.key, ()))),
            features=(features or {}).get(a.key),
        )
        for a in articles
        if a.key in inserted
    ]  # fmt: skip
