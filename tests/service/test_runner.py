"""`monitor run` in a real process against loopback feeds: it polls, sends the digest on
time (and one missed while it was down), reloads the config (refusing a broken one), and
stops on SIGTERM at once, leaving a whole database and no process behind."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from monitor.storage import Store
from tests.reliability.test_crash import descendants, left_behind
from tests.support.cli import invoke
from tests.support.config import RELATIONS, write_config
from tests.support.news import Story, page, rss, story
from tests.support.server import FeedServer

ENERGY = """title: Energy
groups:
  oil: [petróleo, crudo, oil]
  cuba: [Cuba, La Habana, Havana]
match: {all: [oil, cuba]}
"""


def wait_for(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


class Site:
    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.stories: list[Story] = []
        self.version = 0

    def publish(self, *stories: Story) -> None:
        self.stories += stories
        self.version += 1
        for s in stories:
            self.server.add(f"/articles/{s.slug}.html", page(s), content_type="text/html")
        self.server.add("/feed.xml", rss("Site", self.stories), etag=f'"{self.version}"')


class Running:
    def __init__(self, config: Path, log: Path) -> None:
        self.config, self.log = config, log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "run",
             "--log-format", "json", "--log-file", str(log)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip

    def events(self) -> list[dict[str, object]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def stop(self) -> tuple[int, float, bytes]:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        _out, err = self.process.communicate(timeout=30)
        return self.process.returncode, time.monotonic() - started, err


def db_rows(config: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(config.parent / "data" / "monitor.db") as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def site(server: FeedServer) -> Site:
    site = Site(server)
    site.publish(story("a", "Cuba and the United States talk", "Havana and Washington talk."))
    return site


def config_for(tmp_path: Path, site: Site, digest_in: float | None = None) -> Path:
    zone = ZoneInfo("America/New_York")
    at = (datetime.now(zone) + timedelta(seconds=digest_in or 3600)).strftime("%H:%M:%S")
    return write_config(
        tmp_path,
        [{"name": "Site", "url": site.server.url("/feed.xml")}],
        {"poll": {"interval": "2s", "jitter": "0s"}, "digest": {"time": at}},
        {"relations": RELATIONS},
    )


@pytest.fixture
def running(tmp_path: Path, site: Site) -> Iterator[Running]:
    service = Running(config_for(tmp_path, site, digest_in=6), tmp_path / "service.log")
    yield service
    if service.process.poll() is None:
        service.process.kill()
        service.process.communicate()


def test_polls_digests_reloads_and_stops(running: Running, site: Site, tmp_path: Path) -> None:
    config = running.config
    # It polls at start, then again on its cadence (the feed answers 304).
    assert wait_for(lambda: site.server.hits["/feed.xml"] >= 3), running.events()
    feeds = [e for e in running.events() if e.get("event") == "feed"]
    assert [f["status"] for f in feeds[:2]] == ["ok", "not_modified"]
    # The digest fires at digest.time, into data/digests/.
    digests = tmp_path / "data" / "digests"
    assert wait_for(lambda: any(digests.glob("*.eml"))), running.events()
    # The event is logged once the file is in place: wait for it too.
    assert wait_for(lambda: any(e.get("event") == "digest" for e in running.events()))
    digest = next(e for e in running.events() if e.get("event") == "digest")
    assert digest["items"] == 1
    # A new watchlist applies from the next cycle.
    (config / "watchlists" / "energy.yaml").write_text(ENERGY)
    assert wait_for(lambda: any(e.get("event") == "reload" for e in running.events()))
    site.publish(story("b", "Tankers with crude turn back from Cuba", "La Habana sin petróleo."))
    assert wait_for(lambda: db_rows(config, "SELECT count(*) FROM hits WHERE watchlist = 'energy'")
                    == [(1,)])  # fmt: skip
    # A broken config is refused, with its file and line; the last good one runs on.
    (config / "monitor.yaml").write_text("poll:\n  interval: 2s\n  intervl: 5s\n")
    assert wait_for(lambda: any(e.get("status") == "refused" for e in running.events()))
    refused = [e for e in running.events() if e.get("event") == "config"]
    assert refused[0]["file"] == str(config / "monitor.yaml")
    assert refused[0]["line"] == 3
    polled = site.server.hits["/feed.xml"]
    assert wait_for(lambda: site.server.hits["/feed.xml"] > polled)  # still polling
    assert invoke("--config", str(config), "status", "--health").returncode == 0
    # SIGTERM: exit 0, at once, nothing left running, the database whole.
    children = descendants(running.process.pid)
    code, seconds, err = running.stop()
    assert (code, b"Traceback" in err) == (0, False)
    assert seconds < 10
    assert left_behind(children) == set()
    assert db_rows(config, "PRAGMA integrity_check") == [("ok",)]
    unhealthy = invoke("--config", str(config), "status", "--health")
    assert (unhealthy.returncode, unhealthy.stderr) == (
        1,
        "unhealthy: the service is not running\n",
    )


def test_a_digest_missed_while_down_is_sent_once_at_start(site: Site, tmp_path: Path) -> None:
    config = config_for(tmp_path, site)
    assert invoke("--config", str(config), "poll").returncode == 0
    store = Store.open(tmp_path / "data" / "monitor.db")
    store.set_service_state(digest_handled_for=datetime.now(UTC) - timedelta(days=2))
    store.close()
    service = Running(config, tmp_path / "service.log")
    try:
        digests = tmp_path / "data" / "digests"
        assert wait_for(lambda: any(digests.glob("*.eml"))), service.events()
        time.sleep(2.5)  # a poll cycle later, still one digest
        assert len(list(digests.glob("*.eml"))) == 1
    finally:
        assert service.stop()[0] == 0
    # Restarted now, nothing is owed: no second digest.
    again = Running(config, tmp_path / "again.log")
    try:
        assert wait_for(lambda: any(e.get("event") == "cycle" for e in again.events()))
        assert len(list(digests.glob("*.eml"))) == 1
    finally:
        assert again.stop()[0] == 0


def test_a_digest_the_machine_slept_through_is_sent_at_the_next_tick(
    site: Site, tmp_path: Path
) -> None:
    # A machine asleep at digest.time wakes to a scheduler that drops a run more than an
    # hour late: what it leaves is a due time not handled, as set here.
    config = config_for(tmp_path, site)  # the digest is an hour away
    service = Running(config, tmp_path / "service.log")
    digests = tmp_path / "data" / "digests"
    try:
        assert wait_for(lambda: any(e.get("event") == "cycle" for e in service.events()))
        assert not any(digests.glob("*.eml"))
        store = Store.open(tmp_path / "data" / "monitor.db")
        store.set_service_state(digest_handled_for=datetime.now(UTC) - timedelta(days=2))
        store.close()
        assert wait_for(lambda: any(digests.glob("*.eml"))), service.events()
        time.sleep(2.5)  # a tick later, still one digest
        assert len(list(digests.glob("*.eml"))) == 1
        assert [e["catch_up"] for e in service.events() if "catch_up" in e] == [True]
    finally:
        assert service.stop()[0] == 0


def test_the_log_file_follows_logrotate(site: Site, tmp_path: Path) -> None:
    # logrotate renames the log and expects the service to write a new one. Before, the
    # service went on writing into the renamed file, then into a deleted one.
    log = tmp_path / "service.log"
    service = Running(config_for(tmp_path, site), log)
    try:
        assert wait_for(lambda: any(e.get("event") == "cycle" for e in service.events()))
        log.rename(tmp_path / "service.log.1")
        assert wait_for(lambda: any(e.get("event") == "feed" for e in service.events()))
    finally:
        assert service.stop()[0] == 0
    assert any(e.get("event") == "stop" for e in service.events())


def test_a_log_file_under_a_tilde_is_in_the_home_folder(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # systemd does not expand "~" in ExecStart: the monitor does, as for its other paths.
    monkeypatch.setenv("HOME", str(tmp_path))
    config = config_for(tmp_path, site)
    result = invoke("--config", str(config), "run", "--log-file", "~/no/such.log")
    assert result.stderr == (
        f"monitor: cannot write the log to {tmp_path}/no/such.log: No such file or directory\n"
    )


def test_a_log_file_that_cannot_be_written_is_one_line(site: Site, tmp_path: Path) -> None:
    config = config_for(tmp_path, site)
    result = invoke("--config", str(config), "run", "--log-file", str(tmp_path / "no/such.log"))
    assert (result.returncode, result.stderr) == (
        1,
        f"monitor: cannot write the log to {tmp_path / 'no/such.log'}: No such file or directory\n",
    )


def test_a_broken_config_at_start_is_one_line(tmp_path: Path, site: Site) -> None:
    config = config_for(tmp_path, site)
    (config / "monitor.yaml").write_text("digest: {time: '25:00'}\n")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "run"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith(f"monitor: {config}/monitor.yaml:1: digest.time: ")
    assert "Traceback" not in result.stderr


def test_a_watchlist_left_out_at_start_is_named_in_the_log(tmp_path: Path, site: Site) -> None:
    config = config_for(tmp_path, site)
    (config / "watchlists" / "broken.yaml").write_text("groups: {a: [x]}\nmatch: {all: [b]}\n")
    service = Running(config, tmp_path / "service.log")
    try:
        assert wait_for(lambda: any(e.get("status") == "left out" for e in service.events()))
        assert wait_for(lambda: bool(db_rows(config, "SELECT 1 FROM hits")))
    finally:
        code, _, _ = service.stop()
    events = service.events()
    left = [e for e in events if e.get("status") == "left out"]
    assert [e["watchlist"] for e in left] == ["broken"]
    assert any(str(e.get("file")).endswith("broken.yaml") and e.get("line") == 2 for e in events)
    assert code == 0


def test_sighup_reloads_the_config_and_keeps_running(tmp_path: Path, site: Site) -> None:
    service = Running(config_for(tmp_path, site), tmp_path / "service.log")
    try:
        assert wait_for(lambda: site.server.hits["/feed.xml"] >= 1), service.events()
        # A new watchlist, then SIGHUP at once: loaded now, not at the next file check.
        (service.config / "watchlists" / "energy.yaml").write_text(ENERGY)
        service.process.send_signal(signal.SIGHUP)
        assert wait_for(lambda: any(e.get("signal") == "SIGHUP" for e in service.events()))
        assert wait_for(lambda: any(e.get("event") == "reload" and e.get("status") == "ok"
                                    for e in service.events()))  # fmt: skip
        # A broken file on SIGHUP is refused as the watcher refuses it; it runs on.
        (service.config / "monitor.yaml").write_text("poll:\n  interval: 2s\n  intervl: 5s\n")
        service.process.send_signal(signal.SIGHUP)
        assert wait_for(lambda: any(e.get("status") == "refused" for e in service.events()))
        polled = site.server.hits["/feed.xml"]
        assert wait_for(lambda: site.server.hits["/feed.xml"] > polled)
        assert service.process.poll() is None
        code, _seconds, err = service.stop()
        assert code == 0
        assert b"leaked semaphore" not in err
        assert b"Traceback" not in err
    finally:
        if service.process.poll() is None:
            service.process.kill()
            service.process.communicate()
