"""reading.py: a page read whole in a real extraction worker finds what the poll's own
matcher and features would, and a worker holding other watchlists leaves it to the poll."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import load_config
from monitor.ingest import decide
from monitor.ingest.extract import ExtractorPool, extract_html
from monitor.ingest.language import detect_language
from monitor.ingest.reading import PageJob, Read, read_page, setup_for
from monitor.matching.matcher import Matcher
from monitor.stories.features import features_of
from monitor.types import DEFAULT_NEEDS, Entry, Feed
from tests.support.config import RELATIONS, write_config
from tests.support.news import page, story

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
FEED = Feed(name="Wire", url="https://wire.example/rss")
STORY = story("oil", "US cuts oil shipments to Cuba", "Washington moved to halt crude to Havana.")
ENTRY = Entry(key="url:https://wire.example/oil", url="https://wire.example/oil",
              title=STORY.title, summary="Short.")  # fmt: skip


def _matcher(tmp_path: Path, watchlist: str = RELATIONS) -> Matcher:
    config = load_config(write_config(tmp_path, [], watchlists={"relations": watchlist}))
    return Matcher(config.watchlists, config.shared_exclusions)


def _read(matcher: Matcher, job_matcher: Matcher) -> Read:
    html = page(STORY).encode()
    job = PageJob(FEED, None, ENTRY, DEFAULT_NEEDS, NOW, job_matcher.fingerprint)

    async def run() -> Read:
        async with ExtractorPool(1, 30, setup=setup_for(matcher)) as pool:
            return await pool.run(ENTRY.url, read_page, html, ENTRY.url, job)

    return asyncio.run(run())


def test_a_worker_finds_what_the_poll_would(tmp_path: Path) -> None:
    matcher = _matcher(tmp_path)
    read = _read(matcher, matcher)
    # What the poll makes of the same page in its own process.
    extracted = extract_html(page(STORY).encode(), ENTRY.url)
    article = decide.article(FEED, None, ENTRY, extracted, now=NOW, detect=detect_language)
    assert read.article == article
    assert article.text_source == "page"
    hits = tuple(matcher.match(article.title, article.text, article.language,
                               published=article.when))  # fmt: skip
    assert read.hits == hits
    assert [h.watchlist for h in hits] == ["relations"]
    terms = sorted({t.term for h in hits for t in h.terms})
    assert read.features == features_of(article.title, article.text, article.language,
                                        article.when, terms)  # fmt: skip


def test_a_worker_with_other_watchlists_leaves_the_matching_to_the_poll(tmp_path: Path) -> None:
    started_with = _matcher(tmp_path / "a")
    edited = _matcher(tmp_path / "b", RELATIONS.replace("Havana]", "Havana, Habana]"))
    assert edited.fingerprint != started_with.fingerprint
    read = _read(started_with, edited)
    assert (read.hits, read.features) == (None, None)
    assert read.article.text_source == "page"  # the extraction is done all the same
