"""A blocking call awaited from the event loop on a daemon thread of its own.

The loop's default executor is a few threads shared by everything, joined at exit: a
call that hangs there (a name server or an SMTP server that never answers) holds up the
other calls and the exit. On a daemon thread of its own it holds only itself: the caller
can give up on it (a deadline, a stop), and the process exits without waiting for it.
Standard library only.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def on_daemon_thread(
    work: Callable[[], T], *, name: str, ended: Callable[[], None] | None = None
) -> T:
    """``work()`` on a new daemon thread, awaited. ``ended`` runs in the loop when the
    thread ends, even when the caller gave up on it long before."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if ended is not None:
            ended()
        if future.done():  # the caller gave up
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result, error = work(), None
        except BaseException as e:  # handed to the awaiting task, raised there
            result, error = None, e
        # A closed loop raises RuntimeError: nobody waits for the result any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, result, error)

    try:
        threading.Thread(target=run, name=name, daemon=True).start()
    except RuntimeError:  # no thread can be started (a process limit)
        if ended is not None:
            ended()
        raise
    return await future
