"""Extraction workers that die, through a real `monitor poll`: a worker killed from
outside at points drawn from a seed loses no page; a page that kills its worker every
time is quarantined while every other entry is stored with its page's text; a feed that
kills the worker parsing it fails alone, and is read once it is mended.

The page (or feed) that kills its worker is planted with a test build of the extractor:
a ``sitecustomize`` on the child's PYTHONPATH wraps trafilatura (or feedparser) so that
a document carrying the marker ends its process, as a crash in a C extension would."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.test_crash import descendants
from tests.support.cli import monitor
from tests.support.config import RELATIONS, write_config
from tests.support.news import page, rss, story
from tests.support.server import FeedServer

SEED = 20261203
FEEDS, ENTRIES = 6, 10
MARKER = "crash-this-extraction-worker"
SITECUSTOMIZE = f'''
import os
import trafilatura

_extract = trafilatura.bare_extraction

def _crashing(html, *args, **kwargs):
    if b"{MARKER}" in (html if isinstance(html, bytes) else html.encode()):
        os._exit(70)
    return _extract(html, *args, **kwargs)

trafilatura.bare_extraction = _crashing

import feedparser

_parse = feedparser.parse

def _crashing_parse(body, *args, **kwargs):
    if b"{MARKER}" in body:
        os._exit(70)
    return _parse(body, *args, **kwargs)

feedparser.parse = _crashing_parse
'''


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[FeedServer, Path]]:
    with FeedServer() as server:
        feeds = []
        for f in range(FEEDS):
            stories = [
                story(f"f{f}-{e}", f"Cuba and the United States: report {f}-{e}",
                      f"Havana and Washington, report {f}-{e}.")
                for e in range(ENTRIES)
            ]  # fmt: skip
            for s in stories:
                server.add(f"/{f}/articles/{s.slug}.html", page(s), content_type="text/html",
                           delay=0.03)  # fmt: skip
            feeds.append(
                {"name": f"feed {f}", "url": server.add(f"/{f}.xml", rss(f"F{f}", stories,
                                                                        f"/{f}/articles/"))}
            )  # fmt: skip
        yield (
            server,
            write_config(tmp_path, feeds, {"extract": {"workers": 2}}, {"relations": RELATIONS}),
        )


def plant_crash(server: FeedServer, path: str) -> None:
    route = server.routes[path]
    route.body = route.body.replace(b"</article>", f"<p>{MARKER}</p></article>".encode())


def crashing_build(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return {"PYTHONPATH": os.pathsep.join([str(tmp_path / "build"), *sys.path])}


def rows(config: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(config.parent / "data" / "monitor.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_a_page_that_kills_its_worker_is_quarantined(
    site: tuple[FeedServer, Path], tmp_path: Path
) -> None:
    server, config = site
    killer = "/2/articles/f2-3.html"
    plant_crash(server, killer)
    env = crashing_build(tmp_path)
    first = monitor("--config", str(config), "poll", "--json", env=env)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["ok"], report["failed"]) == (FEEDS, 0)
    sources = {str(u): str(s) for u, s in rows(config, "SELECT url, text_source FROM articles")}
    assert len(sources) == FEEDS * ENTRIES
    killer_url = server.url(killer)
    assert sources.pop(killer_url) == "summary"
    assert set(sources.values()) == {"page"}  # every other entry has its page's text
    assert [u for (u,) in rows(config, "SELECT url FROM quarantined_pages")] == [killer_url]
    [(article_id, why)] = rows(
        config, f"SELECT id, page_error FROM articles WHERE url = '{killer_url}'"
    )
    assert "quarantined" in str(why)

    explained = monitor("--config", str(config), "explain", str(article_id))
    assert "page: quarantined" in explained.stdout
    status = monitor("--config", str(config), "status")
    assert "pages:   1 quarantined" in status.stdout
    assert killer_url in status.stdout

    # Never extracted again: not retried, and not fetched when another entry links to it.
    fetched = server.hits[killer]
    assert fetched <= 2  # once in the shared pool, once alone (each fetch is one try)
    feed = server.routes["/0.xml"]
    feed.body = feed.body.replace(
        b"<item>", f"<item><title>Cuba and the United States again</title>"
        f"<link>{killer_url}</link><guid>again</guid></item><item>".encode(), 1
    )  # fmt: skip
    second = monitor("--config", str(config), "poll", env=env)
    assert second.returncode == 0, second.stderr
    assert server.hits[killer] == fetched
    assert rows(config, "SELECT count(*) FROM articles")[0][0] == FEEDS * ENTRIES + 1


def test_a_feed_that_kills_its_worker_fails_alone_and_is_read_once_mended(
    site: tuple[FeedServer, Path], tmp_path: Path
) -> None:
    # Parsed in the monitor's own process, it ended the monitor and the cycle with it.
    server, config = site
    feed = server.routes["/3.xml"]
    sound = feed.body
    feed.body = sound.replace(b"<channel>", f"<channel><!-- {MARKER} -->".encode())
    env = crashing_build(tmp_path)
    first = monitor("--config", str(config), "poll", "--json", env=env)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["ok"], report["failed"]) == (FEEDS - 1, 1)
    assert report["errors"] == [{
        "feed": "feed 3",
        "error": f"{server.url('/3.xml')} broke its feed parsing worker twice, the second time alone",
    }]  # fmt: skip
    sources = [str(s) for (s,) in rows(config, "SELECT text_source FROM articles")]
    assert sources == ["page"] * ((FEEDS - 1) * ENTRIES)  # the others, with their pages
    assert rows(config, "SELECT count(*) FROM quarantined_pages")[0][0] == 0

    feed.body = sound
    second = monitor("--config", str(config), "poll", "--json", env=env)
    assert second.returncode == 0, second.stderr
    assert (json.loads(second.stdout)["ok"], len(sources)) == (FEEDS, (FEEDS - 1) * ENTRIES)
    assert rows(config, "SELECT count(*) FROM articles")[0][0] == FEEDS * ENTRIES


def workers_of(pid: int) -> list[int]:
    """The extraction workers below the monitor: the forkserver's children."""
    below = descendants(pid)
    forkservers = [p for p in below if "forkserver" in _cmdline(p)]
    return sorted(p for f in forkservers for p in descendants(f))


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_a_worker_killed_mid_cycle_loses_no_page(site: tuple[FeedServer, Path]) -> None:
    _server, config = site
    rng = random.Random(SEED)
    delay = rng.uniform(0.3, 1.5)
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "poll", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    killed = 0
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline and killed < 2:
        workers = workers_of(process.pid)
        if workers:
            time.sleep(delay)  # into the pages, at a point drawn from the seed
            workers = workers_of(process.pid)
            if workers:
                os.kill(rng.choice(workers), 9)
                killed += 1
                delay = rng.uniform(0.1, 0.6)
        else:
            time.sleep(0.02)
    out, err = process.communicate(timeout=120)
    assert killed >= 1, "the poll ended before a worker could be killed"
    assert process.returncode == 0, err
    assert "Traceback" not in err
    report = json.loads(out)
    assert (report["ok"], report["failed"]) == (FEEDS, 0)
    sources = [s for (s,) in rows(config, "SELECT text_source FROM articles")]
    assert sources == ["page"] * (FEEDS * ENTRIES)  # every entry, with its page's text
    assert rows(config, "SELECT count(*) FROM quarantined_pages")[0][0] == 0
