"""Request slots where article pages go before feeds.

The fetcher caps requests at once, overall and per host. With plain FIFO semaphores, a
cycle whose feeds all sit on one host queues every feed fetch before the first page, and
the extraction workers idle until the last feed has arrived. Here a waiting page fetch
is let in before any waiting feed fetch, so pages flow to the workers from the first
feed on (the poll job bounds how many pages are in flight).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Slots:
    """At most ``size`` holders at once; waiting ``urgent`` callers go first, each kind
    in arrival order."""

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque())

    @asynccontextmanager
    async def hold(self, *, urgent: bool = False) -> AsyncIterator[None]:
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        if self._free > 0 and not any(self._waiting):
            self._free -= 1
            return
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[0 if urgent else 1].append(granted)
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self._release()  # granted, then cancelled before it ran: pass it on
            raise

    def _release(self) -> None:
        for queue in self._waiting:
            while queue:
                waiter = queue.popleft()
                if not waiter.done():  # a cancelled waiter is done: skip it
                    waiter.set_result(None)
                    return
        self._free += 1


class HostLimiter:
    """At most ``per_host`` requests at once to each host; forgets idle hosts."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._hosts: dict[str, tuple[Slots, int]] = {}

    @asynccontextmanager
    async def slot(self, host: str, *, urgent: bool) -> AsyncIterator[None]:
        semaphore, users = self._hosts.get(host, (Slots(self._per_host), 0))
        self._hosts[host] = (semaphore, users + 1)
        try:
            async with semaphore.hold(urgent=urgent):
                yield
        finally:
            semaphore, users = self._hosts[host]
            if users <= 1:
                del self._hosts[host]
            else:
                self._hosts[host] = (semaphore, users - 1)
