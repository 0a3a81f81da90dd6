"""workers.py: jobs carried by the event loop, deadlines from when a worker begins a page,
the pages behind a hung one handed on, and messages of any size."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any

import pytest

from monitor.errors import ExtractError
from monitor.ingest.extract import ExtractorPool
from tests.support.workers import misbehave


async def _one(pool: ExtractorPool, html: bytes) -> Any:
    try:
        return await pool.extract(html, "https://example.org/p")
    except ExtractError as e:
        return e


def _all_at_once(pages: list[bytes], *, workers: int = 1, timeout: float = 5.0) -> list[Any]:
    async def main() -> list[Any]:
        async with ExtractorPool(workers, timeout, function=misbehave) as pool:
            await pool.extract(b"ok", "u")  # the workers are up
            return list(await asyncio.gather(*(_one(pool, html) for html in pages)))

    return asyncio.run(main())


def test_the_deadline_counts_from_when_the_worker_begins_the_page() -> None:
    # Each page takes 0.6 s and the deadline is 1 s: the third waits 1.2 s in all, but
    # its own work is well within the deadline.
    results = _all_at_once([b"slow 1", b"slow 2", b"slow 3"], timeout=1.0)
    assert [getattr(r, "text", r) for r in results] == ["slow 1", "slow 2", "slow 3"]


def test_the_pages_sent_behind_a_hung_one_are_handed_on() -> None:
    started = time.monotonic()
    hung, first, second = _all_at_once([b"hang", b"ok 1", b"ok 2"], timeout=1.0)
    assert isinstance(hung, ExtractError)
    assert "took over 1s" in str(hung)
    assert (first.text, second.text) == ("ok 1", "ok 2")
    assert time.monotonic() - started < 15  # the sleeper was killed, not waited for


def test_no_thread_carries_the_jobs() -> None:
    async def main() -> list[str]:
        async with ExtractorPool(2, 10.0, function=misbehave) as pool:
            await pool.extract(b"ok", "u")
            pages = [asyncio.ensure_future(_one(pool, b"slow")) for _ in range(4)]
            await asyncio.sleep(0.3)  # the pages are in the workers
            names = [t.name for t in threading.enumerate()]
            await asyncio.gather(*pages)
            return names

    names = asyncio.run(main())
    # Only the main thread and the event loop's own helper threads (which started the
    # workers), no feeder or manager thread of a process pool.
    assert all(n == "MainThread" or n.startswith("asyncio_") for n in names), names


def test_messages_of_any_size_come_through_whole() -> None:
    big = b"slow " + bytes(range(32, 127)) * 40_000  # 3.8 MB, past any socket buffer
    results = _all_at_once([big, b"ok", big[:70_000]], workers=2)
    assert [r.text for r in results] == [big.decode(), "ok", big[:70_000].decode()]


def test_a_page_given_up_by_its_caller_leaves_the_pool_working() -> None:
    async def main() -> Any:
        async with ExtractorPool(1, 10.0, function=misbehave) as pool:
            await pool.extract(b"ok", "u")
            given_up = asyncio.ensure_future(pool.extract(b"slow", "u"))
            waiting = asyncio.ensure_future(pool.extract(b"slow never", "u"))
            await asyncio.sleep(0.1)
            given_up.cancel()
            waiting.cancel()
            await asyncio.gather(given_up, waiting, return_exceptions=True)
            return await pool.extract(b"after", "u")

    assert asyncio.run(main()).text == "after"


def test_a_recycled_worker_is_replaced_when_the_next_page_comes() -> None:
    async def main() -> tuple[list[int], list[int], Any, Any]:
        async with ExtractorPool(1, 10.0, max_tasks_per_child=2, function=misbehave) as pool:
            first = [await pool.extract(b"x", "u") for _ in range(2)]
            await asyncio.sleep(0.3)  # a replacement started now would be seen
            idle = pool.pids()
            third = await pool.extract(b"y", "u")
            assert first[0] is not None
            assert third is not None
            return idle, pool.pids(), first[0].title, third.title

    idle, after, first_pid, third_pid = asyncio.run(main())
    assert idle == []  # no worker started for a page that may never come
    assert after == [int(third_pid)]
    assert third_pid != first_pid


def test_a_call_that_cannot_be_sent_fails_alone() -> None:
    async def main() -> tuple[Any, Any]:
        async with ExtractorPool(1, 10.0, function=misbehave) as pool:
            try:
                await pool.run("https://example.org/p", len, lambda: None)  # not picklable
            except ExtractError as e:
                refused: Any = e
            return refused, await pool.extract(b"ok", "u")

    refused, fine = asyncio.run(main())
    assert "https://example.org/p: cannot be sent to a worker" in str(refused)
    assert fine.text == "ok"


def _environ(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/environ", "rb") as f:
        pairs = [item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item]
    return {k.decode(): v.decode() for k, v in pairs}


def test_the_workers_give_large_blocks_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # The threshold the monitor sets unless the user set one: the forkserver may be
    # running already (started by an earlier test), so the value is read in the worker.
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)

    async def main() -> list[dict[str, str]]:
        async with ExtractorPool(1, 10.0, function=misbehave) as pool:
            await pool.extract(b"ok", "u")
            return [_environ(pid) for pid in pool.pids()]

    (worker,) = asyncio.run(main())
    assert os.environ["MALLOC_MMAP_THRESHOLD_"] == str(128 * 1024)
    assert worker.get("MALLOC_MMAP_THRESHOLD_") == str(128 * 1024)


def test_an_urgent_job_goes_before_the_waiting_pages() -> None:
    # A feed to parse waits for no page but the ones its worker already holds: the pages
    # of every feed wait for it.
    async def main() -> list[str]:
        done: list[str] = []

        async def job(html: bytes, *, urgent: bool = False) -> None:
            await pool.run("u", misbehave, html, "u", urgent=urgent, what="feed parsing")
            done.append(html.decode())

        async with ExtractorPool(1, 5.0, function=misbehave) as pool:
            await pool.extract(b"ok", "u")  # the worker is up
            pages = [asyncio.create_task(job(f"slow {i}".encode())) for i in range(1, 5)]
            await asyncio.sleep(0.2)  # the first page is running, the second sent after it
            await job(b"slow feed", urgent=True)
            await asyncio.gather(*pages)
        return done

    assert asyncio.run(main()) == ["slow 1", "slow 2", "slow feed", "slow 3", "slow 4"]


def test_a_job_is_named_in_its_errors_by_what_it_does() -> None:
    async def main() -> str:
        async with ExtractorPool(1, 1.0, function=misbehave) as pool:
            try:
                await pool.run("https://example.org/feed", misbehave, b"hang", "u",
                               what="feed parsing")  # fmt: skip
            except ExtractError as e:
                return str(e)
        return "no error"

    assert asyncio.run(main()) == "https://example.org/feed: feed parsing took over 1s"
