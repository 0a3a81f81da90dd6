"""Urgent alerts: which new hits reach a watchlist's ``alert:``, and their message. Pure.

A hit alerts each channel of its watchlist once when its score reaches the alert's
``min_score``. Copies of one story (the wire story in five outlets) alert a channel once:
the first is ``pending`` (to deliver), the others are recorded ``folded``, so they are
never sent later either. The message is short, for a phone's lock screen: the headline,
why it is there, the sentence that made it, the link.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from monitor.matching.model import AlertRule
from monitor.types import AlertMessage, NewAlert, StoredHit

#: A title longer than this is cut: push services show the first line or two.
TITLE_CHARS = 200
SNIPPET_CHARS = 300


def message(hit: StoredHit, watchlist_title: str) -> AlertMessage:
    """The alert of one hit: "[watchlist] headline", then why, the sentence, the link."""
    headline = hit.title or hit.url
    title = _cut(f"[{watchlist_title}] {headline}", TITLE_CHARS)
    why = f"Why: {', '.join(hit.hit.why())} (score {hit.hit.score:g})"
    language = f" [{hit.language}]" if hit.language else ""
    lines = [why, _cut(hit.hit.snippet.text, SNIPPET_CHARS), f"{hit.source}{language}", hit.url]
    return AlertMessage(title=title, body="\n".join(line for line in lines if line))


def due(
    hits: Iterable[StoredHit],
    rules: Mapping[str, AlertRule],
    titles: Mapping[str, str],
    recorded: Collection[tuple[int, str, str]],
    alerted_stories: Collection[tuple[int, str]],
) -> list[NewAlert]:
    """The alerts to record for ``hits``: one per (article, watchlist, channel) not
    ``recorded`` yet whose score reaches its watchlist's rule; ``folded`` when the story
    already alerted the channel (``alerted_stories``, or an earlier hit of these)."""
    found: list[NewAlert] = []
    stories = set(alerted_stories)
    # Oldest first, so a story's first report is the one delivered.
    for hit in sorted(hits, key=lambda h: (h.fetched_at, h.article_id)):
        rule = rules.get(hit.hit.watchlist)
        if rule is None or hit.hit.score < rule.min_score:
            continue
        for channel in rule.to:
            if (hit.article_id, hit.hit.watchlist, channel) in recorded:
                continue
            story = hit.story_id if hit.story_id is not None else -hit.article_id
            folded = (story, channel) in stories
            stories.add((story, channel))
            found.append(
                NewAlert(
                    article_id=hit.article_id,
                    watchlist=hit.hit.watchlist,
                    channel=channel,
                    story_id=hit.story_id,
                    state="folded" if folded else "pending",
                    message=message(hit, titles.get(hit.hit.watchlist, hit.hit.watchlist)),
                )
            )
    return found


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
