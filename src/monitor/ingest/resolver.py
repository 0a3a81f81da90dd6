"""Host names to addresses, on threads of their own.

aiohttp looks names up with the system's getaddrinfo on the event loop's default
executor: a few threads (six on two cores) shared with everything else the loop runs
in a thread, extraction workers' starts and alerts among them. A name server that never
answers (some networks cannot resolve granma.cu and other .cu hosts) holds a thread until
the system resolver gives up, tens of seconds later. A handful of such hosts held every
thread: the lookups of healthy hosts, the workers' starts and the alerts waited behind
them, and feeds that were fine failed on their deadline. Here each lookup runs on a
daemon thread of its own, at most ``limit`` at once: one that hangs holds its own thread
only, until the system gives up, and never keeps the process from exiting.

Standard library only (``monitor.threads``); ``ingest.fetch`` hands it to aiohttp as its
resolver.
"""

from __future__ import annotations

import asyncio
import socket
from typing import TypedDict

from monitor.threads import on_daemon_thread

#: aiohttp's flags for an address that needs no further lookup.
_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class Address(TypedDict):
    """One address of a host, as aiohttp's ``ResolveResult`` has it."""

    hostname: str
    host: str
    port: int
    family: int
    proto: int
    flags: int


class Lookups:
    """getaddrinfo, as aiohttp's ThreadedResolver does it, on threads of its own."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._slots: asyncio.Semaphore | None = None  # made in the loop that uses it

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[Address]:
        """The addresses of ``host``."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._limit)
        slots = self._slots
        await slots.acquire()
        try:
            # The slot is the thread's, not the caller's: it is freed when the lookup
            # ends, even if the caller gave up on it long before.
            return await on_daemon_thread(
                lambda: _addresses(host, port, family), name="monitor-lookup", ended=slots.release
            )
        except RuntimeError as e:  # no thread could be started (a process limit)
            raise OSError(f"cannot look up {host}: {e}") from e


def _addresses(host: str, port: int, family: socket.AddressFamily) -> list[Address]:
    infos = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, family=family, flags=socket.AI_ADDRCONFIG
    )
    found: list[Address] = []
    for kind, _, proto, _, address in infos:
        if kind == socket.AF_INET6:
            if len(address) < 3:  # IPv6 not supported by this Python build
                continue
            if address[3]:  # a link-local address needs its scope: ask for its name
                name, service = socket.getnameinfo(
                    address, socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
                )
                address = (name, int(service))
        elif kind != socket.AF_INET:
            continue
        found.append(
            Address(hostname=host, host=str(address[0]), port=int(address[1]), family=kind,
                    proto=proto, flags=_NUMERIC)
        )  # fmt: skip
    return found
