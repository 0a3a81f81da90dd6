"""The alerts commands: send a test alert, list the recent ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from monitor.cli.base import Context, ago, composed, fail, pass_context
from monitor.errors import DeliveryError
from monitor.jobs.alerts import trial_message
from monitor.outputs.notify import AppriseNotifier


@click.group()
def alerts() -> None:
    """Urgent alerts: a watchlist's alert: sends its hits at once (docs/outputs.md)."""


@alerts.command("test")
@click.argument("watchlist", callback=composed)
@pass_context
def test_alert(obj: Context, watchlist: str) -> None:
    """Send a test alert to each channel of WATCHLIST's alert.to."""
    config = obj.config()
    chosen = next((w for w in config.watchlists if w.name == watchlist), None)
    if chosen is None:
        names = ", ".join(w.name for w in config.watchlists) or "none"
        fail(f"no watchlist {watchlist!r} (watchlists: {names})")
    if chosen.alert is None:
        fail(f"watchlist {watchlist} has no alert: (see docs/outputs.md)")
    notifier = AppriseNotifier(config.settings.alerts.timeout.total_seconds())
    failures = []
    for channel in chosen.alert.to:
        try:
            where = notifier.send(channel, trial_message(chosen.title))
        except DeliveryError as e:
            failures.append(str(e))
            continue
        click.echo(f"sent a test alert to {channel} ({where})")
    if failures:
        fail("\n".join(failures))


@alerts.command("list")
@click.option("--limit", default=50, show_default=True, help="The most recent alerts to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per alert per line.")
@pass_context
def list_alerts(obj: Context, limit: int, as_json: bool) -> None:
    """The recent alerts, newest first: sent, pending (a retry is due), folded (its story
    already alerted the channel) or abandoned."""
    now = datetime.now(UTC)
    with obj.store(readonly=True) as store:
        found = store.recent_alerts(limit)
    for a in found:
        if as_json:
            record = {
                "id": a.alert_id, "article_id": a.article_id, "watchlist": a.watchlist,
                "channel": a.channel, "story_id": a.story_id, "state": a.state,
                "title": a.title, "attempts": a.attempts,
                "created_at": a.created_at.isoformat(),
                "sent_at": a.sent_at.isoformat() if a.sent_at else None, "error": a.error,
            }  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        error = f"  ({a.error})" if a.error and a.state != "sent" else ""
        click.echo(f"{a.alert_id}  {a.state:9s}  {ago(a.created_at, now):>8s}  {a.channel}  "
                   f"{a.title}{error}")  # fmt: skip
