"""Worker processes driven by the event loop: a deadline per page, a worker replaced
when it dies, overstays or has done its share.

Each worker is a child of a forkserver (``monitor.ingest._preload`` warmed it before the
fork) and talks to the monitor over one socket pair, framed as
``multiprocessing.Connection`` frames it. The event loop writes the jobs and reads the
results itself: concurrent.futures' process pool carried them through two threads of
its own that cost 0.5–0.8 ms of CPU per page (docs/performance.md).

A job is pickled as ``(function, args)``; the function must be a module's. Two jobs are
sent ahead to each worker, so that the next page is waiting in its socket when it ends
one. An urgent job (a feed to parse, whose pages the workers wait for) goes before every
waiting page. A worker runs its jobs in order, so the first job in its queue is the one running:
that one alone has a deadline, and that one alone is suspect when the worker dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import socket
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from monitor.errors import ExtractError, PageBreaksWorkers, WorkersUnavailable
from monitor.ingest.lifeline import alive
from monitor.ingest.spawning import (
    context,
    default_workers,
    ensure_forkserver,
    kill_forkserver,
    prepare,
    start_process,
)
from monitor.ingest.wire import Channel, Setup, frame, serve

log = logging.getLogger(__name__)

T = TypeVar("T")


#: Jobs sent ahead to one worker.
DEPTH = 2
#: Tries to start a worker before its place is given up.
STARTS = 2
#: The least time a worker's start is given: the first start waits for the forkserver
#: to load the extractor, seconds on a busy or small machine, whatever a page may take.
START_AT_LEAST = 60.0
#: The pause before a failed start is tried again: a forkserver the OOM killer took still
#: looks alive while the kernel tears its heap down, tens of milliseconds on a busy
#: machine, and a start tried again at once failed against it too.
RESTART_PAUSE = 1.0
#: Why a start failed, when nothing more is known.
DIED = "died while starting"
#: How often a job not yet begun may be handed on from a worker that went away.
HANDOVERS = 3


class _Died(Exception):
    """The worker went away while the job ran, or never came (then saying why)."""


async def _kill_forkserver() -> None:
    """Kill a forkserver that stopped answering: the thread waiting on it then reads
    the end, and the next start begins a new one once this one is dead (a dying one
    still looks alive to ``ensure_forkserver``)."""
    pid = kill_forkserver()
    for _ in range(100):  # bounded: a second at most
        if pid is None or not alive(pid):
            return
        await asyncio.sleep(0.01)


class _Job:
    """A call to make in a worker. Pickled when sent, not before: the caller holds the
    page already, and a pickled copy kept for every job in flight is memory for nothing."""

    def __init__(
        self, url: str, function: Callable[..., Any], args: tuple[Any, ...], what: str
    ) -> None:
        self.url = url
        #: What the job does, for its errors ("extraction", "feed parsing").
        self.what = what
        self.call = (function, args)
        self.future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.handovers = 0


class _Worker:
    """One process, the jobs sent to it in order, and the deadline of the first."""

    def __init__(self, pool: WorkerPool, process: BaseProcess, *, alone: bool) -> None:
        self.pool = pool
        self.process = process
        self.alone = alone
        self.queue: deque[_Job] = deque()
        self.ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.done = 0
        self.gone = False  # hung up, killed or dead: takes no job
        self.transport: asyncio.Transport | None = None
        #: Our end of its socket until the transport holds it.
        self.end: Connection | socket.socket | None = None
        self._timer: asyncio.TimerHandle | None = None

    @property
    def free(self) -> int:
        """How many more jobs it takes now."""
        if self.gone or not self.ready.done() or self.done + len(self.queue) >= self.pool.max_tasks:
            return 0
        return DEPTH - len(self.queue)

    def send(self, job: _Job) -> None:
        assert self.transport is not None
        try:
            payload = pickle.dumps(job.call, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            _fail(job, ExtractError(f"{job.url}: cannot be sent to a worker: {e}"))
            return
        self.queue.append(job)
        for part in frame(payload):
            self.transport.write(part)
        if len(self.queue) == 1:
            self._arm()

    def _arm(self) -> None:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.pool.timeout, self._overstayed)

    def received(self, message: bytes) -> None:
        if not self.ready.done():
            self.ready.set_result(pickle.loads(message))
            self.pool.dispatch()
            return
        if not self.queue:  # nothing was asked of it: not a reply
            return
        job = self.queue.popleft()
        if self._timer is not None:
            self._timer.cancel()
        self.done += 1
        if self.queue:
            self._arm()
        _settle(job, message)
        if self.done >= self.pool.max_tasks and not self.queue:
            self.pool.retire(self)
        self.pool.dispatch()

    def _overstayed(self) -> None:
        if self.queue:
            job = self.queue.popleft()
            _fail(job, ExtractError(f"{job.url}: {job.what} took over {self.pool.timeout:g}s"))
        self.pool.discard(self)

    def lost(self) -> None:
        """The socket closed: we ended the worker, or it died on its own."""
        if self._timer is not None:
            self._timer.cancel()
        if self.gone:
            return
        self.gone = True
        if not self.ready.done():
            self.ready.set_exception(_Died())
        if self.queue:
            _fail(self.queue.popleft(), _Died())  # the one running: perhaps the cause
        self.pool.discard(self)

    def hang_up(self) -> None:
        """Close the socket: the worker reads its end and exits. One still starting (its
        start is in a thread, which a closing pool cannot stop) exits as soon as it is
        up; left to the garbage collector, our end stayed open and it lived on."""
        self.gone = True
        if self.transport is not None:
            sock = self.transport.get_extra_info("socket")
            with contextlib.suppress(OSError):  # closed already
                sock.shutdown(socket.SHUT_RDWR)
            self.transport.abort()
        elif self.end is not None:
            self.end.close()

    def kill(self) -> None:
        self.hang_up()
        if self.process.pid is not None and self.process.exitcode is None:
            self.process.kill()


def _settle(job: _Job, message: bytes) -> None:
    if job.future.done():  # its caller gave up on it
        return
    try:
        ok, value = pickle.loads(message)
    except Exception as e:  # a result that does not unpickle here
        ok, value = False, f"{type(e).__name__}: {e}"
    if ok:
        job.future.set_result(value)
    else:
        job.future.set_exception(ExtractError(f"{job.url}: {job.what} failed: {value}"))


def _fail(job: _Job, error: BaseException) -> None:
    if not job.future.done():
        job.future.set_exception(error)


def _quiet(future: asyncio.Future[Any]) -> None:
    """A failure nobody waits for any more is not "never retrieved"."""
    if not future.cancelled():
        future.exception()


class WorkerPool:
    """Runs module functions in worker processes, at most two jobs sent ahead to each.

    Use ``async with``. A job past its deadline raises ExtractError; its worker is killed
    and another started, and the jobs it had not begun go to the other workers. A worker
    that dies on its own (SIGKILL from the OOM killer, a crash in lxml) fails the job it
    was running with nothing to blame yet: that job is run again alone, in a worker of
    its own, and if it kills that one too it is the cause (PageBreaksWorkers, and the
    caller quarantines the page). Every other job comes through.
    """

    def __init__(
        self, workers: int, timeout: float, max_tasks_per_child: int = 200,
        setup: Setup | None = None, start_timeout: float | None = None,
    ) -> None:  # fmt: skip
        """``setup``: a function and its arguments, run once in each new worker (the
        watchlists' matcher of ``ingest.reading``); ``setup_id`` names it.
        ``start_timeout``: how long a worker may take to be ready (default: the page
        ``timeout``, and at least ``START_AT_LEAST``)."""
        self._setup = setup
        self.setup_id = setup[1][0] if setup else None
        self._workers = workers or default_workers()
        self.timeout = timeout
        self.start_timeout = start_timeout or max(timeout, START_AT_LEAST)
        self.max_tasks = max_tasks_per_child
        self._context = context()
        self._live: list[_Worker] = []  # serving or starting
        self._pending: deque[_Job] = deque()
        self._starting: asyncio.Future[None] | None = None
        self._replacing: set[asyncio.Future[bool]] = set()
        #: Workers retired or dead since, to be started again when a page comes.
        self._openings = 0
        self._slots: asyncio.Semaphore | None = None
        self._alone: _Worker | None = None
        self._alone_turn: asyncio.Lock | None = None
        #: Why the last start failed, for the pages that then fail.
        self._why = DIED

    @property
    def workers(self) -> int:
        return self._workers

    @property
    def started(self) -> bool:
        """The workers were asked to start (a page or a feed needed them). Only a test
        reads it (a cycle whose feeds all answer 304 starts no worker)."""
        return self._starting is not None

    def pids(self) -> list[int]:
        """The process ids of the workers running now (for status and tests)."""
        workers = self._everyone()
        return [w.process.pid for w in workers if not w.gone and w.process.pid is not None]

    async def __aenter__(self) -> WorkerPool:
        # Nothing starts yet: a cycle with nothing to parse never pays for the workers.
        prepare()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()  # interrupted or failing: do not wait for pages in progress

    def warm(self) -> None:
        """Start the workers now, in the background, if they are not running: a page or a
        feed is coming. The first start waits for the forkserver to load the extractor,
        so it is begun as soon as there is work: a feed to parse, a page to retry."""
        if self._starting is not None:
            return
        # The forkserver is started from this thread: the kernel's parent-death signal
        # follows the thread that started a process, and the event loop's lives as long
        # as we do (a worker thread of to_thread may not).
        ensure_forkserver()
        self._starting = asyncio.ensure_future(self._start(self._workers))
        self._starting.add_done_callback(_quiet)

    async def _start(self, count: int) -> None:
        started = await asyncio.gather(*(self._start_one() for _ in range(count)))
        if not any(started):
            raise _Died(self._why)

    async def _started(self) -> None:
        """The workers, started; a start that dying workers broke (killed, out of
        memory) is begun again once, never remembered for every page."""
        for attempt in range(2):
            if attempt:
                await asyncio.sleep(RESTART_PAUSE)
            self.warm()
            starting = self._starting
            assert starting is not None
            try:
                await asyncio.shield(starting)
                return
            except _Died:
                if starting is self._starting:  # the first page to see it starts anew
                    self._starting = None
        raise WorkersUnavailable(f"extraction workers {self._why}, twice")

    async def _start_one(self) -> bool:
        """One worker in service; False when it died starting, time after time."""
        for attempt in range(STARTS):
            if attempt:
                await asyncio.sleep(RESTART_PAUSE)
            try:
                await self._spawn(alone=False)
                return True
            except _Died as e:
                self._why = str(e) or DIED
        if not any(not w.gone for w in self._live):
            self._starting = None  # the next page starts them anew
            for job in self._pending:
                _fail(job, WorkersUnavailable(f"extraction workers {self._why}, twice"))
            self._pending.clear()
        return False

    async def _spawn(self, *, alone: bool) -> _Worker:
        # A forkserver that died (killed) is started again here, from the event loop's
        # thread (see warm), rather than by the start itself, in a passing thread.
        ensure_forkserver()
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=serve, args=(theirs, os.getpid(), self._setup, self.max_tasks), daemon=True
        )
        worker = _Worker(self, process, alone=alone)
        worker.ready.add_done_callback(_quiet)
        worker.end = ours
        if not alone:
            self._live.append(worker)  # seen by pids() from the start
        try:
            # A start has a deadline too: a worker stuck in its setup, or a forkserver
            # that never answers, kept every page waiting, and the cycle.
            async with asyncio.timeout(self.start_timeout):
                await asyncio.to_thread(start_process, process, theirs)
                sock = socket.socket(fileno=os.dup(ours.fileno()))
                worker.end = sock
                ours.close()
                loop = asyncio.get_running_loop()
                worker.transport, _ = await loop.create_unix_connection(
                    lambda: Channel(worker.received, worker.lost), sock=sock
                )
                pid = await worker.ready
        except TimeoutError as e:
            if process.pid is None:  # the forkserver took the request and never answered
                await _kill_forkserver()
            self.discard(worker)
            raise _Died(f"not ready within {self.start_timeout:g}s") from e
        except BaseException as e:
            self.discard(worker)
            # Any failure is a start that died: an OSError, or the EOFError of a
            # forkserver killed while it forked (the next start begins a new one).
            # Let through, it ended the replacing task and left pages waiting forever.
            if isinstance(e, Exception):
                raise _Died() from e
            raise
        log.debug("extraction worker %s started", pid)
        return worker

    def dispatch(self) -> None:
        """Send the waiting jobs to the workers with room, the emptiest first; start the
        workers that retired or died, now that there is work for them."""
        if self._pending and self._openings:
            for _ in range(self._openings):
                self._replace()
            self._openings = 0
        while self._pending:
            worker = max(self._live, key=lambda w: w.free, default=None)
            if worker is None or not worker.free:
                return
            job = self._pending.popleft()
            if not job.future.done():  # else its caller gave up on it
                worker.send(job)

    def retire(self, worker: _Worker) -> None:
        """A worker that did its share: it exits by itself, and another takes its place
        when the next page comes (a cycle's last pages start none)."""
        worker.hang_up()
        if worker.alone:
            self._alone = None
        elif worker in self._live:
            self._live.remove(worker)
            self._openings += 1

    def discard(self, worker: _Worker) -> None:
        """Kill a worker that died, overstayed or failed to start; the jobs it had not
        begun go to the others, and a worker that was serving gets a successor."""
        ready = worker.ready
        serving = ready.done() and not ready.cancelled() and ready.exception() is None
        worker.kill()
        if worker is self._alone:
            self._alone = None
        if worker not in self._live:
            return
        self._live.remove(worker)
        for job in reversed(worker.queue):
            job.handovers += 1
            if job.handovers > HANDOVERS:
                _fail(job, ExtractError(
                    f"{job.url}: {job.what} workers were replaced {HANDOVERS} times under it"
                ))  # fmt: skip
            else:
                self._pending.appendleft(job)
        worker.queue.clear()
        if serving:
            self._openings += 1
        self.dispatch()

    def _replace(self) -> None:
        task = asyncio.ensure_future(self._start_one())
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def run(
        self, url: str, function: Callable[..., T], *args: Any,
        what: str = "extraction", urgent: bool = False,
    ) -> T:  # fmt: skip
        """``function(*args)`` in a worker, for the page or feed at ``url``, with the
        deadline. The function must be a module's (it is pickled by name). ``what`` the
        job does names it in its errors. An ``urgent`` job goes before the waiting ones:
        a feed whose pages the workers are waiting for."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._workers * DEPTH)
        await self._started()
        job = _Job(url, function, args, what)
        result: T
        if urgent:  # beside the slots: the pages holding them may wait for this feed
            result = await self._run(job, urgent=True)
        else:
            async with self._slots:
                result = await self._run(job, urgent=False)
        return result

    async def _run(self, job: _Job, *, urgent: bool) -> Any:
        if urgent:
            self._pending.appendleft(job)
        else:
            self._pending.append(job)
        self.dispatch()
        try:
            return await job.future
        except _Died:
            return await self._run_alone(job)

    async def _run_alone(self, failed: _Job) -> Any:
        """A job whose worker died under it, run again in a worker of its own: if it
        kills that one too, it is the job that kills workers."""
        if self._alone_turn is None:
            self._alone_turn = asyncio.Lock()
        async with self._alone_turn:
            if self._alone is None:
                self._alone = await self._spawn_alone()
            job = _Job(failed.url, *failed.call, failed.what)
            self._alone.send(job)
            try:
                return await job.future
            except _Died as e:
                raise PageBreaksWorkers(
                    f"{failed.url} broke its {failed.what} worker twice, the second time alone"
                ) from e

    async def _spawn_alone(self) -> _Worker:
        for _attempt in range(STARTS):
            try:
                return await self._spawn(alone=True)
            except _Died as e:
                self._why = str(e) or DIED
        raise ExtractError(f"extraction workers {self._why}, twice")

    def _everyone(self) -> list[_Worker]:
        return [*self._live, *([self._alone] if self._alone else [])]

    def close(self) -> None:
        """Stop the workers: each ends the job it is on and exits."""
        self._stop(kill=False)

    def terminate(self) -> None:
        """Stop now: the jobs in progress are dropped and the workers killed."""
        self._stop(kill=True)

    def _stop(self, *, kill: bool) -> None:
        tasks: list[asyncio.Future[Any]] = [*self._replacing]
        if self._starting is not None:
            tasks.append(self._starting)
        for task in tasks:
            task.cancel()
        workers = self._everyone()
        for worker in workers:
            worker.kill() if kill else worker.hang_up()
        for worker in workers:
            if worker.process.pid is not None:
                worker.process.join(timeout=5)
                if worker.process.exitcode is None:
                    worker.process.kill()
                    worker.process.join(timeout=5)
        self._live.clear()
        self._alone = None
        self._openings = 0
