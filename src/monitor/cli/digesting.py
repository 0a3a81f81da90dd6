"""The digest command."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.cli.base import Context, duration, pass_context, report_problems
from monitor.jobs.send import prepare, send_digest, transport_for, write_out


@click.command()
@click.option("--preview", is_flag=True, help="Render it without sending or marking anything sent.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also save it: .eml, .txt, else HTML.",
)
@click.option("--since", metavar="DURATION", help="Look back this far (default: digest.since).")
@pass_context
def digest(obj: Context, preview: bool, out: Path | None, since: str | None) -> None:
    """Build the digest of new hits now and deliver it."""
    config = obj.config()
    report_problems(config)
    window = duration(since, "--since")
    now = datetime.now(UTC)
    with obj.store() as store:
        if preview:
            built, rendered = prepare(config, store, now, window)
            if out:
                write_out(out, config, built, rendered, now)
            else:
                click.echo(rendered.text)
            counts = f"{built.item_count} items, {len(built.hit_ids)} hits"
            click.echo(f"preview: {counts}; nothing sent", err=True)
            return
        outcome = send_digest(config, store, transport_for(config), now, since=window)
    if out:
        write_out(out, config, outcome.digest, outcome.rendered, now)
    if outcome.resent:
        click.echo(f"delivered again the digest of {outcome.resent}, left unconfirmed last time")
    if outcome.delivered_to is None:
        click.echo("no new hits since the last digest: nothing sent")
    else:
        d, where = outcome.digest, outcome.delivered_to
        click.echo(f"sent digest {d.date}: {d.item_count} items ({len(d.hit_ids)} hits) to {where}")
