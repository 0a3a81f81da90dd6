"""monitor.heap: memory freed in a cycle's process is kept for the next page."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

from tests.support.config import write_config

PROBE = "from tests.test_heap import kept_or_given_back; print(kept_or_given_back())"


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]  # fmt: skip


def kept_or_given_back() -> str:
    """What glibc does with 16 MB of heap freed at its top, by its own count of the heap:
    "kept" for the next buffers, or "given back" to the kernel."""
    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = _Mallinfo2
    blocks = [bytearray(64 * 1024) for _ in range(256)]  # below the 128 KB mapping threshold
    grown = mallinfo2().arena
    del blocks
    return "kept" if mallinfo2().arena > grown - 8 * 2**20 else "given back"


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def test_freed_memory_is_given_back_until_the_threshold_is_raised() -> None:
    assert _run(PROBE) == "given back"
    raised = "from monitor.heap import keep_freed_memory; keep_freed_memory()\n"
    assert _run(raised + PROBE) == "kept"


def _after(*argv: str) -> str:
    """What glibc does with freed heap after ``monitor ARGV`` ran in this process."""
    return _run(
        f"import sys\nfrom monitor import launch\nsys.argv = {['monitor', *argv]!r}\n"
        "try:\n    launch.main()\nexcept SystemExit:\n    pass\n" + PROBE
    )


def test_a_poll_raises_it_and_other_commands_do_not(tmp_path: Path) -> None:
    """A poll starts the forkserver, whose own allocator setting (large blocks mapped
    apart, ``ingest.lifeline``) must leave this one in force."""
    config = write_config(tmp_path, [])
    assert _after("--config", str(config), "poll") == "kept"
    assert _after("--config", str(config), "check") == "given back"
