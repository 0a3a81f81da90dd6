"""Starting extraction processes: the forkserver every worker is forked from, and the
start of one worker.

Standard library only, and light to import: ``monitor.launch`` imports it before
anything else, to start the forkserver while the command imports.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess

from monitor.ingest.lifeline import PARENT_ENV, give_large_blocks_back

#: What the forkserver imports once, before it forks a worker.
PRELOAD = ["monitor.ingest._preload"]


def context() -> ForkServerContext:
    """The forkserver's context, with the extractor preloaded: workers start from a clean
    process with trafilatura loaded, not from a fork of the monitor (which holds the
    event loop and resolver threads)."""
    found = multiprocessing.get_context("forkserver")
    found.set_forkserver_preload(PRELOAD)
    return found


def prepare() -> None:
    """What the extraction processes this one starts inherit: its pid, so that they die
    with it, and the allocator setting that gives large blocks back."""
    os.environ[PARENT_ENV] = str(os.getpid())
    give_large_blocks_back()


def start_forkserver() -> None:
    """Start the forkserver now, ahead of the pool that will ask for it, and tie it to
    this process's life. Call it from the thread the event loop runs in: the kernel's
    parent-death signal follows the thread that started a process."""
    prepare()
    context()
    forkserver.ensure_running()


def ensure_forkserver() -> None:
    """Start the forkserver again if it died (this thread: see start_forkserver)."""
    forkserver.ensure_running()


def kill_forkserver() -> int | None:
    """SIGKILL a forkserver that stopped answering; its pid, or None when unknown.
    multiprocessing keeps the pid on a private attribute, hence the care; it also reaps
    it itself (``ensure_forkserver`` does), so the caller only waits for it to die
    (``lifeline.alive`` tells a zombie from the living)."""
    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if not isinstance(pid, int):
        return None
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    return pid


def start_process(process: BaseProcess, theirs: Connection) -> None:
    """Start the worker, then close our copy of its end (its death then reads as the end
    of the socket). Run in one thread, so a cancelled start never closes it mid-start."""
    try:
        process.start()
    finally:
        theirs.close()


def default_workers() -> int:
    """One worker per core this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))
