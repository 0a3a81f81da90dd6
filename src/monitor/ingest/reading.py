"""A new article's page read whole in an extraction worker: extracted, made the article,
matched against the watchlists and given its story features, beside the extraction.

The main process then only stores and places it: matching and features are a third of
its work per article (docs/performance.md), and the workers run on the other cores. Each
worker builds the watchlists' matcher once, when it starts (``install``, the pool's
setup); every job names the watchlists it was planned with (``Matcher.fingerprint``), and
a worker holding other ones (the config was edited since it started) returns the article
unmatched, which the main process then matches itself: the result is the same, only
slower.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.ingest import decide
from monitor.ingest.extract import Setup, extract_html
from monitor.ingest.language import detect_language
from monitor.matching.matcher import Matcher
from monitor.matching.model import Exclusion, Watchlist
from monitor.stories.features import features_of
from monitor.types import Article, Entry, Feed, Hit, PageNeeds, StoryFeatures

#: This worker's matcher and the fingerprint of its watchlists.
_installed: tuple[str, Matcher] | None = None


@dataclass(frozen=True, slots=True)
class PageJob:
    """What a worker needs besides the page to make the article of an entry."""

    feed: Feed
    #: The language the feed document declares.
    feed_language: str | None
    entry: Entry
    needs: PageNeeds
    now: datetime
    #: The watchlists to match with (``Matcher.fingerprint``).
    watchlists: str


@dataclass(frozen=True, slots=True)
class Read:
    """What a worker sends back (the page's text once: in the article)."""

    article: Article
    #: None when this worker holds other watchlists than the job's: match in the caller.
    hits: tuple[Hit, ...] | None
    features: StoryFeatures | None


def warm_up() -> None:
    """Load what taking story features reads (the word lists of both languages)."""
    features_of("Warm up", "Cuba y Estados Unidos: the warm-up text.", "en", datetime.now(UTC))
    features_of("Warm up", "Cuba y Estados Unidos: el texto de prueba.", "es", datetime.now(UTC))


def setup_for(matcher: Matcher) -> Setup:
    """The extraction pool's setup that gives each worker ``matcher``'s watchlists."""
    return (install, (matcher.fingerprint, matcher.watchlists, matcher.shared_exclusions))


def install(
    fingerprint: str, watchlists: Sequence[Watchlist], exclusions: Sequence[Exclusion]
) -> None:
    """The pool's setup: build this worker's matcher (tens of milliseconds, once)."""
    global _installed
    _installed = (fingerprint, Matcher(watchlists, exclusions))


def read_page(html: bytes, url: str, job: PageJob, content_type: str | None = None) -> Read:
    """Extract the page (``content_type``: its HTTP header), make the entry's article of
    it (or of its summary when the page gives nothing), and match it and take its story
    features when this worker holds the job's watchlists."""
    page = extract_html(html, url, job.needs, content_type)
    article = decide.article(
        job.feed, job.feed_language, job.entry, page, now=job.now, detect=detect_language
    )
    if _installed is None or _installed[0] != job.watchlists:
        return Read(article, None, None)
    hits = tuple(
        _installed[1].match(article.title, article.text, article.language, published=article.when)
    )
    terms = sorted({t.term for hit in hits for t in hit.terms})
    features = features_of(article.title, article.text, article.language, article.when, terms)
    return Read(article, hits, features)
