"""Stand-ins for the extraction function, run inside real worker processes."""

from __future__ import annotations

import os
import time

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
    # Its parent is the forkserver: said now, since a worker that retires after this page
    # may be gone before the test could ask the system.
    return ExtractedPage(text=html.decode(), title=str(os.getpid()), author=str(os.getppid()))
