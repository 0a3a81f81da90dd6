"""200 poll cycles in one process against feeds that change, as the service runs them:
memory stays flat after warm-up, no file descriptor leaks, the worker count holds."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.ingest.extract import ExtractorPool
from monitor.ingest.fetch import Fetcher
from monitor.jobs.poll import Poller
from monitor.matching.matcher import Matcher
from monitor.storage import Store
from tests.support.config import RELATIONS, write_config
from tests.support.db import count
from tests.support.news import page, rss, story
from tests.support.server import FeedServer

CYCLES, WARM_UP, FEEDS = 200, 20, 3


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def workers() -> int:
    """Extraction workers alive: the children of this process's children (the forkserver)."""
    pids = [int(e) for e in os.listdir("/proc") if e.isdigit()]
    mine = {p for p in pids if _ppid(str(p)) == os.getpid()}
    return sum(1 for p in pids if _ppid(str(p)) in mine and _state(p) != "Z")


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


def _ppid(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def publish(server: FeedServer, cycle: int) -> None:
    """Each feed gains one story per cycle (a new ETag), keeping its last ten."""
    for f in range(FEEDS):
        stories = [
            story(f"c{c}-f{f}", f"Cuba and the United States, day {c} in feed {f}",
                  f"Havana and Washington talk on day {c}.", extra=2)
            for c in range(max(0, cycle - 9), cycle + 1)
        ]  # fmt: skip
        for s in stories[-1:]:
            server.add(f"/{f}/articles/{s.slug}.html", page(s), content_type="text/html")
        server.add(f"/{f}.xml", rss(f"F{f}", stories, f"/{f}/articles/"), etag=f'"{cycle}"')


@pytest.mark.slow
def test_two_hundred_cycles_hold_steady(server: FeedServer, tmp_path: Path) -> None:
    publish(server, 0)
    feeds = [{"name": f"feed {f}", "url": server.url(f"/{f}.xml")} for f in range(FEEDS)]
    config = load_config(write_config(tmp_path, feeds, watchlists={"relations": RELATIONS}))
    samples: dict[int, tuple[int, int]] = {}
    workers_seen: set[int] = set()

    async def run() -> None:
        store = Store.open(config.database)
        settings = config.settings
        try:
            async with (
                Fetcher(settings.fetch) as fetcher,
                ExtractorPool(1, 30, max_tasks_per_child=50) as extractor,
            ):
                poller = Poller(config, store, fetcher, extractor, Matcher(config.watchlists))
                for cycle in range(CYCLES):
                    publish(server, cycle)
                    report = await poller.run()
                    assert report.count("ok") == FEEDS, report
                    workers_seen.add(workers())
                    if cycle in (WARM_UP, CYCLES - 1):
                        samples[cycle] = (rss_bytes(), open_fds())
        finally:
            store.close()

    asyncio.run(run())
    (rss_warm, fds_warm), (rss_end, fds_end) = samples[WARM_UP], samples[CYCLES - 1]
    assert rss_end - rss_warm < 50 * 2**20, f"grew {(rss_end - rss_warm) / 2**20:.0f} MB"
    assert fds_end <= fds_warm + 2, (fds_warm, fds_end)
    # One worker, recycled every 50 pages (12 times here; between two, briefly none),
    # never piled up.
    assert max(workers_seen) == 1, workers_seen
    store = Store.open(config.database)
    try:
        assert count(store, "articles") == CYCLES * FEEDS  # each new story once
        assert count(store, "hits") == CYCLES * FEEDS
    finally:
        store.close()
