"""The demo command."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import click

from monitor.jobs.demo import run_demo


@click.command()
@click.option(
    "--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
    help="Where to put the demo's config, database and digest (default: a new temporary folder).",
)  # fmt: skip
def demo(folder: Path | None) -> None:
    """A self-contained offline demo: bundled sample news, one cycle, a digest file."""
    where = folder or Path(tempfile.mkdtemp(prefix="monitor-demo-"))
    report = asyncio.run(run_demo(where))
    click.echo(f"Polled 2 sample feeds (English and Spanish), offline: {report.articles} articles "
               f"in {report.seconds:.1f}s.\n")  # fmt: skip
    click.echo("Matched, with the watchlists that took them:")
    for title, watchlists in report.matched:
        click.echo(f"  {title}\n      {', '.join(watchlists)}")
        if title in report.same_story:
            click.echo(f"      one story with: {report.same_story[title]} (one item in the digest)")
    click.echo("\nNear misses, written to be left out:")
    for title, matched in report.near_misses:
        click.echo(f"  {'MATCHED (it should not have)' if matched else 'left out'}: {title}")
    if report.digest:
        click.echo(f"\nThe digest, to open in a browser:\n  {report.digest}")
    click.echo(
        f"\nTry more on the same data:\n  monitor --config {report.config} hits --since 30d\n"
        f"  monitor --config {report.config} explain 1\n"
        f"  monitor --config {report.config} browse      # the archive in a browser"
    )
