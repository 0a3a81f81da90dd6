"""slots.py: at most N holders, urgent waiters first, safe under cancellation."""

from __future__ import annotations

import asyncio

from monitor.ingest.slots import Slots


def test_urgent_waiters_go_before_earlier_ordinary_ones() -> None:
    async def main() -> list[str]:
        slots, order = Slots(1), []
        gate = asyncio.Event()

        async def user(name: str, urgent: bool) -> None:
            async with slots.hold(urgent=urgent):
                order.append(name)
                await gate.wait()

        first = asyncio.create_task(user("feed 1", False))
        await asyncio.sleep(0)
        waiting = [asyncio.create_task(user(f"feed {i}", False)) for i in (2, 3)]
        waiting.append(asyncio.create_task(user("page", True)))
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(first, *waiting)
        return order

    assert asyncio.run(main()) == ["feed 1", "page", "feed 2", "feed 3"]


def test_never_more_holders_than_slots_and_cancelled_waiters_give_theirs_back() -> None:
    async def main() -> tuple[int, int]:
        slots, held, peak = Slots(2), [0], [0]

        async def user(pause: float) -> None:
            async with slots.hold(urgent=pause < 0.01):
                held[0] += 1
                peak[0] = max(peak[0], held[0])
                await asyncio.sleep(pause)
                held[0] -= 1

        tasks = [asyncio.create_task(user(0.01 * (i % 3))) for i in range(30)]
        await asyncio.sleep(0.005)
        for task in tasks[5:15]:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

        async def two_at_once() -> None:
            async with slots.hold(), slots.hold():
                pass

        # Every slot came back: two holders can enter at once again (a lost one would
        # wait forever, hence the deadline).
        await asyncio.wait_for(two_at_once(), 2)
        return peak[0], held[0]

    assert asyncio.run(main()) == (2, 0)
