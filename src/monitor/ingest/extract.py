"""Article HTML → text and metadata, in a pool of worker processes with a deadline per page.

The only module importing trafilatura and py3langid. ``extract_html`` is pure and runs in
the workers; ``ExtractorPool`` is its asyncio face. trafilatura has no timeout of its own
and is CPU-bound, so it runs in processes: a page that takes too long gets its worker
killed and the pool replaced, and workers are recycled to keep their caches small.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import multiprocessing
import os
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from configparser import ConfigParser
from datetime import UTC, datetime
from functools import cache
from multiprocessing import forkserver
from typing import Any, TypeVar

import py3langid

from monitor.errors import ExtractError, PageBreaksWorkers
from monitor.ingest.headmeta import head_metadata
from monitor.ingest.lifeline import PARENT_ENV, die_with_parent
from monitor.types import DEFAULT_NEEDS, ExtractedPage, PageNeeds

log = logging.getLogger(__name__)

T = TypeVar("T")
#: Run in each new worker: a module's function and its arguments, the first of which
#: names the setup (``ExtractorPool.setup_id``).
Setup = tuple[Callable[..., None], tuple[Any, ...]]


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


#: The language is told from the start of the text: 600 characters are a paragraph or
#: two, enough for the classifier, and its cost grows with the length.
_LANGUAGE_SAMPLE = 600


EVERYTHING = PageNeeds(metadata=True)


def extract_html(html: bytes, url: str, needs: PageNeeds = DEFAULT_NEEDS) -> ExtractedPage | None:
    """Main text of an article page, or None when there is none (paywall, JS-only page).

    The options are the ones measured best on real pages (docs/performance.md): comments
    excluded (reader comments about "Cuba libre" must not make hits), favor_recall (as
    close to the reference text as any option, and the fastest). The title, author and
    date come from the page's head tags, and from the full metadata pass only when
    ``needs.metadata``.
    """
    trafilatura, document, config = _trafilatura()
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
    extract_html(_WARM_UP_PAGE, "https://example.org/warm-up", EVERYTHING)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when there is too little to tell."""
    sample = text[:_LANGUAGE_SAMPLE]
    if len(sample.split()) < 3:
        return None
    language, _score = py3langid.classify(sample)
    return str(language)


def default_workers() -> int:
    """One worker per core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def _initialize(parent: int, setup: Setup | None) -> None:
    """Each new worker: die with the monitor, then the caller's setup."""
    die_with_parent(parent)
    if setup is not None:
        function, args = setup
        function(*args)


def _quiet(task: asyncio.Future[None]) -> None:
    """A failed start is raised to every extract() that awaits it; never "unretrieved"."""
    if not task.cancelled():
        task.exception()


class ExtractorPool:
    """Runs ``extract_html`` in worker processes, one page per worker at a time.

    Use ``async with``. A page past its deadline raises ExtractError; its worker is killed
    and a fresh pool takes over, so one hostile page never stalls the rest.

    A worker that dies on its own (SIGKILL from the OOM killer, a crash in lxml) breaks
    its whole pool, and every page in flight there sees the same error: none of them can
    be blamed. The pool is replaced, and each of those pages is tried again alone, in a
    one-worker pool of its own; a page that breaks that one too is the cause, and raises
    PageBreaksWorkers (the caller quarantines it). The other pages come through.
    """

    def __init__(
        self,
        workers: int,
        timeout: float,
        max_tasks_per_child: int = 200,
        function: Callable[[bytes, str, PageNeeds], ExtractedPage | None] = extract_html,
        setup: Setup | None = None,
    ) -> None:
        """``setup``: a function and its arguments, run once in each new worker (the
        watchlists' matcher of ``ingest.reading``); ``setup_id`` names it."""
        self._function = function
        self._setup = setup
        self.setup_id = setup[1][0] if setup else None
        self._workers = workers or default_workers()
        self._timeout = timeout
        self._max_tasks = max_tasks_per_child
        # forkserver: workers start from a clean process with trafilatura preloaded, not
        # from a fork of this one (which holds the event loop and resolver threads).
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["monitor.ingest._preload"])
        self._pool = self._new_pool()
        #: Pools this object killed itself (a page's deadline): their other pages are
        #: innocent and go to the next pool as they are.
        self._killed: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()
        #: One worker, one page at a time, for the pages of a pool that died on its own.
        self._alone: ProcessPoolExecutor | None = None
        self._alone_turn: asyncio.Lock | None = None
        self._slots: asyncio.Semaphore | None = None
        self._starting: asyncio.Task[None] | None = None

    @property
    def workers(self) -> int:
        return self._workers

    @property
    def started(self) -> bool:
        """The workers were asked to start (a page needed them). Only a test reads it
        (an unchanged cycle starts no worker); kept, because the other way to know is to
        look for the forkserver's grandchildren among the machine's processes."""
        return self._starting is not None

    def _new_pool(self, workers: int | None = None) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers or self._workers,
            mp_context=self._context,
            max_tasks_per_child=self._max_tasks,
            initializer=_initialize,
            initargs=(os.getpid(), self._setup),
        )

    async def __aenter__(self) -> ExtractorPool:
        # Nothing starts yet: a cycle with no new page never pays for the workers.
        os.environ[PARENT_ENV] = str(os.getpid())
        return self

    def warm(self) -> None:
        """Start the workers now, in the background, if they are not running: a page is
        coming. The first start loads and warms the extractor (~1.5 s), so it is begun as
        soon as a feed has new pages, while the pages are fetched."""
        if self._starting is not None:
            return
        # The forkserver is started from this thread: the kernel's parent-death signal
        # follows the thread that started a process, and the event loop's lives as long
        # as we do (a worker thread of to_thread may not).
        forkserver.ensure_running()
        self._starting = asyncio.ensure_future(asyncio.to_thread(self._start_workers))
        self._starting.add_done_callback(_quiet)

    async def _started(self) -> None:
        """The workers, started; a start that a dying worker broke (killed, out of
        memory) is begun again once in a fresh pool, never remembered for every page."""
        for _attempt in range(2):
            self.warm()
            starting = self._starting
            assert starting is not None
            try:
                await asyncio.shield(starting)
                return
            except BrokenProcessPool:
                if starting is self._starting:  # the first page to see it starts anew
                    self._discard(self._pool, killed=False)
                    self._starting = None
        raise ExtractError("extraction workers died while starting, twice")

    def _start_workers(self) -> None:
        pids = {f.result() for f in [self._pool.submit(os.getpid) for _ in range(self._workers)]}
        log.debug("extraction workers started: %s", sorted(pids))

    async def __aexit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()  # interrupted or failing: do not wait for pages in progress

    def _pools(self) -> list[ProcessPoolExecutor]:
        return [self._pool] if self._alone is None else [self._pool, self._alone]

    def close(self) -> None:
        """Finish the pages in progress, then stop the workers."""
        for pool in self._pools():
            pool.shutdown(wait=True, cancel_futures=True)

    def terminate(self) -> None:
        """Stop now: the pages in progress are dropped and the workers killed."""
        pools = self._pools()
        processes = [p for pool in pools for p in getattr(pool, "_processes", {}).values()]
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()
        for process in processes:
            process.join(timeout=5)

    async def extract(
        self, html: bytes, url: str, needs: PageNeeds = DEFAULT_NEEDS
    ) -> ExtractedPage | None:
        """Extract one page; raises ExtractError on a crash or a passed deadline."""
        return await self.run(url, self._function, html, url, needs)

    async def run(self, url: str, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker, for the page at ``url``: with the deadline,
        the pool replaced under it and the page tried alone as ``extract`` does. The
        function must be a module's (it is pickled by name) and call ``extract_html``."""
        if self._slots is None:
            # One queued page per worker, so a worker never waits for the event loop.
            self._slots = asyncio.Semaphore(self._workers * 2)
        await self._started()
        async with self._slots:
            for _attempt in range(2):
                pool = self._pool
                try:
                    return await self._run(pool, url, function, args)
                except BrokenProcessPool:
                    if pool not in self._killed:  # it died on its own: any page may be why
                        self._discard(pool, killed=False)
                        return await self._run_alone(url, function, args)
                    # We killed it for another page's deadline: this one goes on as it is.
            raise ExtractError(f"{url}: extraction workers were replaced twice under it")

    async def _run_alone(self, url: str, function: Callable[..., T], args: tuple[Any, ...]) -> T:
        """A page that was in a pool when a worker died, tried again in a pool of its own:
        if it breaks that one too, it is the page that kills workers."""
        if self._alone_turn is None:
            self._alone_turn = asyncio.Lock()
        async with self._alone_turn:
            if self._alone is None:
                self._alone = self._new_pool(workers=1)
            pool = self._alone
            try:
                return await self._run(pool, url, function, args)
            except BrokenProcessPool as e:
                self._discard(pool, killed=False)
                raise PageBreaksWorkers(
                    f"quarantined: {url} broke its extraction worker twice, the second time alone"
                ) from e

    async def _run(
        self, pool: ProcessPoolExecutor, url: str, function: Callable[..., T],
        args: tuple[Any, ...],
    ) -> T:  # fmt: skip
        future = asyncio.get_running_loop().run_in_executor(pool, function, *args)
        try:
            return await asyncio.wait_for(future, self._timeout)
        except TimeoutError as e:
            self._discard(pool, killed=True)
            raise ExtractError(f"{url}: extraction took over {self._timeout:g}s") from e
        except BrokenProcessPool:
            raise
        except Exception as e:  # anything trafilatura or lxml raised inside the worker
            raise ExtractError(f"{url}: extraction failed: {type(e).__name__}: {e}") from e

    def _discard(self, pool: ProcessPoolExecutor, *, killed: bool) -> None:
        """Put a fresh pool in the place of ``pool`` (once, whoever asks first) and kill
        its workers: a stuck worker cannot be cancelled, and killing it is the only way
        to get the core back. ``killed`` says it is we who end it, for a deadline."""
        if pool is self._pool:
            self._pool = self._new_pool()
        elif pool is self._alone:
            self._alone = None
        else:
            return
        if killed:
            self._killed.add(pool)
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
