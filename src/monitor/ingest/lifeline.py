"""Extraction processes die with the monitor, however the monitor dies; and they, and
the monitor, give large blocks of memory back when they free them.

A worker pool outliving its parent is ~440 MB held for nothing, and under cron every
crash would leave another set. On Linux each process asks the kernel for SIGKILL when
its parent dies (``prctl(PR_SET_PDEATHSIG)``), which chains: the monitor dies → its
forkserver is killed → the workers the forkserver forked are killed; the resource
tracker then reads the end of its pipe and exits. Standard library only: the forkserver
imports this before anything heavy, so the unguarded window at its start is short.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1
#: The monitor's pid, as the forkserver inherits it in its environment: a forkserver
#: whose parent died in the instant before it asked for the signal would never get it.
PARENT_ENV = "MONITOR_EXTRACT_PARENT"


def die_with_parent(monitor: int | None = None, *, child: bool = False) -> None:
    """SIGKILL this process when its parent dies; exit now if ``monitor`` died already.

    The parent may die in the instant before the request is made, and then the request
    never fires: so ``monitor`` (the monitor's pid) is checked once after it. ``child``
    says the monitor is this process's own parent (the forkserver), which is then
    checked by parentage: a killed parent stays a zombie, and so looks alive, until it
    is reaped. A no-op where prctl does not exist.
    """
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if monitor is None:
        return
    if (child and os.getppid() != monitor) or not alive(monitor):
        os._exit(0)


def parent_from_environment() -> int | None:
    value = os.environ.get(PARENT_ENV, "")
    return int(value) if value.isdigit() else None


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


#: glibc's threshold above which a block gets its own mapping, given back when freed.
#: Left alone, glibc raises it to the largest block freed so far, so the 100–400 KB
#: pages and their parse trees then come from the heap, whose freed memory stays with
#: the process: on the largest third of the real pages, peak PSS 403 MB with the
#: moving threshold against 368 MB with this one (docs/performance.md).
MMAP_THRESHOLD = 128 * 1024
_M_MMAP_THRESHOLD = -3
_MALLOC_ENV = "MALLOC_MMAP_THRESHOLD_"


def give_large_blocks_back() -> None:
    """Fix glibc's mmap threshold in this process and, through the environment, in the
    processes it starts (the forkserver and its workers); a threshold the user set in
    the environment is kept. A no-op without glibc."""
    os.environ.setdefault(_MALLOC_ENV, str(MMAP_THRESHOLD))
    if sys.platform != "linux":
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mallopt(_M_MMAP_THRESHOLD, int(os.environ[_MALLOC_ENV]))
    except (OSError, AttributeError, ValueError):
        pass
