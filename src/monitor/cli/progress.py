"""A progress line for `monitor poll` on a terminal, which log lines never break.

The line is redrawn in place on stderr; a log record first clears it, prints itself on
its own line, then redraws it, so the two never interleave. Off a terminal (cron, pipes,
--json) there is no progress line at all.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from monitor.types import FeedOutcome

_CLEAR = "\r\x1b[K"
_WIDTH = 30


class TerminalProgress:
    """``Progress`` drawn as one line: ``Polling [######    ] 12/29 feeds``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total = self.finished = 0
        self.shown = False

    def begin(self, feeds: int) -> None:
        self.total = feeds
        self.draw()

    def done(self, outcome: FeedOutcome) -> None:
        self.finished += 1
        self.draw()

    def draw(self) -> None:
        if not self.total:
            return
        filled = _WIDTH * self.finished // self.total
        bar = "#" * filled + " " * (_WIDTH - filled)
        self.stream.write(f"{_CLEAR}Polling [{bar}] {self.finished}/{self.total} feeds")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write(_CLEAR)
            self.stream.flush()


class _AboveTheLine(logging.Handler):
    """Writes each record above the progress line, through the handler it replaces."""

    def __init__(self, inner: logging.Handler, progress: TerminalProgress) -> None:
        super().__init__(inner.level)
        self.inner, self.progress = inner, progress

    def emit(self, record: logging.LogRecord) -> None:
        self.progress.clear()
        self.inner.handle(record)
        self.progress.draw()


@contextmanager
def progress_display(*, enabled: bool) -> Iterator[TerminalProgress | None]:
    """A progress line while the block runs, when ``enabled`` and stderr is a terminal."""
    stream = sys.stderr
    if not (enabled and stream.isatty()):
        yield None
        return
    progress = TerminalProgress(stream)
    root = logging.getLogger()
    replaced = list(root.handlers)
    root.handlers = [_AboveTheLine(h, progress) for h in replaced]
    try:
        yield progress
    finally:
        root.handlers = replaced
        progress.clear()
