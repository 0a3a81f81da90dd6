"""``monitor run``: the jobs on their schedules, the clients they share, and a clean stop::

    every tick (≤ 1 min):   a digest due and not sent? send it now (the machine slept)
                            jobs.poll.Poller.run(due_only=True)      → heartbeat
    daily at digest.time:   jobs.send.send_digest (in a thread)      → retries if it failed
    every 2 s:              config/ changed? load it; keep the last good one if it fails
    SIGHUP:                 load config/ now, with the same checks
    SIGTERM / SIGINT:       no new work; cancel the cycle (each write is atomic); stop

Scheduling only: which feeds are due is in the store (``next_due_at``: interval, backoff,
Retry-After, Cache-Control), what a cycle does is the poll job's, what a digest holds is
the send job's. APScheduler runs in memory (nothing to pickle or share): everything that
must survive a restart lives in the database, including the last digest time handled, so
a digest that fell due while the service was down, or while the machine slept, is sent
once when it starts or at the next tick.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config, fingerprint
from monitor.errors import ConfigError, MonitorError
from monitor.ingest.extract import ExtractorPool
from monitor.ingest.fetch import Fetcher
from monitor.ingest.reading import setup_for
from monitor.jobs.poll import Poller, utc_now
from monitor.jobs.send import last_due, send_digest, time_of_day, transport_for
from monitor.matching.matcher import Matcher
from monitor.outputs.notify import AppriseNotifier, Notifier
from monitor.storage import Store
from monitor.threads import on_daemon_thread
from monitor.types import Clock, FeedOutcome, RunReport

log = logging.getLogger(__name__)

#: The longest wait between two looks at which feeds are due.
MAX_TICK = timedelta(minutes=1)
RELOAD_EVERY = timedelta(seconds=2)
#: A heartbeat at most this often during a cycle (one per finished feed otherwise).
HEARTBEAT_EVERY = timedelta(seconds=10)
#: How long a stop waits for the work in progress before leaving it (atomic writes).
STOP_WITHIN = 7.0
#: A digest that failed is tried again after these delays, then waits for tomorrow.
DIGEST_RETRIES = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=45))

T = TypeVar("T")


def tick(config: Config) -> timedelta:
    """How often the service looks for due feeds: often enough for the shortest interval."""
    intervals = [config.settings.poll.interval, *(f.interval for f in config.feeds if f.interval)]
    return max(min([MAX_TICK, *intervals]), timedelta(seconds=1))


@dataclass
class _Clients:
    """The HTTP clients and extraction workers every cycle shares."""

    fetcher: Fetcher
    extractor: ExtractorPool

    @classmethod
    async def start(cls, config: Config, matcher: Matcher) -> _Clients:
        extract = config.settings.extract
        pool = ExtractorPool(
            extract.workers, extract.timeout.total_seconds(), extract.max_tasks_per_child,
            setup=setup_for(matcher),
        )  # fmt: skip
        await pool.__aenter__()
        return cls(Fetcher(config.settings.fetch), pool)

    async def stop(self) -> None:
        await self.fetcher.aclose()
        self.extractor.terminate()


class Service:
    """The monitor as a service; ``run`` returns after SIGTERM or SIGINT."""

    def __init__(
        self, load: Callable[[], Config], *, clock: Clock = utc_now,
        notifier: Notifier | None = None,
    ) -> None:  # fmt: skip
        self._load = load
        self._clock = clock
        self._given_notifier = notifier
        self.config = load()
        self._fingerprint = fingerprint(self.config.directory)
        self._matcher = Matcher(self.config.watchlists, self.config.shared_exclusions)
        self._stop = asyncio.Event()
        self._work: set[asyncio.Task[Any]] = set()
        self._clients: _Clients | None = None
        self._stale_clients = False
        self._store: Store | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._beat = datetime.min.replace(tzinfo=UTC)
        self._digest_failures = 0
        self._digesting = False
        self._reloads: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self._stop.set)
        # `systemctl reload` and `kill -HUP`: reload now, as a changed file would.
        loop.add_signal_handler(signal.SIGHUP, self._hangup)
        self._store = Store.open(self.config.database)
        now = self._clock()
        self._store.set_service_state(pid=os.getpid(), started_at=now, heartbeat_at=now,
                                      stopped_at=None)  # fmt: skip
        for problem in self.config.problems:
            log.error("config: %s (left out)", problem, extra={"fields": _config_event(problem)})
        for name in self.config.left_out:
            log.error("watchlist %s left out: its file is invalid; its hits are kept", name,
                      extra={"fields": {"event": "config", "watchlist": name,
                                        "status": "left out"}})  # fmt: skip
        self._scheduler = scheduler = self._new_scheduler()
        self._clients = await _Clients.start(self.config, self._matcher)
        scheduler.start()
        self._catch_up_digest()
        log.info("service started: %d feeds, %d watchlists, looking for due feeds every %gs",
                 len(self.config.feeds), len(self.config.watchlists),
                 tick(self.config).total_seconds(),
                 extra={"fields": {"event": "start", "pid": os.getpid()}})  # fmt: skip
        try:
            await self._stop.wait()
        finally:
            await self._shut_down(scheduler)

    def _new_scheduler(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(
            timezone=UTC,
            # The default misfire grace of 1 s silently drops a run that starts late.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        scheduler.add_listener(
            _job_trouble, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
        )
        scheduler.add_job(self._poll_job, self._tick_trigger(), id="poll",
                          next_run_time=self._clock())  # fmt: skip
        scheduler.add_job(self._digest_job, self._digest_trigger(), id="digest")
        scheduler.add_job(self._reload_job, IntervalTrigger(seconds=RELOAD_EVERY.seconds),
                          id="reload")  # fmt: skip
        return scheduler

    def _tick_trigger(self) -> IntervalTrigger:
        return IntervalTrigger(seconds=tick(self.config).total_seconds())

    def _digest_trigger(self) -> CronTrigger:
        digest = self.config.settings.digest
        at = time_of_day(digest.time)
        return CronTrigger(
            hour=at.hour, minute=at.minute, second=at.second, timezone=ZoneInfo(digest.timezone)
        )

    # -- jobs ---------------------------------------------------------------------------

    async def _poll_job(self) -> None:
        self._catch_up_digest()
        await self._working(self._poll())

    def _notifier(self) -> Notifier:
        """The alerts' channels, bounded by the current config's alerts.timeout."""
        timeout = self.config.settings.alerts.timeout.total_seconds()
        return self._given_notifier or AppriseNotifier(timeout)

    async def _poll(self) -> None:
        store, clients = self._require()
        if self._stale_clients:
            await clients.stop()
            self._clients = clients = await _Clients.start(self.config, self._matcher)
            self._stale_clients = False
        poller = Poller(self.config, store, clients.fetcher, clients.extractor, self._matcher,
                        clock=self._clock, notifier=self._notifier())  # fmt: skip
        self._heartbeat(force=True)
        try:
            report = await poller.run(progress=_Beat(self._heartbeat), due_only=True)
        except MonitorError as e:  # the database: nothing could be recorded this cycle
            log.error(
                "poll cycle failed: %s", e, extra={"fields": {"event": "cycle", "error": str(e)}}
            )
            return
        self._heartbeat(force=True)
        if report.outcomes:
            _log_cycle(report)

    async def _digest_job(self) -> None:
        """Send the digest owed, if any: the daily run, a retry and a catch-up may meet."""
        due_for = last_due(self.config.settings.digest, self._clock())
        handled = self._require()[0].service_state().digest_handled_for
        if self._digesting or (handled is not None and handled >= due_for):
            return
        self._digesting = True
        try:
            await self._working(self._digest(due_for))
        finally:
            self._digesting = False

    async def _digest(self, due_for: datetime) -> None:
        config, now = self.config, self._clock()
        try:
            outcome = await _in_thread(lambda: _send(config, now))
        except MonitorError as e:
            self._digest_failed(e, due_for)
            return
        self._digest_failures = 0
        self._require()[0].set_service_state(digest_handled_for=due_for)
        if outcome.delivered_to:
            log.info("digest %s sent: %d items, %d hits, to %s", outcome.digest.date,
                     outcome.digest.item_count, len(outcome.digest.hit_ids), outcome.delivered_to,
                     extra={"fields": {"event": "digest", "date": outcome.digest.date,
                                       "items": outcome.digest.item_count,
                                       "hits": len(outcome.digest.hit_ids),
                                       "to": outcome.delivered_to}})  # fmt: skip
        else:
            log.info(
                "digest: nothing new to send", extra={"fields": {"event": "digest", "items": 0}}
            )

    def _digest_failed(self, error: MonitorError, due_for: datetime) -> None:
        fields: dict[str, object] = {"event": "digest", "error": str(error)}
        if self._digest_failures < len(DIGEST_RETRIES):
            delay = DIGEST_RETRIES[self._digest_failures]
            self._digest_failures += 1
            log.error("digest failed: %s; trying again in %s", error, delay,
                      extra={"fields": fields | {"retry_in": str(delay)}})  # fmt: skip
            self._scheduler_ref().add_job(
                self._digest_job, DateTrigger(self._clock() + delay), id="digest-retry",
                replace_existing=True,
            )  # fmt: skip
            return
        self._digest_failures = 0
        self._require()[0].set_service_state(digest_handled_for=due_for)  # no more tries
        log.error("digest failed: %s; its hits wait for the next digest", error,
                  extra={"fields": fields})  # fmt: skip

    def _hangup(self) -> None:
        fields = {"event": "signal", "signal": "SIGHUP"}
        log.info("SIGHUP: reloading the config", extra={"fields": fields})
        self._fingerprint = ()  # whatever the files say, the check below reloads
        task = asyncio.get_running_loop().create_task(self._reload_job())
        self._reloads.add(task)  # kept until done: the loop holds tasks weakly
        task.add_done_callback(self._reloads.discard)

    async def _reload_job(self) -> None:
        current = fingerprint(self.config.directory)
        if current == self._fingerprint:
            return
        self._fingerprint = current
        try:
            config = self._load()
        except ConfigError as e:
            self._refuse(e.problems)
            return
        if config.problems:
            self._refuse(config.problems)
            return
        self._apply(config)

    def _refuse(self, problems: tuple[Any, ...]) -> None:
        for problem in problems:
            log.error("config reload refused: %s", problem,
                      extra={"fields": _config_event(problem)})  # fmt: skip
        log.error("config reload refused: the last good config keeps running",
                  extra={"fields": {"event": "reload", "status": "refused"}})  # fmt: skip

    def _apply(self, config: Config) -> None:
        old, self.config = self.config, config
        matcher, self._matcher = self._matcher, Matcher(config.watchlists, config.shared_exclusions)
        s, before = config.settings, old.settings
        if (s.fetch, s.extract) != (before.fetch, before.extract):
            self._stale_clients = True  # replaced between two cycles
        if matcher.fingerprint != self._matcher.fingerprint:
            # The workers match with the watchlists they started with; until they are
            # replaced, the poll matches in this process, with the new ones.
            self._stale_clients = True
        scheduler = self._scheduler_ref()
        if tick(config) != tick(old):
            scheduler.reschedule_job("poll", trigger=self._tick_trigger())
        if (s.digest.time, s.digest.timezone) != (before.digest.time, before.digest.timezone):
            scheduler.reschedule_job("digest", trigger=self._digest_trigger())
        log.info(
            "config reloaded: %d feeds, %d watchlists",
            len(config.feeds),
            len(config.watchlists),
            extra={"fields": {"event": "reload", "status": "ok"}},
        )

    # -- plumbing -----------------------------------------------------------------------

    def _catch_up_digest(self) -> None:
        """Send now a digest that fell due and was not sent: the service was down, or
        the machine slept through its time (the scheduler drops a run more than an hour
        late). Looked at when the service starts and at every tick."""
        store, now = self._require()[0], self._clock()
        due_for = last_due(self.config.settings.digest, now)
        handled = store.service_state().digest_handled_for
        if handled is None:  # the first start: nothing was missed
            store.set_service_state(digest_handled_for=due_for)
            return
        # Within a tick of its time the daily run is sending it; after a failure, a retry.
        waiting = now - due_for < MAX_TICK or self._digesting or self._digest_failures
        if handled >= due_for or waiting:
            return
        log.info(
            "a digest fell due at %s and was not sent (the service was down, or the machine "
            "slept): sending it now", due_for.isoformat(),
            extra={"fields": {"event": "digest", "catch_up": True}},
        )  # fmt: skip
        self._scheduler_ref().add_job(
            self._digest_job, DateTrigger(now), id="digest-catch-up", replace_existing=True
        )

    async def _working(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a job's work as a task the stop can cancel; take none after a stop."""
        if self._stop.is_set():
            work.close()
            return
        task = asyncio.ensure_future(work)
        self._work.add(task)
        try:
            await task
        finally:
            self._work.discard(task)

    def _heartbeat(self, *, force: bool = False) -> None:
        now = self._clock()
        if force or now - self._beat >= HEARTBEAT_EVERY:
            self._beat = now
            self._require()[0].set_service_state(heartbeat_at=now)

    async def _shut_down(self, scheduler: AsyncIOScheduler) -> None:
        log.info("stopping", extra={"fields": {"event": "stop"}})
        scheduler.shutdown(wait=False)
        for task in list(self._work):
            task.cancel()
        if self._work:
            await asyncio.wait(list(self._work), timeout=STOP_WITHIN)
        if self._clients:
            await self._clients.stop()
        if self._store:
            self._store.set_service_state(stopped_at=self._clock())
            self._store.close()
        log.info("stopped", extra={"fields": {"event": "stop", "status": "done"}})

    def _require(self) -> tuple[Store, _Clients]:
        if self._store is None or self._clients is None:
            raise RuntimeError("the service is not started")
        return self._store, self._clients

    def _scheduler_ref(self) -> AsyncIOScheduler:
        assert self._scheduler is not None, "service not started"
        return self._scheduler


class _Beat:
    """A cycle's progress, as heartbeats: a long first cycle still looks alive."""

    def __init__(self, beat: Callable[[], None]) -> None:
        self._beat = beat

    def begin(self, feeds: int) -> None:
        self._beat()

    def done(self, outcome: FeedOutcome) -> None:
        self._beat()


def _send(config: Config, now: datetime) -> Any:
    """One digest send, in its own thread with its own connection to the database."""
    store = Store.open(config.database)
    try:
        return send_digest(config, store, transport_for(config), now)
    finally:
        store.close()


async def _in_thread(work: Callable[[], T]) -> T:
    """``work`` in a daemon thread: a stop never waits for an SMTP server to answer (a
    send cut short stays owed and goes out again, identical, on the next run)."""
    return await on_daemon_thread(work, name="monitor-digest")


def _log_cycle(report: RunReport) -> None:
    data = report.as_json()
    log.info(
        "cycle: %d feeds, %d ok, %d not modified, %d failed; %d new, %d hits in %.1fs",
        data["feeds"], data["ok"], data["not_modified"], data["failed"],
        data["new_articles"], data["hits"], report.seconds,
        extra={"fields": {"event": "cycle", **{k: v for k, v in data.items() if k != "errors"}}},
    )  # fmt: skip


def _config_event(problem: Any) -> dict[str, object]:
    return {"event": "config", "file": problem.file, "line": problem.line,
            "error": problem.message}  # fmt: skip


def _job_trouble(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MAX_INSTANCES:
        log.info("job %s still running: this run is skipped", event.job_id)
    elif event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its time (the machine slept?)", event.job_id)
    elif event.exception is not None:
        log.error("job %s failed: %s: %s", event.job_id, type(event.exception).__name__,
                  event.exception)  # fmt: skip
        log.debug("job %s: %s", event.job_id, event.traceback)
