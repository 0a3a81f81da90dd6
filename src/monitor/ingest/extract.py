"""Article HTML → text and metadata, in a pool of worker processes with a deadline per page.

The only module importing trafilatura. ``extract_html`` is pure and runs in
the workers; ``ExtractorPool`` is its asyncio face. trafilatura has no timeout of its own
and is CPU-bound, so it runs in processes (``ingest.workers``): a page that takes too
long gets its worker killed and replaced, and workers are recycled to keep their caches
small.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from configparser import ConfigParser
from datetime import UTC, datetime
from functools import cache
from typing import Any

from monitor.ingest.headmeta import head_metadata
from monitor.ingest.language import detect_language, identifier
from monitor.ingest.wire import Setup
from monitor.ingest.workers import WorkerPool
from monitor.text.charsets import page_in_utf8
from monitor.types import DEFAULT_NEEDS, ExtractedPage, PageNeeds

__all__ = ["ExtractorPool", "Setup", "extract_html", "settings", "warm_up"]


@cache
def _trafilatura() -> tuple[Any, Any, ConfigParser]:
    """trafilatura, its result's type and the options used. Imported on first use: the
    workers do it before they fork (``ingest._preload``), and a poll that extracts
    nothing in its own process never spends the 60 ms."""
    import trafilatura
    from trafilatura.settings import DEFAULT_CONFIG, Document

    config = copy.deepcopy(DEFAULT_CONFIG)
    # Short wire stories are real articles; trafilatura's default (250 chars) drops them.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "100")
    # Refuse pathological DOMs instead of spending seconds on them.
    config.set("DEFAULT", "MAX_TREE_SIZE", "100000")
    return trafilatura, Document, config


def settings() -> ConfigParser:
    """The trafilatura options extraction uses (for benchmarks comparing them)."""
    return _trafilatura()[2]


EVERYTHING = PageNeeds(metadata=True)

#: A numeric character reference to a character XML forbids: the C0 controls but tab,
#: line feed and carriage return, and U+FFFE and U+FFFF (``&#27;``, ``&#x8;``,
#: ``&#xFFFF;``). HTML allows them (a parse error browsers shrug off, as pages pasted
#: from word processors carry). lxml makes them the character, and trafilatura then
#: discards the whole page ("All strings must be XML compatible"): one stray ``&#8;``
#: lost the article. The same bytes raw are dropped by lxml itself.
_FORBIDDEN_REFERENCE = re.compile(
    rb"&#(?:[xX]0*(?:[1-8bcefBCEF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F])"
    rb"|0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9]));?"
)


def extract_html(
    html: bytes, url: str, needs: PageNeeds = DEFAULT_NEEDS, content_type: str | None = None
) -> ExtractedPage | None:
    """Main text of an article page, or None when there is none (paywall, JS-only page).

    The options are the ones measured best on real pages (docs/performance.md): comments
    excluded (reader comments about "Cuba libre" must not make hits), favor_recall (as
    close to the reference text as any option, and the fastest). The title, author and
    date come from the page's head tags, and from the full metadata pass only when
    ``needs.metadata``. ``content_type`` is the HTTP header, whose charset the page is
    read in when it is not UTF-8 (text/charsets.py).
    """
    trafilatura, document, config = _trafilatura()
    html = _FORBIDDEN_REFERENCE.sub(b" ", page_in_utf8(html, content_type))
    doc = trafilatura.bare_extraction(
        html, url=url, include_comments=False, favor_recall=True,
        with_metadata=needs.metadata, config=config,
    )  # fmt: skip
    if not isinstance(doc, document):
        return None
    text = (doc.text or "").strip()
    if not text:
        return None
    head = head_metadata(html)
    return ExtractedPage(
        text=text,
        title=head.title or doc.title or None,
        author=head.author or doc.author or None,
        published=head.published or _day(doc.date),
        language=detect_language(text) if needs.language else None,
    )


def _day(value: str | None) -> datetime | None:
    """trafilatura's date, YYYY-MM-DD, as midnight UTC."""
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC) if value else None
    except ValueError:
        return None


_WARM_UP_PAGE = (
    b"<html><body><article><h1>Warm-up</h1><p>"
    + b"El gobierno cubano y Washington intercambian mensajes sobre el combustible. " * 8
    + b"</p></article></body></html>"
)


def warm_up() -> None:
    """Load the models and caches a first extraction would (see monitor.ingest._preload)."""
    identifier()
    extract_html(_WARM_UP_PAGE, "https://example.org/warm-up", EVERYTHING)


class ExtractorPool(WorkerPool):
    """Runs ``extract_html`` (or the given function) in worker processes: the deadline,
    the replaced workers and the quarantine are ``WorkerPool``'s."""

    def __init__(
        self,
        workers: int,
        timeout: float,
        max_tasks_per_child: int = 200,
        function: Callable[
            [bytes, str, PageNeeds, str | None], ExtractedPage | None
        ] = extract_html,
        setup: Setup | None = None,
        start_timeout: float | None = None,
    ) -> None:
        super().__init__(workers, timeout, max_tasks_per_child, setup, start_timeout)
        self._function = function

    async def __aenter__(self) -> ExtractorPool:
        await super().__aenter__()
        return self

    async def extract(
        self,
        html: bytes,
        url: str,
        needs: PageNeeds = DEFAULT_NEEDS,
        content_type: str | None = None,
    ) -> ExtractedPage | None:
        """Extract one page; raises ExtractError on a crash or a passed deadline."""
        result: ExtractedPage | None = await self.run(
            url, self._function, html, url, needs, content_type
        )
        return result
