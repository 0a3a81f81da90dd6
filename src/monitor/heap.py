"""Buffers the size of a page kept for reuse: glibc's allocator told not to hand them back.

A poll's main process moves every page through buffers of its size (the body read from
the socket, the message that takes it to a worker, the socket's own buffer): 100-200 KB
each, a thousand pages a cycle. glibc's malloc maps each block of 128 KB or more afresh
from the kernel and unmaps it when it is freed, and gives the top of its heap back
whenever more than that lies free there, so every such buffer came with fresh pages
and a page fault per 4 KB: copying a 182 KB page took 130 µs, where the same copy into
memory in hand takes 4 µs. With the thresholds raised, blocks up to ``MMAP_BELOW`` come
from the heap, and up to ``TRIM_ABOVE`` of free heap is kept for the next page.

Measured on a cold poll of 1,000 real pages (docs/performance.md): the main process's
CPU per article falls by a third; its peak memory grows by 3 MB, and between cycles it
holds some 25 MB it used to give back. The extraction workers keep glibc's defaults:
a copy is a few per cent of their work on a page, and each would hold up to
``TRIM_ABOVE`` of its own.

Only glibc has ``mallopt``; elsewhere (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes

#: mallopt's parameters (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Blocks smaller than this come from the heap (glibc's own ceiling for the threshold
#: it raises by itself, which a long-lived process's churn kept knocking back down).
MMAP_BELOW = 32 * 1024 * 1024
#: Free memory at the top of the heap is given back only beyond this.
TRIM_ABOVE = 64 * 1024 * 1024


def keep_large_buffers() -> bool:
    """Raise the thresholds for this process; False where the C library has no mallopt."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success, 0 on failure.
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_BELOW) and mallopt(M_TRIM_THRESHOLD, TRIM_ABOVE))
