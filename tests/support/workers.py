"""Stand-ins for the extraction function, run inside real worker processes."""

from __future__ import annotations

import os
import time
from pathlib import Path

from monitor.types import DEFAULT_NEEDS, ExtractedPage, PageNeeds


def misbehave(
    html: bytes, url: str, needs: PageNeeds = DEFAULT_NEEDS, content_type: str | None = None
) -> ExtractedPage | None:
    if html == b"hang":
        time.sleep(60)
    if html == b"crash":
        os._exit(1)
    if html == b"raise":
        raise ValueError("bad markup")
    if html.startswith(b"slow"):
        time.sleep(0.6)  # long enough to be in flight when another page breaks the pool
    return ExtractedPage(text=html.decode(), title=str(os.getpid()))


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


def where_buffers_go(
    html: bytes, url: str, needs: PageNeeds = DEFAULT_NEEDS, content_type: str | None = None
) -> ExtractedPage | None:
    """An extraction stand-in that reports where the worker's large buffers come from."""
    return ExtractedPage(text=heap_or_mapped(), title=str(os.getpid()))
