"""The status command: the service, the digests and every feed, as the store sees them."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from monitor.cli.base import Context, ago, json_value, pass_context, until
from monitor.config import Config, database_path
from monitor.jobs.send import next_due
from monitor.storage import Store
from monitor.types import Feed, FeedHealth, PendingDigest, SentDigest, ServiceState

#: The service counts as healthy while its last heartbeat is this recent. It beats at
#: every look for due feeds (at least once a minute) and as each feed of a cycle ends.
HEALTHY_WITHIN = timedelta(minutes=10)
NAME_WIDTH = 40
#: Quarantined pages listed by URL; the count says how many more.
QUARANTINE_SHOWN = 5
ALERTS_WITHIN = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class _View:
    feeds: list[FeedHealth]
    service: ServiceState
    last_digest: SentDigest | None
    pending: PendingDigest | None
    #: Pages never extracted again (URL, why, since when), newest first.
    quarantined: list[tuple[str, str, datetime]]
    #: Alerts of the last ``ALERTS_WITHIN`` by state, and the newest error of one not sent.
    alerts: tuple[dict[str, int], str | None] = ({}, None)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed per line.")
@click.option(
    "--health", is_flag=True, help="Exit 0 while the service's last cycle is recent, else 1."
)
@pass_context
def status(obj: Context, as_json: bool, health: bool) -> None:
    """The service, the digest and each feed: due, failing, gone; last and next."""
    now = datetime.now(UTC)
    if health:
        _health(_service_state(database_path(obj.config_dir, obj.db)), now)
        return
    config = obj.config()
    view = _read(obj, config)
    if as_json:
        for h in view.feeds:
            line = _health_json(h) | {"due": h.next_due_at is None or h.next_due_at <= now}
            click.echo(json.dumps(line, ensure_ascii=False))
    else:
        _print(view, config, now)


def _read(obj: Context, config: Config) -> _View:
    if not config.database.exists():
        return _View([_never_polled(f) for f in config.feeds], ServiceState(), None, None, [])
    with obj.store(readonly=True) as store:
        found = {h.name: h for h in store.feed_health()}
        sent = store.sent_digests(limit=1)
        return _View(
            feeds=[found.get(f.name) or _never_polled(f) for f in config.feeds],
            service=store.service_state(),
            last_digest=sent[0] if sent else None,
            pending=store.pending_digest(),
            quarantined=store.quarantined_pages(),
            alerts=store.alert_counts(datetime.now(UTC) - ALERTS_WITHIN),
        )


def _service_state(path: Path) -> ServiceState:
    if not path.exists():
        return ServiceState()
    store = Store.open(path, readonly=True)
    try:
        return store.service_state()
    finally:
        store.close()


def _health(service: ServiceState, now: datetime) -> None:
    beat = service.heartbeat_at
    if service.stopped_at is not None or beat is None:
        click.echo("unhealthy: the service is not running", err=True)
        sys.exit(1)
    if now - beat > HEALTHY_WITHIN:
        click.echo(f"unhealthy: last cycle {ago(beat, now)}", err=True)
        sys.exit(1)
    click.echo(f"healthy: last cycle {ago(beat, now)}")


def _print(view: _View, config: Config, now: datetime) -> None:
    click.echo(f"service: {_service_line(view.service, now)}")
    click.echo(f"digest:  {_digest_line(view, config, now)}")
    due = sum(1 for h in view.feeds if h.next_due_at is None or h.next_due_at <= now)
    failing = sum(1 for h in view.feeds if h.last_error and not h.gone_since)
    gone = sum(1 for h in view.feeds if h.gone_since)
    click.echo(f"feeds:   {len(view.feeds)} ({due} due, {failing} failing, {gone} gone)")
    _print_alerts(*view.alerts)
    _print_quarantined(view.quarantined, now)
    click.echo("")
    width = min(max((len(h.name) for h in view.feeds), default=4), NAME_WIDTH)
    click.echo(f"{'FEED':<{width}}  {'STATE':<12} {'FETCHED':<9} {'NEXT':<9} {'ITEMS':>6} HITS")
    for h in view.feeds:
        state = "gone" if h.gone_since else h.last_status or "never polled"
        click.echo(
            f"{_fit(h.name, width):<{width}}  {state:<12} {ago(h.last_fetched_at, now):<9} "
            f"{until(h.next_due_at, now):<9} {h.items:>6} {h.hits}"
        )
        if h.last_error:
            click.echo(f"{'':<{width}}  error: {h.last_error} ({h.consecutive_failures}x)")


def _print_alerts(counts: dict[str, int], error: str | None) -> None:
    """Only when there were alerts: a pending or abandoned one is worth a look."""
    if not counts:
        return
    states = ("sent", "pending", "abandoned", "folded")
    parts = ", ".join(f"{counts.get(state, 0)} {state}" for state in states)
    click.echo(f"alerts:  {parts} in 7 days" + (f"; last error: {error}" if error else ""))


def _print_quarantined(pages: list[tuple[str, str, datetime]], now: datetime) -> None:
    """The pages kept with their feed's summary because they kill extraction workers."""
    if not pages:
        return
    click.echo(f"pages:   {len(pages)} quarantined (they broke an extraction worker twice; "
               "their articles keep the feed's summary)")  # fmt: skip
    for url, _reason, at in pages[:QUARANTINE_SHOWN]:
        click.echo(f"         {url} ({ago(at, now)})")
    if len(pages) > QUARANTINE_SHOWN:
        click.echo(f"         … and {len(pages) - QUARANTINE_SHOWN} more")


def _fit(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _service_line(service: ServiceState, now: datetime) -> str:
    if service.heartbeat_at is None:
        return "never run (`monitor run` starts it; or use cron with `monitor poll --due`)"
    if service.stopped_at is not None:
        return f"stopped {ago(service.stopped_at, now)}"
    since = service.started_at.strftime("%Y-%m-%d %H:%M UTC") if service.started_at else "?"
    beat = f"last cycle {ago(service.heartbeat_at, now)}"
    if now - service.heartbeat_at > HEALTHY_WITHIN:
        return f"not responding: {beat} (pid {service.pid}, since {since})"
    return f"running since {since} (pid {service.pid}), {beat}"


def _digest_line(view: _View, config: Config, now: datetime) -> str:
    settings = config.settings.digest
    upcoming = next_due(settings, now).astimezone(ZoneInfo(settings.timezone))
    parts = []
    if view.last_digest:
        last = view.last_digest
        parts.append(f"last sent {ago(last.sent_at, now)} ({last.items} items, {last.date})")
    else:
        parts.append("none sent yet")
    if view.pending:
        parts.append(f"the digest of {view.pending.date} is owed again (unconfirmed)")
    parts.append(f"next at {upcoming.strftime('%Y-%m-%d %H:%M %Z')}")
    return "; ".join(parts)


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
