"""HTTP faults, each on its own feed of one real `monitor poll`: one line each, the rest stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from tests.support.cli import monitor
from tests.support.config import write_config
from tests.support.news import rss, story
from tests.support.server import FeedServer

GOOD = [story("a", "Cuba and the United States talk", "Havana and Washington talk.")]


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("http")
    with FeedServer() as server:
        feed = rss("Good", GOOD)
        later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
        routes: dict[str, dict[str, Any]] = {
            "not found": {"status": 404},
            "gone": {"status": 410},
            "server error": {"status": 500},
            "busy seconds": {"status": 503, "headers": {"Retry-After": "3600"}},
            "busy date": {"status": 429, "headers": {"Retry-After": later}},
            "loop": {"status": 302, "headers": {"Location": "/loop"}},
            "drip": {"body": feed * 20, "drip": 10, "drip_delay": 0.2},
            "truncated": {"body": feed, "fault": "truncate"},
            "reset": {"body": feed, "fault": "reset"},
        }
        feeds = []
        for name, route in routes.items():
            path = "/loop" if name == "loop" else f"/{name.replace(' ', '-')}.xml"
            feeds.append({"name": name, "url": server.add(path, **route), "fulltext": False})
        server.add("/new-home.xml", feed)
        moved = server.add("/old-home.xml", status=301, headers={"Location": "/new-home.xml"})
        feeds.append({"name": "moved", "url": moved, "fulltext": False})
        feeds.append({"name": "good", "url": server.add("/good.xml", feed), "fulltext": False})
        config = write_config(root, feeds, {"fetch": {"timeout": "2s"}})
        started = datetime.now(UTC)
        poll = monitor("--config", str(config), "poll", "--json")
        status = monitor("--config", str(config), "status", "--json")
        preview = monitor("--config", str(config), "digest", "--preview")
        again = monitor("--config", str(config), "poll", "--json")
        yield {
            "poll": poll, "report": json.loads(poll.stdout), "started": started,
            "status": {s["name"]: s for s in map(json.loads, status.stdout.splitlines())},
            "preview": preview, "again": json.loads(again.stdout), "hits": dict(server.hits),
        }  # fmt: skip


EXPECTED = {
    "not found": "HTTP 404",
    "gone": "HTTP 410 Gone: the publisher removed this feed; remove it from feeds.yaml",
    "server error": "HTTP 500",
    "busy seconds": "HTTP 503",
    "busy date": "HTTP 429",
    "loop": "more than 5 redirects",
    "drip": "no complete answer within 2s",
}


@pytest.mark.parametrize(("feed", "error"), sorted(EXPECTED.items()))
def test_each_fault_is_one_line_on_its_feed(polled: dict[str, Any], feed: str, error: str) -> None:
    errors = {e["feed"]: e["error"] for e in polled["report"]["errors"]}
    assert errors[feed] == error
    assert polled["status"][feed]["last_error"] == error


@pytest.mark.parametrize("feed", ["truncated", "reset"])
def test_broken_connections_are_fetch_errors(polled: dict[str, Any], feed: str) -> None:
    error = {e["feed"]: e["error"] for e in polled["report"]["errors"]}[feed]
    assert error.startswith(("RemoteProtocolError", "ReadError", "ClientPayloadError",
                             "ServerDisconnectedError", "ClientOSError"))  # fmt: skip
    assert "\n" not in error


def test_the_good_and_the_moved_feed_are_stored(polled: dict[str, Any]) -> None:
    assert polled["poll"].returncode == 0
    report = polled["report"]
    # One story in each (a bare guid in two feeds is two entries).
    assert (report["ok"], report["failed"], report["new_articles"]) == (2, 9, 2)
    assert polled["status"]["moved"]["url"].endswith("/new-home.xml")
    assert polled["status"]["good"]["items"] == 1


def test_retry_after_is_honoured_in_seconds_and_as_a_date(polled: dict[str, Any]) -> None:
    # Times are stored to the second.
    started: datetime = polled["started"].replace(microsecond=0)
    seconds = datetime.fromisoformat(polled["status"]["busy seconds"]["next_due_at"])
    date = datetime.fromisoformat(polled["status"]["busy date"]["next_due_at"])
    assert seconds >= started + timedelta(hours=1)
    assert date >= started + timedelta(hours=1, minutes=55)


def test_a_gone_feed_is_marked_and_shown_and_backed_off(polled: dict[str, Any]) -> None:
    gone = polled["status"]["gone"]
    assert gone["gone_since"] is not None
    assert datetime.fromisoformat(gone["next_due_at"]) >= polled["started"] + timedelta(hours=5)
    assert "gone for" in polled["preview"].stdout  # the digest's source health
    assert "(HTTP 410)" in polled["preview"].stdout


def test_errors_are_printed_once_and_the_second_poll_waits_its_turn(
    polled: dict[str, Any],
) -> None:
    for line in polled["poll"].stderr.splitlines():
        assert "Traceback" not in line
    # A second poll right away fetches every feed again (no --due): backoff is recorded,
    # and the good feed is unchanged rather than stored twice.
    assert polled["again"]["new_articles"] == 0
    assert polled["hits"]["/old-home.xml"] == 1  # the permanent redirect was remembered
