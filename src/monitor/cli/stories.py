"""Stories on the command line: ``recluster``, and the grouping ``--clusters`` prints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import click

from monitor.cli.base import Context, duration, pass_context
from monitor.jobs.stories import context_of
from monitor.jobs.stories import recluster as run_recluster

T = TypeVar("T")


def by_story(
    items: Sequence[T], story: Callable[[T], int | None], article: Callable[[T], int]
) -> list[list[T]]:
    """``items`` grouped by story, in the order each story first appears; an item not
    placed in a story yet is a story of its own."""
    groups: dict[tuple[str, int], list[T]] = {}
    for item in items:
        placed = story(item)
        key = ("story", placed) if placed is not None else ("article", article(item))
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def story_line(story_id: int | None, reports: int, languages: Sequence[str | None]) -> str:
    known = sorted({lang for lang in languages if lang})
    langs = f" ({', '.join(known)})" if known else ""
    name = f"story {story_id}" if story_id is not None else "not placed in a story yet"
    return f"{name} · {reports} report{'s' if reports != 1 else ''}{langs}"


@click.command()
@click.option("--since", metavar="DURATION", help="Only articles published this recently.")
@pass_context
def recluster(obj: Context, since: str | None) -> None:
    """Place every stored article in its story again, oldest first."""
    window = duration(since, "--since")
    with obj.store() as store:
        start = datetime.now(UTC) - window if window else None
        report = run_recluster(store, start, context=context_of(obj.config().watchlists))
    click.echo(f"{report.articles} articles placed in {report.stories} stories")
