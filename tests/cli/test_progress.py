"""The progress line of `monitor poll`: log records print above it, never through it."""

from __future__ import annotations

import io
import logging

from monitor.cli.progress import TerminalProgress, _AboveTheLine
from monitor.types import FeedOutcome


def test_log_lines_clear_the_progress_line_and_redraw_it() -> None:
    screen = io.StringIO()
    progress = TerminalProgress(screen)
    inner = logging.StreamHandler(screen)
    inner.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("tests.progress")
    logger.handlers, logger.propagate, logger.level = [_AboveTheLine(inner, progress)], False, 10
    progress.begin(2)
    logger.warning("feed A: failed")
    progress.done(FeedOutcome(feed="A", status="failed"))
    text = screen.getvalue()
    # Every log line starts on a cleared line and ends with a newline, then the bar returns.
    assert text.count("\r\x1b[K") == 4
    before, _, after = text.partition("feed A: failed\n")
    assert before.endswith("\r\x1b[K")
    assert after.startswith("\r\x1b[KPolling [")
    assert after.endswith("] 1/2 feeds")
    assert "Polling" not in text.split("\r\x1b[K")[2]  # the log line stands alone
