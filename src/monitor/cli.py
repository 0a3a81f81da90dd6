"""The ``monitor`` command: thin click commands over the library.

Exit status: 0 ok, 1 user error (bad config, bad input; one line per problem, no
traceback), 2 usage error (click's own).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, NoReturn

import click

from monitor import __version__
from monitor.config import Config, load_config, resolve_config_dir
from monitor.errors import MonitorError
from monitor.storage import Store
from monitor.types import FeedOutcome, RunReport


class Context:
    """What every command shares: where config and database are."""

    def __init__(self, config_dir: str | None, db: str | None) -> None:
        self.config_dir = resolve_config_dir(config_dir)
        self.db = db or os.environ.get("MONITOR_DB") or None
        self._config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_dir, self.db)
        return self._config

    @contextmanager
    def store(self) -> Iterator[Store]:
        store = Store.open(self.config().database)
        try:
            yield store
        finally:
            store.close()


pass_context = click.make_pass_decorator(Context)


def fail(message: str) -> NoReturn:
    click.echo(f"monitor: {message}", err=True)
    sys.exit(1)


class Group(click.Group):
    """Turns MonitorError into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MonitorError as e:
            fail(str(e).replace("\n", "\nmonitor: "))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_dir", metavar="DIR",
    help="Config directory (default: $MONITOR_CONFIG, else ./config).",
)  # fmt: skip
@click.option(
    "--db", metavar="PATH", help="Database file; overrides monitor.yaml (also $MONITOR_DB)."
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.version_option(__version__, prog_name="monitor")
@click.pass_context
def cli(
    ctx: click.Context, config_dir: str | None, db: str | None, verbose: int, quiet: bool
) -> None:
    """Watch US–Cuba news: poll feeds, match watchlists, send a daily digest."""
    level = (
        logging.ERROR if quiet else [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    )
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.obj = Context(config_dir, db)


def report_problems(config: Config) -> bool:
    """Print each config problem as file:line: message; True if there were any."""
    for problem in config.problems:
        click.echo(f"monitor: {problem}", err=True)
    return bool(config.problems)


@cli.command()
@click.option(
    "--feed", "feed_names", multiple=True, metavar="NAME", help="Poll only this feed (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@pass_context
def poll(obj: Context, feed_names: tuple[str, ...], as_json: bool) -> None:
    """Poll every feed once, now, and store what is new."""
    from monitor.pipeline import poll as run_poll

    config = obj.config()
    problems = report_problems(config)
    feeds = None
    if feed_names:
        unknown = [n for n in feed_names if config.feed(n) is None]
        if unknown:
            fail(f"no feed named {unknown[0]!r} in {config.directory / 'feeds.yaml'}")
        feeds = [f for f in config.feeds if f.name in feed_names]
    count = len(feeds if feeds is not None else config.feeds)
    with _progress(count, enabled=not as_json) as tick:
        report = asyncio.run(run_poll(config, feeds=feeds, progress=tick))
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_report(report)
    if problems:
        sys.exit(1)


@contextmanager
def _progress(length: int, *, enabled: bool) -> Iterator[Callable[[FeedOutcome], None]]:
    if not (enabled and sys.stderr.isatty()):
        yield lambda outcome: None
        return
    with click.progressbar(length=length, label="Polling", file=sys.stderr) as bar:
        yield lambda outcome: bar.update(1)


def _print_report(report: RunReport) -> None:
    data = report.as_json()
    click.echo(
        f"{data['feeds']} feeds: {data['ok']} ok, {data['not_modified']} not modified, "
        f"{data['failed']} failed; {data['new_articles']} new articles, {data['hits']} hits "
        f"in {report.seconds:.1f}s"
    )
    for outcome in report.outcomes:
        if outcome.error:
            click.echo(f"  failed  {outcome.feed}: {outcome.error}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed per line.")
@pass_context
def status(obj: Context, as_json: bool) -> None:
    """Feed health: last fetch, last error, next due, items, hits."""
    now = datetime.now(UTC)
    with obj.store() as store:
        store.sync_feeds(obj.config().feeds, now)
        health = store.feed_health()
    for h in health:
        if as_json:
            click.echo(json.dumps(_health_json(h), ensure_ascii=False))
            continue
        state = h.last_status or "never polled"
        line = (
            f"{h.name:<28} {state:<12} fetched {_ago(h.last_fetched_at, now):<9} "
            f"next {_until(h.next_due_at, now):<8} items {h.items:<5} hits {h.hits}"
        )
        click.echo(line)
        if h.last_error:
            click.echo(f"{'':<28} error: {h.last_error} ({h.consecutive_failures}x)")


def _health_json(h: Any) -> dict[str, Any]:
    fields = (
        "name", "url", "last_fetched_at", "last_ok_at", "last_new_at", "last_status",
        "last_error", "consecutive_failures", "failing_since", "next_due_at", "items", "hits",
    )  # fmt: skip
    return {f: _json_value(getattr(h, f)) for f in fields}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value


def _ago(when: datetime | None, now: datetime) -> str:
    return "never" if when is None else f"{_span((now - when).total_seconds())} ago"


def _until(when: datetime | None, now: datetime) -> str:
    if when is None or when <= now:
        return "now"
    return f"in {_span((when - now).total_seconds())}"


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


@cli.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="At most this many results.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result per line.")
@pass_context
def search(obj: Context, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over stored articles (accent- and case-insensitive)."""
    if not query.strip():
        fail("empty search query")
    with obj.store() as store:
        results = store.search(query, limit=limit)
    for r in results:
        if as_json:
            record = {
                "article_id": r.article_id, "title": r.title, "url": r.url, "feed": r.feed,
                "published": _json_value(r.published), "snippet": r.snippet,
            }  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            date = r.published.date().isoformat() if r.published else "----------"
            click.echo(f"{r.article_id:>6}  {date}  {r.feed}: {r.title}")
            click.echo(f"        {r.url}\n        {r.snippet}")
    if not results and not as_json:
        click.echo("no matches", err=True)


@cli.command()
@pass_context
def check(obj: Context) -> None:
    """Validate the config; exit 1 with file:line: message on any error."""
    config = obj.config()
    if report_problems(config):
        sys.exit(1)
    click.echo(f"config OK: {len(config.feeds)} feeds")


def main() -> None:
    cli(prog_name="monitor")
