"""Urgent alerts after a cycle: record what is due, deliver it, confirm each::

    store.hits | outputs.alerts.due | store.record_alerts
        | store.due_alerts | store.begin_alert | notifier.send | store.alert_sent

The promise (docs/outputs.md): a hit alerts each of its channels once. Each alert is
recorded, with its exact message, before anything is delivered, and confirmed after; an
attempt is counted before it is made, so a crash during one leaves the alert pending and
it is delivered again (the same message) when its retry is due. A failed delivery is
retried with backoff (``alerts.backoff``, doubling) up to ``alerts.max_attempts``, then
abandoned with its error. Deliveries run in a thread, each bounded by ``alerts.timeout``;
a channel that fails is not tried again in the same cycle, so a dead service costs one
timeout per cycle and never holds up polling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from monitor.config import Config
from monitor.errors import DeliveryError
from monitor.outputs.alerts import due
from monitor.outputs.notify import Notifier
from monitor.storage import Store
from monitor.types import AlertMessage, StoredAlert

log = logging.getLogger(__name__)

#: Runs one blocking delivery; in a cycle, in a thread of its own.
Deliver = Callable[[Notifier, str, AlertMessage], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class AlertReport:
    recorded: int = 0
    sent: int = 0
    failed: int = 0


async def in_thread(notifier: Notifier, channel: str, alert: AlertMessage) -> str:
    return await asyncio.to_thread(notifier.send, channel, alert)


async def send_alerts(
    config: Config, store: Store, notifier: Notifier, now: datetime,
    deliver: Deliver = in_thread,
) -> AlertReport:  # fmt: skip
    """Record the alerts the cycle's hits call for, then deliver those that are due."""
    settings = config.settings.alerts
    rules = {w.name: w.alert for w in config.watchlists if w.alert is not None}
    if not settings.enabled:
        return AlertReport()
    recorded = 0
    if rules:
        since = now - settings.since
        # Only hits matched lately: a rule added today does not alert last week's news.
        hits = [h for h in store.hits(since=since) if h.matched_at >= since]
        keys, stories = store.alerted(since - settings.since)
        titles = {w.name: w.title for w in config.watchlists}
        recorded = store.record_alerts(due(hits, rules, titles, keys, stories), now)
    sent = failed = 0
    broken: set[str] = set()
    for alert in store.due_alerts(now, settings.max_per_cycle):
        if alert.channel in broken:
            continue
        if await _deliver(store, notifier, alert, now, deliver, config):
            sent += 1
        else:
            failed += 1
            broken.add(alert.channel)
    return AlertReport(recorded, sent, failed)


async def _deliver(
    store: Store, notifier: Notifier, alert: StoredAlert, now: datetime, deliver: Deliver,
    config: Config,
) -> bool:  # fmt: skip
    settings = config.settings.alerts
    # The next try, should this one fail or never be confirmed: 1, 2, 4… times backoff.
    store.begin_alert(alert.alert_id, now + settings.backoff * 2**alert.attempts)
    message = AlertMessage(title=alert.title, body=alert.body)
    bound = settings.timeout.total_seconds() * 3  # connect, send, read
    try:
        where = await asyncio.wait_for(deliver(notifier, alert.channel, message), bound)
    except TimeoutError:
        e = DeliveryError(f"alert channel {alert.channel}: no answer in {bound:g} s")
        return _failed(store, alert, e, settings.max_attempts)
    except DeliveryError as e:
        return _failed(store, alert, e, settings.max_attempts)
    store.alert_sent(alert.alert_id, now)
    log.info("alert %d sent to %s: %s", alert.alert_id, where, alert.title)
    return True


def _failed(store: Store, alert: StoredAlert, e: DeliveryError, max_attempts: int) -> bool:
    last = alert.attempts + 1 >= max_attempts
    store.alert_failed(alert.alert_id, str(e), abandon=last)
    verdict = "abandoned" if last else "will retry"
    log.warning("alert %d: %s (attempt %d, %s)", alert.alert_id, e, alert.attempts + 1, verdict)
    return False


def trial_message(watchlist_title: str) -> AlertMessage:
    """What ``monitor alerts test`` sends."""
    return AlertMessage(
        title=f"[{watchlist_title}] Test alert from the US–Cuba news monitor",
        body="This channel will receive an alert when a hit reaches the watchlist's "
        "alert.min_score.",
    )
