"""The service's logs: one line per event, as ``key=value`` pairs or as JSON.

Records may carry structured fields (``extra={"fields": {...}}``, as the poll job's feed
outcomes do); they become keys of the line. Anything else is its message.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from monitor.errors import MonitorError

LogFormat = Literal["kv", "json"]
_BARE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+")


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    found = getattr(record, "fields", None)
    return dict(found) if isinstance(found, dict) else {}


def _time(record: logging.LogRecord) -> str:
    when = datetime.fromtimestamp(record.created, UTC)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


class KeyValueFormatter(logging.Formatter):
    """``time=… level=info event=feed feed="Cuba Debate" status=ok new=3 hits=1``."""

    def format(self, record: logging.LogRecord) -> str:
        pairs: dict[str, Any] = {"time": _time(record), "level": record.levelname.lower()}
        fields = _fields(record)
        pairs |= fields if fields else {"event": "log", "logger": record.name}
        pairs["msg"] = record.getMessage()
        if record.exc_info:
            pairs["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return " ".join(f"{key}={_value(value)}" for key, value in pairs.items())


def _value(value: Any) -> str:
    text = "" if value is None else str(value)
    if text and all(c in _BARE for c in text):
        return text
    return json.dumps(text, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, msg and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"time": _time(record), "level": record.levelname.lower(),
                                "logger": record.name, "msg": record.getMessage()}  # fmt: skip
        line |= _fields(record)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def setup(log_format: LogFormat, log_file: Path | None, level: int) -> None:
    """Send the monitor's logs (and APScheduler's warnings) to stderr or ``log_file``."""
    handler = _file_handler(log_file) if log_file else logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else KeyValueFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # APScheduler says "Running job ..." and httpx "HTTP Request ..." at INFO for every
    # tick and request: only their warnings matter here (-vv shows them).
    for chatty in ("apscheduler", "httpx"):
        logging.getLogger(chatty).setLevel(level if level <= logging.DEBUG else logging.WARNING)


def _file_handler(path: Path) -> logging.Handler:
    """Appends to ``path``, opened again when it is moved or removed: logrotate renames
    the file and the service goes on writing into the new one, not the rotated one."""
    path = path.expanduser()  # "~": systemd does not expand it in ExecStart
    try:
        return logging.handlers.WatchedFileHandler(path, encoding="utf-8")
    except OSError as e:
        raise MonitorError(f"cannot write the log to {path}: {e.strerror or e}") from e
