"""monitor status: the service's view (running or not, last and next digest) and every
feed's, in columns that survive long names; --health for container healthchecks."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.storage import Store
from tests.support.cli import invoke
from tests.support.config import write_config
from tests.support.news import rss, story
from tests.support.server import FeedServer

LONG = "A feed with a very long name indeed, longer than any column should be"


def test_status_before_anything_ran(tmp_path: Path) -> None:
    config = write_config(tmp_path, [{"name": "Wire", "url": "https://wire.example/rss"}])
    text = invoke("--config", str(config), "status").stdout.splitlines()
    assert text[0].startswith("service: never run")
    assert text[1].startswith("digest:  none sent yet; next at ")
    assert text[2] == "feeds:   1 (1 due, 0 failing, 0 gone)"
    assert text[5].split() == ["Wire", "never", "polled", "never", "now", "0", "0"]
    health = invoke("--config", str(config), "status", "--health")
    assert health.returncode == 1


def test_columns_survive_long_names_and_states_are_counted(
    server: FeedServer, tmp_path: Path
) -> None:
    ok = server.add("/ok.xml", rss("ok", [story("a", "Cuba", "Havana.")]))
    config = write_config(tmp_path, [
        {"name": LONG, "url": ok, "fulltext": False},
        {"name": "Gone", "url": server.add("/gone.xml", status=410)},
        {"name": "Broken", "url": server.add("/broken.xml", status=500)},
    ])  # fmt: skip
    invoke("--config", str(config), "poll")
    lines = invoke("--config", str(config), "status").stdout.splitlines()
    assert lines[2] == "feeds:   3 (0 due, 1 failing, 1 gone)"
    header, first, gone = lines[4], lines[5], lines[6]
    assert first.startswith(LONG[:39] + "…  ok ")
    assert header.index("STATE") == first.index("ok ") == gone.index("gone")
    rows = {json.loads(x)["name"]: json.loads(x) for x in
            invoke("--config", str(config), "status", "--json").stdout.splitlines()}  # fmt: skip
    assert rows["Gone"]["gone_since"] is not None
    assert rows["Broken"]["due"] is False


def test_a_running_service_is_shown_and_healthy(tmp_path: Path) -> None:
    config = write_config(tmp_path, [])
    store = Store.open(tmp_path / "data" / "monitor.db")
    now = datetime.now(UTC)
    store.set_service_state(pid=4242, started_at=now - timedelta(hours=1), heartbeat_at=now)
    store.close()
    line = invoke("--config", str(config), "status").stdout.splitlines()[0]
    assert line.startswith("service: running since ")
    # 0s, or 1s when the second turns over between the heartbeat and the status
    assert re.search(r"\(pid 4242\), last cycle [01]s ago$", line), line
    assert invoke("--config", str(config), "status", "--health").returncode == 0
    store = Store.open(tmp_path / "data" / "monitor.db")
    store.set_service_state(heartbeat_at=now - timedelta(minutes=30))
    store.close()
    stale = invoke("--config", str(config), "status", "--health")
    assert (stale.returncode, stale.stderr) == (1, "unhealthy: last cycle 30m ago\n")
