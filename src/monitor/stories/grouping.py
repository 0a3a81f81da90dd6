"""Which of the articles in a digest are one story.

Pure. ``group_by_story`` reads the stories the articles were placed in (stories.placing,
when they were stored); an article not placed yet falls back to ``_by_url_or_title``: the
same canonical URL, or near-identical titles (wire stories run in many outlets under the
same headline, often with the outlet's name appended, "Headline - Reuters"). The digest
shows one item per story: the best-scored article first, then the earliest.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.stories.features import jaccard, title_words
from monitor.stories.placing import MIN_TITLE_WORDS
from monitor.types import StoredHit

#: Titles sharing this share of their words are one story. Higher than the share the
#: stories asks (``cluster.SIMILAR_TITLE``) because here the title is all there is:
#: the stories asks shared text beside it.
SAME_TITLE = 0.8


def group_by_story(articles: Sequence[list[StoredHit]]) -> list[list[list[StoredHit]]]:
    """One group per stored story; articles not yet placed are grouped by ``_by_url_or_title``.

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
    return grouped + _by_url_or_title(unplaced)


def _best_then_first(article: list[StoredHit]) -> tuple[float, float]:
    best = article[0]
    return (-best.hit.score, best.when.timestamp())


def _by_url_or_title(articles: Sequence[list[StoredHit]]) -> list[list[list[StoredHit]]]:
    """Articles with the same canonical URL or near-identical titles are one story.

    ``articles`` holds each article's hits, best first. Greedy: each article joins the
    first story it matches.
    """
    stories: list[tuple[set[str], frozenset[str], list[list[StoredHit]]]] = []
    for article in sorted(articles, key=lambda a: -a[0].hit.score):
        first = article[0]
        words = title_words(first.title)
        for urls, known, story in stories:
            if (first.url and first.url in urls) or _similar(words, known):
                story.append(article)
                urls.add(first.url)
                break
        else:
            stories.append(({first.url}, words, [article]))
    return [story for _urls, _words, story in stories]


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if len(a) < MIN_TITLE_WORDS or len(b) < MIN_TITLE_WORDS:
        return a == b and bool(a)
    return jaccard(a, b) >= SAME_TITLE
