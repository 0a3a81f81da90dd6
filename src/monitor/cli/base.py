"""What every command shares: the context object, errors, and output helpers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn, TypeVar

import click

from monitor.config import Config, load_config, resolve_config_dir
from monitor.config.schema import parse_duration
from monitor.matching.matcher import Matcher
from monitor.storage import Store
from monitor.text.fold import normalize


class Context:
    """Where config and database are; loads each once."""

    def __init__(self, config_dir: str | None, db: str | None) -> None:
        self.config_dir = resolve_config_dir(config_dir)
        self.db = db or os.environ.get("MONITOR_DB") or None
        self._config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_dir, self.db)
        return self._config

    def reload_config(self) -> Config:
        """The config as the files say now (the service calls this on every change)."""
        self._config = load_config(self.config_dir, self.db)
        return self._config

    def matcher(self) -> Matcher:
        config = self.config()
        return Matcher(config.watchlists, config.shared_exclusions)

    @contextmanager
    def store(self, *, readonly: bool = False) -> Iterator[Store]:
        """The database; ``readonly`` for commands that only read (nothing is written)."""
        store = Store.open(self.config().database, readonly=readonly)
        try:
            yield store
        finally:
            store.close()


pass_context = click.make_pass_decorator(Context)

T = TypeVar("T")


class Terminated(Exception):
    """SIGTERM arrived: the work in progress was stopped cleanly."""


def run_async(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` on a fresh event loop; SIGTERM cancels it like Ctrl-C would.

    Cancelling unwinds every ``async with``: the write in progress is committed or rolled
    back (writes never await), the extraction workers are killed, the clients closed.
    """

    async def guarded() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        terminated = False

        def stop() -> None:
            nonlocal terminated
            terminated = True
            task.cancel()

        loop.add_signal_handler(signal.SIGTERM, stop)
        try:
            return await main
        except asyncio.CancelledError:
            if terminated:
                raise Terminated from None
            raise
        finally:
            loop.remove_signal_handler(signal.SIGTERM)

    return asyncio.run(guarded())


def echo_each(
    items: Sequence[T],
    as_json: Callable[[T], Any] | None,
    lines: Callable[[T], None],
    none: str,
) -> None:
    """Each item as one JSON line (``as_json`` given) or as its ``lines``; ``none`` on
    stderr when there is nothing to show in text."""
    for item in items:
        if as_json is not None:
            click.echo(json.dumps(as_json(item), ensure_ascii=False))
        else:
            lines(item)
    if not items and as_json is None:
        click.echo(none, err=True)


def composed(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    """A name given on the command line, composed (NFC) as config is read: a terminal may
    send "í" as "i" and a combining accent."""
    if isinstance(value, tuple):
        return tuple(normalize(v) for v in value)
    return normalize(value) if isinstance(value, str) else value


def fail(message: str) -> NoReturn:
    click.echo(f"monitor: {message}", err=True)
    sys.exit(1)


def report_problems(config: Config) -> bool:
    """Print each config problem as file:line: message; True if there were any."""
    for problem in config.problems:
        click.echo(f"monitor: {problem}", err=True)
    return bool(config.problems)


def report_left_out(config: Config) -> bool:
    """Print each config problem, then each watchlist left out for it; True if any."""
    report_problems(config)
    for name in config.left_out:
        click.echo(
            f"monitor: watchlist {name!r} left out: its file is invalid (see above)", err=True
        )
    return bool(config.left_out)


def duration(value: str | None, option: str) -> timedelta | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint=option) from e


def json_value(value: Any) -> Any:
    """Datetimes as ISO 8601 UTC with a Z; everything else as is."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value


def ago(when: datetime | None, now: datetime) -> str:
    return "never" if when is None else f"{span((now - when).total_seconds())} ago"


def until(when: datetime | None, now: datetime) -> str:
    if when is None or when <= now:
        return "now"
    return f"in {span((when - now).total_seconds())}"


def span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"
