"""monitor.heap: page-sized buffers come from the heap, in the monitor and its workers."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from monitor.ingest.extract import ExtractorPool
from tests.support.workers import where_buffers_go

PROBE = "from tests.support.workers import heap_or_mapped; print(heap_or_mapped())"


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def test_a_large_buffer_is_mapped_apart_until_the_thresholds_are_raised() -> None:
    assert _run(PROBE) == "mapped"
    raised = "from monitor.heap import keep_large_buffers; print(keep_large_buffers())\n"
    assert _run(raised + PROBE) == "heap"


def test_the_monitor_command_raises_them() -> None:
    command = (
        "import sys\nfrom monitor import launch\nsys.argv = ['monitor', '--version']\n"
        "try:\n    launch.main()\nexcept SystemExit:\n    pass\n" + PROBE
    )
    assert _run(command) == "heap"


def test_extraction_workers_inherit_them() -> None:
    async def main() -> str:
        async with ExtractorPool(1, 30.0, function=where_buffers_go) as pool:
            page = await pool.extract(b"x", "u")
        assert page is not None
        return page.text

    assert asyncio.run(main()) == "heap"
