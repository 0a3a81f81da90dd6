"""Which articles are one story: the same canonical URL, or near-identical titles.

Pure. Wire stories run in many outlets under the same headline, often with the outlet's
name appended ("Headline - Reuters"); those are one story. The digest shows one item per
story, the best-scored article first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from monitor.text.fold import fold_term
from monitor.types import StoredHit

#: Titles sharing this share of their words are one story.
SAME_TITLE = 0.8

#: Articles (each a list of its hits, best first) → stories (lists of articles).
Grouping = Callable[[Sequence[list[StoredHit]]], list[list[list[StoredHit]]]]


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
