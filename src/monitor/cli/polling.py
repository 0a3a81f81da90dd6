"""Commands about feeds and articles: poll, status, search, check."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import click

from monitor.cli.base import (
    Context,
    ago,
    fail,
    json_value,
    pass_context,
    report_problems,
    run_async,
    until,
)
from monitor.matching.examples import run_examples
from monitor.types import Feed, FeedHealth, FeedOutcome, RunReport


@click.command()
@click.option(
    "--feed", "feed_names", multiple=True, metavar="NAME", help="Poll only this feed (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@pass_context
def poll(obj: Context, feed_names: tuple[str, ...], as_json: bool) -> None:
    """Poll every feed once, now, and store what is new."""
    from monitor.jobs.poll import poll as run_poll

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
        report = run_async(run_poll(config, feeds=feeds, progress=tick))
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


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed per line.")
@pass_context
def status(obj: Context, as_json: bool) -> None:
    """Feed health: last fetch, last error, next due, items, hits."""
    now = datetime.now(UTC)
    config = obj.config()
    found: dict[str, FeedHealth] = {}
    if config.database.exists():
        with obj.store(readonly=True) as store:
            found = {h.name: h for h in store.feed_health()}
    for h in (found.get(f.name) or _never_polled(f) for f in config.feeds):
        if as_json:
            click.echo(json.dumps(_health_json(h), ensure_ascii=False))
            continue
        state = "gone" if h.gone_since else h.last_status or "never polled"
        line = (
            f"{h.name:<28} {state:<12} fetched {ago(h.last_fetched_at, now):<9} "
            f"next {until(h.next_due_at, now):<8} items {h.items:<5} hits {h.hits}"
        )
        click.echo(line)
        if h.last_error:
            click.echo(f"{'':<28} error: {h.last_error} ({h.consecutive_failures}x)")


def _never_polled(feed: Feed) -> FeedHealth:
    return FeedHealth(
        name=feed.name, url=feed.url, last_fetched_at=None, last_ok_at=None, last_new_at=None,
        last_status=None, last_error=None, consecutive_failures=0, failing_since=None,
        next_due_at=None, items=0, hits=0,
    )  # fmt: skip


def _health_json(h: FeedHealth) -> dict[str, Any]:
    fields = (
        "name", "url", "last_fetched_at", "last_ok_at", "last_new_at", "last_status",
        "last_error", "consecutive_failures", "failing_since", "next_due_at", "items", "hits",
        "gone_since",
    )  # fmt: skip
    return {f: json_value(getattr(h, f)) for f in fields}


@click.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="At most this many results.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result per line.")
@pass_context
def search(obj: Context, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over stored articles (accent- and case-insensitive)."""
    if not query.strip():
        fail("empty search query")
    with obj.store(readonly=True) as store:
        results = store.search(query, limit=limit)
    for r in results:
        if as_json:
            record = {
                "article_id": r.article_id, "title": r.title, "url": r.url, "feed": r.feed,
                "published": json_value(r.published), "snippet": r.snippet,
            }  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            date = r.published.date().isoformat() if r.published else "----------"
            click.echo(f"{r.article_id:>6}  {date}  {r.feed}: {r.title}")
            click.echo(f"        {r.url}\n        {r.snippet}")
    if not results and not as_json:
        click.echo("no matches", err=True)


@click.command()
@pass_context
def check(obj: Context) -> None:
    """Validate the config and run every watchlist's examples; exit 1 on any problem."""
    config = obj.config()
    problems = report_problems(config)
    results = run_examples(obj.matcher())
    for result in results:
        if not result.passed:
            example = result.example
            expected = "must match" if example.expect else "must not match"
            click.echo(
                f"monitor: {example.file}:{example.line}: FAIL {result.watchlist.name} "
                f"{expected}: {example.title[:80]!r}: {result.reason}",
                err=True,
            )
    failed = sum(not r.passed for r in results)
    counts = Counter(r.watchlist.name for r in results)
    for watchlist in config.watchlists:
        passed = sum(r.passed for r in results if r.watchlist.name == watchlist.name)
        click.echo(f"{watchlist.file}: {passed}/{counts[watchlist.name]} examples pass")
    if problems or failed:
        sys.exit(1)
    click.echo(
        f"config OK: {len(config.feeds)} feeds, {len(config.watchlists)} watchlists, "
        f"{len(results)} examples pass"
    )
