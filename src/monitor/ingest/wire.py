"""The wire between the monitor and an extraction worker: the worker's loop, and the
monitor's end of the socket, framed as ``multiprocessing.Connection`` frames messages
(a 4-byte big-endian length, or -1 and an 8-byte one), so the worker can use a plain
``Connection`` and the monitor's event loop reads and writes the socket itself.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import queue
import struct
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from monitor.ingest.lifeline import die_with_parent

#: Run in each new worker: a module's function and its arguments, the first of which
#: names the setup (``WorkerPool.setup_id``).
Setup = tuple[Callable[..., None], tuple[Any, ...]]


def serve(conn: Connection, parent: int, setup: Setup | None, jobs: int) -> None:
    """A worker's life: die with the monitor, set up, say so, then run ``jobs`` jobs in
    order (the monitor sends no more) or until the monitor hangs up."""
    die_with_parent(parent)
    if setup is not None:
        function, args = setup
        function(*args)
    inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(conn, inbox, jobs), daemon=True).start()
    try:
        conn.send_bytes(pickle.dumps(os.getpid()))
        for _ in range(jobs):
            message = inbox.get()
            if message is None:
                return
            conn.send_bytes(_reply(*pickle.loads(message)))
    except OSError:  # the monitor hung up (it stopped, or gave up on us)
        return


def _receive(conn: Connection, inbox: queue.SimpleQueue[bytes | None], jobs: int) -> None:
    """Read the jobs as they come, while the worker runs the one before: a page larger
    than the socket's buffer would otherwise wait, half sent, for the monitor's event
    loop to send the rest after the worker asked for it. None: the monitor hung up."""
    try:
        for _ in range(jobs):
            inbox.put(conn.recv_bytes())
    except (EOFError, OSError):
        inbox.put(None)


def _reply(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    try:
        return pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:  # anything trafilatura or lxml raised, told by name
        return pickle.dumps((False, f"{type(e).__name__}: {e}"))


def frame(payload: bytes) -> list[bytes]:
    """``payload`` framed as ``Connection.send_bytes`` does."""
    if len(payload) > 0x7FFFFFFF:
        return [struct.pack("!iQ", -1, len(payload)), payload]
    return [struct.pack("!i", len(payload)), payload]


class Channel(asyncio.Protocol):
    """One worker's end of the socket: whole messages to the worker, its end to it."""

    def __init__(self, received: Callable[[bytes], None], lost: Callable[[], None]) -> None:
        self._received = received
        self._lost = lost
        self._buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= 4:
            (size,), start = struct.unpack_from("!i", buffer), 4
            if size == -1:
                if len(buffer) < 12:
                    return
                (size,), start = struct.unpack_from("!Q", buffer, 4), 12
            if len(buffer) < start + size:
                return
            message = bytes(buffer[start : start + size])
            del buffer[: start + size]
            self._received(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost()
