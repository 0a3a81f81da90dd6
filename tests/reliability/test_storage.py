"""The database under faults: locked by another process, a full disk, a read-only disk, a
damaged file. One clear line, no traceback, nothing stored lost, nothing corrupted."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import StorageError
from monitor.storage import Store
from monitor.types import Feed
from tests.support.cli import monitor
from tests.support.config import RELATIONS, write_config
from tests.support.disks import file_size_limit, read_only, tmpfs
from tests.support.news import Story, rss
from tests.support.server import FeedServer

FILLER = "Havana and Washington exchanged messages about fuel, flights and remittances. " * 40


def stories(prefix: str, n: int) -> list[Story]:
    return [
        Story(f"{prefix}{i}", f"Cuba story {prefix}{i}", (FILLER,), summary=FILLER)
        for i in range(n)
    ]


def big_site(server: FeedServer, root: Path, feeds: int, entries: int, **settings: Any) -> Path:
    config_feeds = [
        {"name": f"feed {f}", "url": server.add(f"/f{f}.xml", rss(f"F{f}", stories(f"f{f}-", entries))),
         "fulltext": False}
        for f in range(feeds)
    ]  # fmt: skip
    return write_config(root, config_feeds, settings, {"relations": RELATIONS})


def one_clean_line(result: subprocess.CompletedProcess[str], starts: str) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert "Task exception was never retrieved" not in result.stderr
    (line,) = [x for x in lines if x.startswith("monitor: ")]
    assert line.startswith(starts), line
    return line


def integrity(db: Path) -> str:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def test_a_lock_held_by_another_process_is_waited_for(server: FeedServer, tmp_path: Path) -> None:
    config = big_site(server, tmp_path, 1, 3)
    db = tmp_path / "data" / "monitor.db"
    assert monitor("--config", str(config), "poll").returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1],"
         " isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('locked', flush=True);"
         " time.sleep(2); c.execute('COMMIT')", str(db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    result = monitor("--config", str(config), "poll", "--json")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 1.5  # it waited for the lock instead of failing
    holder.communicate(timeout=10)


def test_a_lock_held_too_long_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    Store.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    store = Store.open(path, timeout=0.2)
    try:
        with pytest.raises(StorageError, match="stayed locked by another process"):
            store.sync_feeds(
                [Feed(name="x", url="https://x.example/rss")],
                __import__("datetime").datetime.now(__import__("datetime").UTC),
            )
    finally:
        store.close()
        holder.execute("ROLLBACK")
        holder.close()


def test_a_full_disk_is_one_line_and_loses_nothing(server: FeedServer, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "1m") as mounted:
        db = disk / "monitor.db"
        config = big_site(server, tmp_path, 8, 30)
        limit = None if mounted else file_size_limit(1_000_000)
        command = [sys.executable, "-m", "monitor", "--config", str(config), "--db", str(db)]
        results = [
            subprocess.run(
                [*command, "poll"], capture_output=True, text=True, timeout=120, preexec_fn=limit
            )
            for _ in range(2)
        ]
        for result in results:
            line = one_clean_line(result, f"monitor: cannot write to the database {db}: ")
            assert "the disk is full" in line or "disk I/O error" in line
        assert integrity(db) == "ok"
        with sqlite3.connect(db) as conn:
            per_feed = dict(conn.execute(
                "SELECT f.name, count(a.id) FROM feeds f LEFT JOIN articles a ON a.feed_id = f.id"
                " GROUP BY f.id"
            ).fetchall())  # fmt: skip
        # Each feed's update is one transaction: all of its entries, or none of them.
        assert set(per_feed.values()) <= {0, 30}
        assert sum(per_feed.values()) > 0


def test_a_digest_that_cannot_be_written_leaves_no_temporary_file(
    server: FeedServer, tmp_path: Path
) -> None:
    folder = tmp_path / "digests"
    with tmpfs(folder, "16k") as mounted:
        config = big_site(server, tmp_path, 1, 60, email={"directory": str(folder)})
        assert monitor("--config", str(config), "poll").returncode == 0
        result = subprocess.run(
            [sys.executable, "-m", "monitor", "--config", str(config), "digest"],
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=None if mounted else file_size_limit(16_000),
        )
        one_clean_line(result, f"monitor: cannot write the digest to {folder}: ")
        assert [p.name for p in folder.iterdir()] in ([], ["lost+found"])
    with sqlite3.connect(tmp_path / "data" / "monitor.db") as conn:
        unsent = conn.execute("SELECT count(*) FROM hits WHERE digest_id IS NULL").fetchone()[0]
    assert unsent == 60  # the hits wait for the next digest


def test_read_only_commands_work_on_a_read_only_disk(server: FeedServer, tmp_path: Path) -> None:
    disk = tmp_path / "ro"
    with tmpfs(disk, "20m") as mounted:
        if not mounted:
            disk.mkdir(exist_ok=True)
        config = big_site(server, tmp_path, 1, 3)
        db = ["--config", str(config), "--db", str(disk / "monitor.db")]
        assert monitor(*db, "poll").returncode == 0
        read_only(disk)
        status = monitor(*db, "status", "--json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["items"] == 3
        hits = monitor(*db, "hits", "--json")
        assert (hits.returncode, len(hits.stdout.splitlines())) == (0, 3)
        search = monitor(*db, "search", "remittances", "--json")
        assert (search.returncode, len(search.stdout.splitlines())) == (0, 3)
        poll = monitor(*db, "poll")
        one_clean_line(poll, f"monitor: cannot open database {disk / 'monitor.db'}: ")


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_file_is_a_clear_error_and_is_left_as_it_is(
    server: FeedServer, tmp_path: Path, damage: str
) -> None:
    config = big_site(server, tmp_path, 1, 40)
    db = tmp_path / "data" / "monitor.db"
    assert monitor("--config", str(config), "poll").returncode == 0
    data = db.read_bytes()
    broken = b"not a database, just bytes " * 200 if damage == "garbage" else data[: len(data) // 3]
    db.write_bytes(broken)
    for command in (("poll",), ("status",), ("hits",)):
        result = monitor("--config", str(config), *command)
        if result.returncode == 0:
            continue  # a read that never touches the damaged pages may still work
        line = one_clean_line(result, "monitor: ")
        assert "not a SQLite database" in line or "damaged" in line, line
    assert db.read_bytes() == broken  # nothing rewrote or "repaired" the user's file
