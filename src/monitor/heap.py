"""Freed memory kept for the next page: glibc's allocator told not to hand its heap back
at every chance.

A poll's main process moves every page through buffers of about its size (the body read
from the socket in chunks, the message that takes it to a worker, the socket's own
buffer), a thousand pages a cycle. glibc gives the top of its heap back to the kernel
whenever more than 128 KB lie free there, so the next page's buffers came from fresh
pages, each with a page fault: copying a 182 KB page took 130 µs, where the same copy
into memory in hand takes 4 µs. Up to ``TRIM_ABOVE`` of free heap is now kept.

Blocks of 128 KB or more still get a mapping of their own, given back when freed: that
threshold is the memory policy of ``ingest.lifeline`` (``give_large_blocks_back``), set
in every process that starts the forkserver, and this does not change it.

Measured on a cold poll of 1,000 real pages (docs/performance.md): the main process's
CPU per article falls by a third; its peak memory grows by 3 MB, and between cycles it
holds some 25 MB it used to give back. The extraction workers keep glibc's default.

Only glibc has ``mallopt``; elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes

#: mallopt's parameter (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
#: Free memory at the top of the heap is given back only beyond this.
TRIM_ABOVE = 64 * 1024 * 1024


def keep_freed_memory() -> bool:
    """Raise the trim threshold for this process; False where there is no mallopt."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_TRIM_THRESHOLD, TRIM_ABOVE))  # 1 on success, 0 on failure
