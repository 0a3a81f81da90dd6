"""Which of the articles in a digest are one story.

Pure. ``group_by_story`` reads the stories the articles were placed in (stories.cluster,
when they were stored); an article not placed yet falls back to ``group_stories``: the
same canonical URL, or near-identical titles (wire stories run in many outlets under the
same headline, often with the outlet's name appended, "Headline - Reuters"). The digest
shows one item per story: the best-scored article first, then the earliest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from monitor.text.fold import fold_term
from monitor.types import StoredHit

#: Titles sharing this share of their words are one story.
SAME_TITLE = 0.8

#: Articles (each a list of its hits, best first) → stories (lists of articles).
Grouping = Callable[[Sequence[list[StoredHit]]], list[list[list[StoredHit]]]]


def group_by_story(articles: Sequence[list[StoredHit]]) -> list[list[list[StoredHit]]]:
    """One group per stored story; articles not yet placed are grouped by ``group_stories``.

    Inside a story, the best-scored article comes first, then the earliest: the one the
    digest shows, the others listed as "also reported by".
    """
    stories: dict[int, list[list[StoredHit]]] = {}
    unplaced = []
    for article in articles:
        story = article[0].story_id
        if story is None:
            unplaced.append(article)
        else:
            stories.setdefault(story, []).append(article)
    grouped = [sorted(story, key=_best_then_first) for story in stories.values()]
    return grouped + group_stories(unplaced)


def _best_then_first(article: list[StoredHit]) -> tuple[float, float]:
    best = article[0]
    return (-best.hit.score, (best.published or best.fetched_at).timestamp())


def group_stories(articles: Sequence[list[StoredHit]]) -> list[list[list[StoredHit]]]:
    """Articles with the same canonical URL or near-identical titles are one story.

    ``articles`` holds each article's hits, best first. Greedy: each article joins the
    first story it matches. Replaceable: ``build_digest(group=...)``.
    """
    stories: list[tuple[set[str], set[str], list[list[StoredHit]]]] = []
    for article in sorted(articles, key=lambda a: -a[0].hit.score):
        first = article[0]
        words = _title_words(first.title, first.source)
        for urls, title_words, story in stories:
            if (first.url and first.url in urls) or _similar(words, title_words):
                story.append(article)
                urls.add(first.url)
                break
        else:
            stories.append(({first.url}, words, [article]))
    return [story for _urls, _words, story in stories]


def _title_words(title: str, source: str) -> set[str]:
    # "Headline - Reuters", "Headline | CiberCuba": the outlet is not the story.
    for separator in (" - ", " | ", " – ", " — "):
        head, _, tail = title.rpartition(separator)
        if head and len(tail) <= 40:
            title = head
            break
    return set(fold_term(title).split())


def _similar(a: set[str], b: set[str]) -> bool:
    if len(a) < 4 or len(b) < 4:
        return a == b and bool(a)
    return len(a & b) / len(a | b) >= SAME_TITLE
