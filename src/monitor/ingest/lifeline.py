"""Extraction processes die with the monitor, however the monitor dies.

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


def die_with_parent(parent: int | None = None) -> None:
    """SIGKILL this process when its parent dies; exit now if ``parent`` is gone already.

    ``parent`` is a process this one must not outlive, checked once after the request
    (the parent may have died before it was made). A no-op where prctl does not exist.
    """
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent is not None and not _alive(parent):
        os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
