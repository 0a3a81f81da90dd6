"""The feeds commands: list, add, remove, import OPML, export OPML (feeds.yaml)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.cli.base import Context, composed, fail, pass_context, report_problems, run_async
from monitor.config import opml
from monitor.config.feedlist import FeedList
from monitor.config.schema import parse_duration
from monitor.errors import FeedError
from monitor.jobs.feeds import probe
from monitor.text.urls import feed_location


@click.group()
def feeds() -> None:
    """Manage config/feeds.yaml (comments and order are kept)."""


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed per line.")
@pass_context
def list_feeds(obj: Context, as_json: bool) -> None:
    """The configured feeds; a feed its file gets wrong is named on stderr (exit 1)."""
    config = obj.config()
    problems = report_problems(config)
    for feed in config.feeds:
        if as_json:
            record = {
                "name": feed.name, "url": feed.url, "language": feed.language,
                "interval": feed.interval.total_seconds() if feed.interval else None,
                "tags": list(feed.tags), "fulltext": feed.fulltext,
            }  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        extras = [x for x in (feed.language, ",".join(feed.tags)) if x]
        extras += [] if feed.fulltext else ["summaries only"]
        click.echo(f"{feed.name}  {feed.url}" + (f"  ({'; '.join(extras)})" if extras else ""))
    if problems:
        sys.exit(1)


@feeds.command()
@click.argument("url")
@click.option("--name", help="Its name (default: the feed's own title).")
@click.option("--language", help="en, es… (default: what the feed declares).")
@click.option("--interval", metavar="DURATION", help="Poll it this often instead of poll.interval.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--summaries-only", is_flag=True, help="Keep the feed's summaries (fulltext: false).")
@click.option("--no-check", is_flag=True, help="Add it without fetching it first.")
@pass_context
def add(
    obj: Context, url: str, name: str | None, language: str | None, interval: str | None,
    tags: tuple[str, ...], summaries_only: bool, no_check: bool,
) -> None:  # fmt: skip
    """Add a feed: fetched once first, and refused if it is not a feed."""
    config = obj.config()
    url = feed_location(url)
    if "://" not in url and "." in url.split("/", 1)[0]:
        url = f"https://{url}"  # "www.cubadebate.cu/feed", as typed into a browser
    title = ""
    if not no_check:
        try:
            found = run_async(probe(url, config.settings.fetch))
        except FeedError as e:
            fail(f"{url} is not a feed I can read: {e} (add it anyway with --no-check)")
        if found.url != url:
            click.echo(f"{url} is a web page; the feed it names: {found.url}")
            for other in found.others:
                click.echo(f"  it also names: {other}")
        url, parsed = found.url, found.feed
        title, language = parsed.title, language or parsed.language
        click.echo(f"{url}: {parsed.title or 'untitled'}, {len(parsed.entries)} entries")
    if interval:
        try:
            parse_duration(interval)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--interval") from e
    entry = {"name": name or title or url, "url": url, "language": language,
             "interval": interval, "tags": list(tags),
             "fulltext": False if summaries_only else None}  # fmt: skip
    feed_list = FeedList(config.directory / "feeds.yaml")
    feed_list.add(entry, comment=f"{entry['name']}: added {datetime.now(UTC):%Y-%m-%d}.")
    feed_list.save()
    click.echo(f"added {entry['name']!r} to {feed_list.path}")


@feeds.command()
@click.argument("name", callback=composed)
@pass_context
def remove(obj: Context, name: str) -> None:
    """Remove a feed by name (its stored articles stay)."""
    feed_list = FeedList(obj.config_dir / "feeds.yaml")
    removed = feed_list.remove(name)
    feed_list.save()
    click.echo(f"removed {name!r} ({removed.get('url')}) from {feed_list.path}")


@feeds.command("import")
@click.argument(
    "source", metavar="OPML", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@pass_context
def import_opml(obj: Context, source: Path) -> None:
    """Add the feeds of an OPML file that are not there yet."""
    found = opml.read(source.read_bytes(), str(source))
    feed_list = FeedList(obj.config_dir / "feeds.yaml")
    report = feed_list.import_feeds(found, source.name)
    if report.added:
        feed_list.save()
    for title, why in report.skipped:
        click.echo(f"  skipped {title!r}: {why}")
    click.echo(
        f"{len(found)} feeds in {source.name}: {len(report.added)} added, "
        f"{len(report.skipped)} skipped"
    )


@feeds.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the OPML here instead of standard output.")  # fmt: skip
@pass_context
def export(obj: Context, output: Path | None) -> None:
    """Write the feeds as OPML 2.0, for other readers to import; a feed its file gets
    wrong is left out and named on stderr (exit 1)."""
    config = obj.config()
    data = opml.write(list(config.feeds), title="US–Cuba monitor feeds", now=datetime.now(UTC))
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        try:
            output.write_bytes(data)
        except OSError as e:
            fail(f"cannot write {output}: {e.strerror or e}")
    if report_problems(config):
        sys.exit(1)
