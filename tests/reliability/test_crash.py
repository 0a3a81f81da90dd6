"""SIGKILL at points of a poll cycle and of a digest send drawn from a seed, then restart:
the database is whole, every entry is stored once, no hit is lost or sent in two digests,
and no process is left behind. SIGTERM stops cleanly."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.matching.matcher import Matcher
from tests.reliability.test_mail import Server, smtp
from tests.support.config import RELATIONS, write_config
from tests.support.news import page, rss, story
from tests.support.server import FeedServer

SEED = 20261201
FEEDS, ENTRIES = 6, 8


def title(feed: int, entry: int) -> str:
    """Words no other story shares, so no two stories read as one (stories.grouping)."""
    rng = random.Random(feed * 100 + entry)
    return " ".join("".join(rng.choice("bcdfghjklmnpqrstvz") + rng.choice("aeiou") for _ in range(3))
                    for _ in range(3))  # fmt: skip


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, grandchildren), read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    found, stack = set(), [pid]
    while stack:
        for child in parents.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def left_behind(pids: set[int], wait: float = 5.0) -> set[int]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not {p for p in pids if alive(p)}:
            return set()
        time.sleep(0.05)
    return {p for p in pids if alive(p)}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[FeedServer, Path]]:
    with FeedServer() as server:
        feeds = []
        for f in range(FEEDS):
            stories = [
                story(f"f{f}-{e}", f"Cuba and the United States discuss {title(f, e)}",
                      f"Havana and Washington discussed {title(f, e)}.")
                for e in range(ENTRIES)
            ]  # fmt: skip
            for s in stories:
                server.add(f"/{f}/articles/{s.slug}.html", page(s), content_type="text/html",
                           delay=0.05)  # fmt: skip
            feeds.append(
                {
                    "name": f"feed {f}",
                    "url": server.add(f"/{f}.xml", rss(f"F{f}", stories, f"/{f}/articles/")),
                }
            )
        yield (
            server,
            write_config(tmp_path, feeds, {"extract": {"workers": 2}}, {"relations": RELATIONS}),
        )


def start(config: Path, *command: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), *command],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def kill_at(process: subprocess.Popen[bytes], delay: float) -> set[int]:
    """SIGKILL ``process`` after ``delay`` seconds; the processes it had started then."""
    deadline = time.monotonic() + delay
    seen: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        seen |= descendants(process.pid)
        time.sleep(0.02)
    seen |= descendants(process.pid)
    process.kill()
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired as e:
        # Only a survivor holding the killed process's stderr can keep it open this long.
        survivors = sorted(p for p in seen if alive(p))
        raise AssertionError(f"killed after {delay:.2f}s; still running: {survivors}") from e
    return seen


def check_database(config: Path) -> None:
    loaded = load_config(config)
    db = sqlite3.connect(loaded.database)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    keys = [k for (k,) in db.execute("SELECT key FROM articles")]
    assert len(keys) == len(set(keys)) == FEEDS * ENTRIES  # every entry, once
    # No hit lost: the stored hits are exactly what the watchlists say of the stored text.
    matcher = Matcher(loaded.watchlists)
    expected = {
        (article_id, h.watchlist)
        for article_id, title, text in db.execute("SELECT id, title, text FROM articles")
        for h in matcher.match(title, text)
    }
    stored = set(db.execute("SELECT article_id, watchlist FROM hits"))
    assert stored == expected


def test_sigkill_anywhere_in_a_poll_cycle(site: tuple[FeedServer, Path]) -> None:
    _server, config = site
    rng = random.Random(SEED)
    for _round in range(6):
        process = start(config, "poll")
        seen = kill_at(process, rng.uniform(0.3, 3.0))
        assert left_behind(seen) == set(), "processes outlived a killed poll"
    final = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "poll"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert final.returncode == 0, final.stderr
    check_database(config)


def test_sigkill_anywhere_in_a_digest_send(site: tuple[FeedServer, Path]) -> None:
    _server, config = site
    assert subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), "poll"], capture_output=True,
        timeout=120,
    ).returncode == 0  # fmt: skip
    rng = random.Random(SEED)
    server = Server()
    with smtp(server) as port:
        smtp_config = (config / "monitor.yaml").read_text().replace(
            '"extract"', f'"email": {{"transport": "smtp", "smtp": {{"host": "127.0.0.1", '
            f'"port": {port}, "timeout": "5s"}}, "to": []}}, "extract"', 1
        ).replace(', "to": []', "")  # fmt: skip
        (config / "monitor.yaml").write_text(smtp_config)
        for _round in range(8):
            kill_at(start(config, "digest"), rng.uniform(0.05, 1.2))
        final = subprocess.run(
            [sys.executable, "-m", "monitor", "--config", str(config), "digest"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert final.returncode == 0, final.stderr
    db = sqlite3.connect(load_config(config).database)
    assert db.execute("SELECT count(*) FROM hits WHERE digest_id IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM digests WHERE sent_at IS NULL").fetchone()[0] == 0
    # No hit in two different digests: each title reached the inbox under one Message-ID.
    ids_by_title: dict[str, set[str]] = {}
    for message in server.messages:
        text = _plain(message)
        for (title,) in db.execute("SELECT title FROM articles"):
            if title in text:
                ids_by_title.setdefault(title, set()).add(str(message["Message-ID"]))
    assert len(ids_by_title) == FEEDS * ENTRIES
    assert {len(ids) for ids in ids_by_title.values()} == {1}


def _plain(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body is not None else ""


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_a_signal_stops_a_poll_cleanly(site: tuple[FeedServer, Path], how: str) -> None:
    _server, config = site
    process = start(config, "poll")
    deadline = time.monotonic() + 20
    while len(descendants(process.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the forkserver and two workers are up
    seen = descendants(process.pid)
    time.sleep(0.5)
    process.send_signal(getattr(signal, how))
    _out, err = process.communicate(timeout=10)
    assert process.returncode == {"SIGTERM": 143, "SIGINT": 130}[how]
    assert err.decode().strip().splitlines()[-1].startswith("monitor: ")
    assert b"Traceback" not in err
    assert left_behind(seen) == set()
    db = sqlite3.connect(load_config(config).database)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
