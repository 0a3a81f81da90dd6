"""Commands about watchlists and hits: hits, match, explain, rematch."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any, TextIO

import click

from monitor.cli.base import (
    Context,
    composed,
    duration,
    echo_each,
    fail,
    json_value,
    pass_context,
    report_left_out,
    report_problems,
)
from monitor.cli.stories import by_story, story_line
from monitor.jobs.rematch import rematch as run_rematch
from monitor.jobs.stories import context_of
from monitor.jobs.stories import recluster as run_recluster
from monitor.matching.explain import explain_lines
from monitor.matching.matcher import Matcher
from monitor.types import Hit, StoredHit


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "watchlist": hit.watchlist,
        "score": hit.score,
        "terms": list(hit.term_names),
        "snippet": hit.snippet.marked(),
    }


def stored_hit_json(s: StoredHit) -> dict[str, Any]:
    return {
        "article_id": s.article_id,
        "url": s.url,
        "title": s.title,
        "source": s.source,
        "published": json_value(s.published),
        **hit_json(s.hit),
    }


@click.command()
@click.option(
    "--since", default="24h", show_default=True, help="Articles first seen this recently."
)
@click.option("--watchlist", metavar="NAME", callback=composed, help="Only this watchlist's hits.")
@click.option("--limit", type=int, help="At most this many hits.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit per line.")
@click.option("--clusters", is_flag=True, help="Group the hits by story.")
@pass_context
def hits(
    obj: Context,
    since: str,
    watchlist: str | None,
    limit: int | None,
    as_json: bool,
    clusters: bool,
) -> None:
    """Recent hits, newest first, with the terms and sentence that made each."""
    window = duration(since, "--since")
    window = timedelta(days=1) if window is None else window
    if watchlist and obj.config().watchlist(watchlist) is None:
        fail(f"no watchlist named {watchlist!r} in {obj.config().directory / 'watchlists'}")
    with obj.store(readonly=True) as store:
        found = store.hits(since=datetime.now(UTC) - window, watchlist=watchlist, limit=limit)
    if clusters:
        _clustered_hits(found, as_json)
    none = f"no hits in the last {since}"
    if not clusters:
        echo_each(found, stored_hit_json if as_json else None, lambda s: _hit_lines(s, ""), none)
    elif not found and not as_json:
        click.echo(none, err=True)


def _hit_lines(s: StoredHit, indent: str) -> None:
    when = s.when.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    click.echo(f"{indent}{s.hit.score:>6g}  {s.hit.watchlist:<22} {when}  {s.source}: {s.title}")
    click.echo(f"{indent}        why: {', '.join(s.hit.why())}")
    click.echo(f"{indent}        {s.hit.snippet.marked()}")
    click.echo(f"{indent}        {s.url}")


def _clustered_hits(found: list[StoredHit], as_json: bool) -> None:
    """One story at a time: a header, then its hits (as JSON: one object per story)."""
    for group in by_story(found, lambda s: s.story_id, lambda s: s.article_id):
        story = group[0].story_id
        reports = len({s.article_id for s in group})
        languages = [s.language for s in group]
        if as_json:
            record = {
                "story_id": story, "reports": reports,
                "languages": sorted({lang for lang in languages if lang}),
                "hits": [stored_hit_json(s) for s in group],
            }  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        click.echo(story_line(story, reports, languages))
        for s in group:
            _hit_lines(s, "  ")


@click.command()
@click.argument("input_file", default="-", metavar="[FILE|-]")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document per line.")
@pass_context
def match(obj: Context, input_file: str, as_json: bool) -> None:
    """Match JSONL documents against the watchlists; stores nothing.

    Exit status 1 when a line is not a document, or a watchlist was left out because
    its file is invalid (the others still match).
    """
    left_out = report_left_out(obj.config())
    matcher = obj.matcher()
    name = "stdin" if input_file == "-" else input_file
    try:
        stream = sys.stdin if input_file == "-" else open(input_file, encoding="utf-8")  # noqa: SIM115
    except OSError as e:
        fail(f"cannot read {input_file}: {e.strerror}")
    with stream:
        errors = _match_lines(matcher, stream, name, as_json)
    if errors or left_out:
        sys.exit(1)


def _match_lines(matcher: Matcher, stream: TextIO, name: str, as_json: bool) -> int:
    errors = 0
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            document = _document(line)
        except ValueError as e:
            click.echo(f"monitor: {name}:{number}: {e}", err=True)
            errors += 1
            continue
        found = matcher.match(
            document["title"], document["text"], document["language"],
            published=document["published"],
        )  # fmt: skip
        if as_json:
            record = {"id": document["id"], "hits": [hit_json(h) for h in found]}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            verdict = ", ".join(f"{h.watchlist} ({h.score:g})" for h in found) or "no match"
            click.echo(f"{document['id']}: {verdict}")
    return errors


def _document(line: str) -> dict[str, Any]:
    try:
        document = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON: {e.msg} at column {e.colno}") from e
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object")
    if "id" not in document:
        raise ValueError('missing "id"')
    for key in ("title", "text"):
        if not isinstance(document.get(key, ""), str):
            raise ValueError(f'"{key}" must be a string')
    language = document.get("language")
    if language is not None and not isinstance(language, str):
        raise ValueError('"language" must be a string such as "es"')
    return {
        "id": document["id"],
        "title": document.get("title", ""),
        "text": document.get("text", ""),
        "language": language.split("-")[0].lower() if language else None,
        "published": _published(document.get("published")),
    }


def _published(value: Any) -> date | None:
    """A document's ISO date ("2016-03-21", or a timestamp that starts with one)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as e:
        raise ValueError('"published" must be an ISO date such as "2016-03-21"') from e


@click.command()
@click.argument("ref", metavar="ARTICLE_ID|URL")
@pass_context
def explain(obj: Context, ref: str) -> None:
    """Why a stored article matched each watchlist, or did not."""
    with obj.store(readonly=True) as store:
        article = store.article(ref)
    if article is None:
        fail(f"no stored article with id or URL {ref!r}")
    click.echo(f"article {article.article_id}: {article.title}")
    click.echo(f"  {article.url} ({article.feed}; text from the {article.text_source})")
    if article.page_error:
        click.echo(f"  page: {article.page_error}")
    click.echo(f"  {_story(obj, article.article_id)}")
    evaluations = obj.matcher().evaluate(
        article.title, article.text, article.language, published=article.published,
        explain=True,
    )  # fmt: skip
    for evaluation in evaluations:
        click.echo("")
        for line in explain_lines(evaluation):
            click.echo(line)


def _story(obj: Context, article_id: int) -> str:
    """Which story the article is in, why it joined, and its other reports."""
    with obj.store(readonly=True) as store:
        story, reason, others = store.story_of(article_id)
    if story is None:
        return "story: not placed yet (the next cycle places it)"
    also = f"; other reports: {', '.join(map(str, others))}" if others else ""
    return f"story {story}: {reason}{also}"


@click.command()
@click.option("--watchlist", metavar="NAME", callback=composed, help="Only this watchlist.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Rematch the valid watchlists and keep the hits of invalid ones as they are.",
)
@pass_context
def rematch(obj: Context, watchlist: str | None, skip_invalid: bool) -> None:
    """Re-run the current watchlists over every stored article (after an edit).

    Refuses (exit 1) while a watchlist file it would rematch is invalid: its hits would
    be lost. ``--skip-invalid`` rematches the others and keeps those hits.
    """
    config = obj.config()
    broken = [n for n in config.left_out if watchlist in (None, n)]
    if broken:
        report_problems(config)
        if watchlist or not skip_invalid:
            hint = "" if watchlist else "; --skip-invalid rematches the others"
            fail(f"rematch refused: watchlist {broken[0]!r} is invalid (fix it first{hint})")
        for name in broken:
            click.echo(f"monitor: watchlist {name!r} left out: its hits are kept", err=True)
    elif watchlist and config.watchlist(watchlist) is None:
        fail(f"no watchlist named {watchlist!r} in {config.directory / 'watchlists'}")
    with obj.store() as store:
        report = run_rematch(
            store, obj.matcher(), datetime.now(UTC), watchlist=watchlist, keep=broken
        )
        # Stories compare matched terms: placed again when the hits changed.
        changed = report.added or report.removed or report.updated
        context = context_of(config.watchlists)
        stories = run_recluster(store, context=context) if changed else None
    click.echo(
        f"{report.articles} articles: {report.added} hits added, {report.removed} removed, "
        f"{report.updated} updated (hits already sent in a digest are kept)"
    )
    if stories is not None:
        click.echo(f"stories rebuilt: {stories.articles} articles in {stories.stories} stories")
