"""Urgent alerts through real poll cycles on loopback: Apprise's json:// posts to a real
webhook receiver on 127.0.0.1, once per (story, channel), retried when it fails."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.config import load_config
from monitor.errors import DeliveryError
from monitor.ingest.extract import ExtractorPool
from monitor.ingest.fetch import Fetcher
from monitor.jobs import poll as poll_job
from monitor.jobs.alerts import send_alerts
from monitor.jobs.poll import Poller
from monitor.matching.matcher import Matcher
from monitor.matching.model import AlertRule
from monitor.outputs.alerts import due
from monitor.outputs.notify import AppriseNotifier, Notifier
from monitor.storage import Store
from monitor.types import AlertMessage, RunReport, StoredHit
from tests.support.cli import invoke, poll_once
from tests.support.config import RELATIONS, site_config
from tests.support.digests import stored
from tests.support.hook import Hook
from tests.support.news import story
from tests.support.server import FeedServer

OIL = story("oil", "US cuts oil shipments to Cuba", "Washington moved to halt crude to Havana.")
STORIES = [
    OIL,
    # The same text under another headline: one story, so one alert.
    replace(OIL, slug="oil-copy", title="Washington halts the crude bound for Havana"),
    story("talks", "Cuba offers dialogue to the United States", "Havana is ready to talk."),
    story("rain", "Rain in Madrid", "It rained all day in the Spanish capital."),
]
ALERTING = RELATIONS + "alert:\n  min_score: 1\n  to: [MONITOR_TEST_HOOK]\n"
CHANNEL = "MONITOR_TEST_HOOK"


def _config(server: FeedServer, tmp_path: Path, **alerts: Any) -> Path:
    config = site_config(server, tmp_path, STORIES, {"relations": ALERTING})
    settings = config / "monitor.yaml"
    data = json.loads(settings.read_text())
    data["alerts"] = {"backoff": "1ms", **alerts}
    settings.write_text(json.dumps(data))
    return config


def _alerts(config: Path) -> list[dict[str, Any]]:
    result = invoke("--config", str(config), "alerts", "list", "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_each_story_alerts_its_channel_once(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(server, tmp_path)
    with Hook() as hook:
        monkeypatch.setenv(CHANNEL, hook.url())
        report = poll_once(config)
        assert (report["new_articles"], report["hits"]) == (4, 3)
        titles = sorted(m["title"] for m in hook.received)
        assert titles == [
            "[Relations] Cuba offers dialogue to the United States",
            "[Relations] US cuts oil shipments to Cuba",
        ]
        oil = next(m for m in hook.received if "oil" in m["title"])
        assert oil["message"].startswith("Why: ")
        assert server.url("/articles/oil.html") in oil["message"]
        # Another cycle, and another: nothing is sent twice.
        poll_once(config)
        poll_once(config)
        assert len(hook.received) == 2
    states = sorted(a["state"] for a in _alerts(config))
    assert states == ["folded", "sent", "sent"]  # the copy is recorded, never sent


def test_a_failing_channel_is_retried_and_never_holds_up_polling(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(server, tmp_path)
    with Hook(statuses=(500,)) as hook:
        monkeypatch.setenv(CHANNEL, hook.url())
        report = poll_once(config)
        # The cycle's work is whole; the channel failed once and was left for this cycle.
        assert (report["new_articles"], report["hits"], report["failed"]) == (4, 3, 0)
        assert hook.received == []
        pending = [a for a in _alerts(config) if a["state"] == "pending"]
        assert len(pending) == 2
        assert any(a["attempts"] == 1 and "500" in (a["error"] or "") for a in pending)
        poll_once(config)  # the backoff (1 ms) is over: both go out
        assert len(hook.received) == 2
        poll_once(config)
        assert len(hook.received) == 2


def test_a_dead_channel_is_abandoned_after_its_attempts(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(server, tmp_path, max_attempts=2, timeout="2s")
    with Hook() as hook:
        dead = hook.url()
    monkeypatch.setenv(CHANNEL, dead)  # its receiver is gone: connection refused
    for _ in range(4):
        assert poll_once(config)["failed"] == 0
    found = _alerts(config)
    assert sorted(a["state"] for a in found) == ["abandoned", "abandoned", "folded"]
    assert all(a["attempts"] == 2 for a in found if a["state"] == "abandoned")
    # `monitor status` says so, with the reason.
    status = invoke("--config", str(config), "status")
    line = next(x for x in status.stdout.splitlines() if x.startswith("alerts:"))
    assert line.startswith("alerts:  0 sent, 0 pending, 2 abandoned, 1 folded in 7 days")
    assert f"last error: alert channel {CHANNEL}" in line


class _Killed(BaseException):
    """The process ending mid-delivery: nothing after it runs."""


class _Crashing:
    """Delivers, then dies before the delivery is confirmed (the monitor killed)."""

    def __init__(self) -> None:
        self.sent: list[AlertMessage] = []

    async def __call__(self, notifier: Notifier, channel: str, alert: AlertMessage) -> str:
        self.sent.append(alert)
        raise _Killed


def test_an_unconfirmed_alert_is_delivered_again_as_the_same_message(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = _config(server, tmp_path, enabled=False, backoff="1m")
    poll_once(config_dir)  # stores the hits; alerts are off
    config = load_config(config_dir)
    settings = config.settings.model_copy(
        update={"alerts": config.settings.alerts.model_copy(update={"enabled": True})}
    )
    config = replace(config, settings=settings)
    now = datetime.now(UTC)
    with Hook() as hook:
        monkeypatch.setenv(CHANNEL, hook.url())
        store = Store.open(config.database)
        try:
            crash = _Crashing()
            with pytest.raises(_Killed):
                asyncio.run(send_alerts(config, store, AppriseNotifier(2), now, deliver=crash))
            # The other alert goes; the one killed mid-delivery is not due again yet: its
            # attempt was counted before it was made.
            report = asyncio.run(send_alerts(config, store, AppriseNotifier(2), now))
            assert (report.sent, len(hook.received)) == (1, 1)
            assert hook.received[0]["title"] != crash.sent[0].title
            later = now + timedelta(minutes=1)
            report = asyncio.run(send_alerts(config, store, AppriseNotifier(2), later))
        finally:
            store.close()
        assert (report.sent, len(hook.received)) == (1, 2)
        first = crash.sent[0]
        again = next(m for m in hook.received if m["title"] == first.title)
        assert again["message"] == first.body


def test_alerts_test_sends_to_every_channel_and_names_a_broken_one(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(server, tmp_path)
    with Hook() as hook:
        monkeypatch.setenv(CHANNEL, hook.url())
        result = invoke("--config", str(config), "alerts", "test", "relations")
        assert result.returncode == 0, result.stderr
        assert f"sent a test alert to {CHANNEL}" in result.stdout
        assert hook.received[0]["title"].startswith("[Relations] Test alert")
    monkeypatch.delenv(CHANNEL)
    result = invoke("--config", str(config), "alerts", "test", "relations")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"monitor: alert channel {CHANNEL}: the environment variable is not set"
    )
    result = invoke("--config", str(config), "alerts", "test", "nope")
    assert (result.returncode, result.stderr.count("\n")) == (1, 1)


def test_an_unknown_scheme_is_a_delivery_error() -> None:
    with pytest.raises(DeliveryError, match="not an Apprise URL"):
        AppriseNotifier(1).send("nosuchservice://x", AlertMessage(title="t", body="b"))


def test_due_takes_the_score_floor_and_folds_a_story_per_channel() -> None:
    rule = AlertRule(min_score=5, to=("A", "B"))

    def hit(article: int, story: int, score: float, hours_ago: float) -> StoredHit:
        built = stored("Cuba and the United States", watchlist="w", score=score,
                       article_id=article, hours_ago=hours_ago)  # fmt: skip
        return replace(built, story_id=story)

    hits = [
        hit(2, 1, 9, hours_ago=1),  # a later report of story 1, listed first
        hit(1, 1, 6, hours_ago=2),
        hit(3, 3, 4, hours_ago=1),  # under the floor
    ]
    # Story 1 alerted channel B in an earlier cycle.
    found = due(hits, {"w": rule}, {"w": "W"}, recorded={(1, "w", "B")}, alerted_stories={(1, "B")})
    assert [(a.article_id, a.channel, a.state) for a in found] == [
        (1, "A", "pending"),  # the first report is the one delivered
        (2, "A", "folded"),
        (2, "B", "folded"),
    ]
    assert found[0].message.title == "[W] Cuba and the United States"
    assert "score 6" in found[0].message.body


class _Broken:
    """A channel adapter with a bug: it raises what no delivery error is."""

    def send(self, channel: str, alert: AlertMessage) -> str:
        raise RuntimeError("a bug in a channel")


def test_a_bug_in_alerting_never_fails_the_cycle_and_the_alert_waits(
    server: FeedServer, tmp_path: Path
) -> None:
    config = load_config(_config(server, tmp_path))

    async def cycle() -> RunReport:
        store = Store.open(config.database)
        try:
            async with Fetcher(config.settings.fetch) as fetcher, ExtractorPool(1, 30) as pool:
                matcher = Matcher(config.watchlists, config.shared_exclusions)
                poller = Poller(config, store, fetcher, pool, matcher, notifier=_Broken())
                return await poller.run()
        finally:
            store.close()

    report = asyncio.run(cycle())
    assert (report.count("failed"), sum(o.hits for o in report.outcomes)) == (0, 3)
    pending = [a for a in _alerts(config.directory) if a["state"] == "pending"]
    assert len(pending) == 2  # recorded, tried once, due again at the next cycle


class _Recording:
    """A channel that takes every alert."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, channel: str, alert: AlertMessage) -> str:
        self.sent.append(alert.title)
        return channel


def test_a_bug_in_writing_the_atom_feeds_keeps_no_alert_back(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(_config(server, tmp_path))

    def broken(*args: Any, **kwargs: Any) -> list[Path]:
        raise ValueError("a bug in the Atom writer")

    monkeypatch.setattr(poll_job, "publish", broken)
    channel = _Recording()

    async def cycle() -> RunReport:
        store = Store.open(config.database)
        try:
            async with Fetcher(config.settings.fetch) as fetcher, ExtractorPool(1, 30) as pool:
                matcher = Matcher(config.watchlists, config.shared_exclusions)
                poller = Poller(config, store, fetcher, pool, matcher, notifier=channel)
                return await poller.run()
        finally:
            store.close()

    report = asyncio.run(cycle())
    assert (report.count("failed"), sum(o.hits for o in report.outcomes)) == (0, 3)
    assert len(channel.sent) == 2
    states = [a["state"] for a in _alerts(config.directory)]
    assert states.count("sent") == 2
    assert "pending" not in states
