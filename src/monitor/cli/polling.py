"""Commands about feeds and articles: poll, search, check."""

from __future__ import annotations

import json
import sys
from collections import Counter

import click

from monitor.cli.base import (
    Context,
    composed,
    echo_each,
    fail,
    json_value,
    pass_context,
    report_problems,
    run_async,
)
from monitor.cli.progress import progress_display
from monitor.cli.stories import by_story, story_line
from monitor.matching.examples import run_examples
from monitor.types import RunReport, SearchResult


@click.command()
@click.option(
    "--feed",
    "feed_names",
    multiple=True,
    metavar="NAME",
    callback=composed,
    help="Poll only this feed (repeatable).",
)
@click.option("--due", is_flag=True, help="Only the feeds that are due (for cron).")
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@pass_context
def poll(obj: Context, feed_names: tuple[str, ...], due: bool, as_json: bool) -> None:
    """Poll every feed once, now (or only those due), and store what is new.

    Exit status 3 when feeds were polled and every one failed, so cron can notice.
    """
    from monitor.jobs.poll import poll as run_poll

    config = obj.config()
    problems = report_problems(config)
    feeds = None
    if feed_names:
        unknown = [n for n in feed_names if config.feed(n) is None]
        if unknown:
            fail(f"no feed named {unknown[0]!r} in {config.directory / 'feeds.yaml'}")
        feeds = [f for f in config.feeds if f.name in feed_names]
    with progress_display(enabled=not as_json) as progress:
        report = run_async(run_poll(config, feeds=feeds, progress=progress, due_only=due))
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_report(report, due=due)
    if report.looks_offline:
        click.echo(
            "monitor: no feed could be reached (DNS or connection errors only): this machine "
            "looks offline",
            err=True,
        )
    if report.reached_none:
        sys.exit(3)
    if problems:
        sys.exit(1)


def _print_report(report: RunReport, *, due: bool) -> None:
    data = report.as_json()
    if due and not report.outcomes:
        click.echo(f"no feed is due; nothing polled ({report.seconds:.1f}s)")
        return
    click.echo(
        f"{data['feeds']} feeds: {data['ok']} ok, {data['not_modified']} not modified, "
        f"{data['failed']} failed; {data['new_articles']} new articles, {data['hits']} hits "
        f"in {report.seconds:.1f}s"
    )
    for outcome in report.outcomes:
        if outcome.error:
            click.echo(f"  failed  {outcome.feed}: {outcome.error}")


@click.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="At most this many results.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result per line.")
@click.option("--clusters", is_flag=True, help="Group the results by story.")
@pass_context
def search(obj: Context, query: str, limit: int, as_json: bool, clusters: bool) -> None:
    """Full-text search over stored articles (accent- and case-insensitive)."""
    if not query.strip():
        fail("empty search query")
    if not any(c.isalnum() for c in query):
        fail(f"nothing to search for in {query!r}: give a word")
    with obj.store(readonly=True) as store:
        results = store.search(query, limit=limit)
    if clusters:
        for group in by_story(results, lambda r: r.story_id, lambda r: r.article_id):
            if as_json:
                record = {"story_id": group[0].story_id, "results": [_result(r) for r in group]}
                click.echo(json.dumps(record, ensure_ascii=False))
                continue
            click.echo(story_line(group[0].story_id, len(group), []))
            for r in group:
                _result_lines(r, "  ")
    if not clusters:
        echo_each(results, _result if as_json else None, lambda r: _result_lines(r, ""),
                  "no matches")  # fmt: skip
    elif not results and not as_json:
        click.echo("no matches", err=True)


def _result(r: SearchResult) -> dict[str, object]:
    return {
        "article_id": r.article_id, "title": r.title, "url": r.url, "feed": r.feed,
        "published": json_value(r.published), "snippet": r.snippet,
    }  # fmt: skip


def _result_lines(r: SearchResult, indent: str) -> None:
    date = r.published.date().isoformat() if r.published else "----------"
    click.echo(f"{indent}{r.article_id:>6}  {date}  {r.feed}: {r.title}")
    click.echo(f"{indent}        {r.url}\n{indent}        {r.snippet}")


@click.command()
@pass_context
def check(obj: Context) -> None:
    """Validate the config and run every watchlist's examples; exit 1 on any problem."""
    config = obj.config()
    problems = report_problems(config)
    for warning in config.warnings():
        click.echo(f"monitor: warning: {warning}", err=True)
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
