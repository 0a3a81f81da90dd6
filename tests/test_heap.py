"""monitor.heap: page-sized buffers come from the heap in the monitor's process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = "from tests.test_heap import heap_or_mapped; print(heap_or_mapped())"


def heap_or_mapped() -> str:
    """Where a fresh 1 MB buffer of this process lies: "heap", or "mapped" apart."""
    buffer = bytes(1_000_000)
    address = id(buffer)
    for line in Path("/proc/self/maps").read_text().splitlines():
        span, *rest = line.split()
        low, high = (int(x, 16) for x in span.split("-"))
        if low <= address < high:
            return "heap" if rest[-1:] == ["[heap]"] else "mapped"
    return "unknown"


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
