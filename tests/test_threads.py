"""monitor.threads: a blocking call on a daemon thread of its own."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from monitor.threads import on_daemon_thread


def test_the_result_and_the_error_reach_the_caller() -> None:
    async def main() -> tuple[int, str]:
        value = await on_daemon_thread(lambda: 6 * 7, name="t")
        with pytest.raises(ZeroDivisionError) as caught:
            await on_daemon_thread(lambda: 1 // 0, name="t")
        return value, type(caught.value).__name__

    assert asyncio.run(main()) == (42, "ZeroDivisionError")


def test_a_caller_that_gives_up_waits_for_nothing_and_ended_still_runs() -> None:
    release, ended = threading.Event(), threading.Event()

    async def main() -> float:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(
                on_daemon_thread(lambda: release.wait(10), name="t", ended=ended.set), 0.2
            )
        waited = time.monotonic() - started
        release.set()  # the thread ends now, after its caller gave up
        for _ in range(100):
            if ended.is_set():
                break
            await asyncio.sleep(0.02)
        return waited

    assert asyncio.run(main()) < 2
    assert ended.is_set()


def test_a_thread_that_ends_after_its_loop_closed_raises_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release, done = threading.Event(), threading.Event()
    failures: list[BaseException | None] = []

    def hook(args: threading.ExceptHookArgs) -> None:
        failures.append(args.exc_value)

    monkeypatch.setattr(threading, "excepthook", hook)

    def work() -> None:
        release.wait(10)
        done.set()

    async def main() -> None:
        task = asyncio.ensure_future(on_daemon_thread(work, name="t"))
        await asyncio.sleep(0.1)
        task.cancel()

    asyncio.run(main())  # the loop is closed here, the thread still running
    release.set()
    assert done.wait(5)
    time.sleep(0.2)  # its last step: handing the result to a closed loop
    assert failures == []
