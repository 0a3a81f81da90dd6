"""`monitor browse` (Datasette) and `monitor serve` (the Atom feeds) as real processes on
loopback, over the demo's archive: the canned queries answer, nothing can be written,
and the hits page shows a known hit in a real browser (headless Chromium)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest

from monitor.config.yamlfile import load
from monitor.jobs.demo import _stories
from monitor.outputs.archive import QUERIES
from monitor.storage import Store
from tests.digest.test_browser import CHROMIUM, chromium
from tests.support.db import count

ARCHIVE = Path(__file__).parents[2] / "src/monitor/outputs/archive.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's config/ (its data/ beside it): a real archive of hits and stories."""
    folder = tmp_path_factory.mktemp("demo")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--dir", str(folder)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder / "config"


@contextmanager
def running(*args: str) -> Iterator[str]:
    """``monitor ARGS --port 0`` in a child process; yields its address once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", *args, "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stderr is not None
        line = process.stdout.readline()  # printed once the socket is bound
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        yield found.group()
    finally:
        process.terminate()
        process.communicate(timeout=30)  # and closes its pipes


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urlopen(Request(url, headers=headers or {}), timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except HTTPError as e:
        return e.code, dict(e.headers), e.read()


def rows(url: str) -> list[dict[str, Any]]:
    """The rows of a table or canned query at ``url``, from Datasette's JSON."""
    path, _, query = url.partition("?")
    status, _, body = get(f"{path}.json?{query}&_shape=array")
    assert status == 200, body[:300]
    found: list[dict[str, Any]] = json.loads(body)
    return found


def test_every_table_and_column_is_described(tmp_path: Path) -> None:
    data, _ = load(ARCHIVE, "archive.yaml")
    store = Store.open(tmp_path / "fresh.db")  # every migration applied
    try:
        tables = store.rows("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        for table in (t["name"] for t in tables):
            meta = data["tables"].get(table)
            assert meta is not None, f"{table} is not in archive.yaml"
            if meta.get("hidden"):
                continue
            assert meta["description"], table
            columns = {c["name"] for c in store.rows(f"PRAGMA table_info([{table}])")}
            assert columns == set(meta["columns"]), table
    finally:
        store.close()
    assert set(data["queries"]) == set(QUERIES)


def test_the_canned_queries_answer_on_the_demo_archive(demo: Path) -> None:
    stories = _stories()["stories"]
    relevant = {s["title"] for s in stories if s["relevant"]}
    with running("--config", str(demo), "browse") as url:
        week = rows(f"{url}/monitor/hits_this_week")
        assert relevant <= {r["title"] for r in week}
        assert all(r["terms"] and r["url"].startswith("https://") for r in week)
        one = rows(f"{url}/monitor/hits_this_week?watchlist=energy-and-oil")
        assert {r["watchlist"] for r in one} == {"energy-and-oil"}
        # Accents optional: "petroleo" finds the Spanish reports' "petróleo".
        found = rows(f"{url}/monitor/search?q=petroleo")
        assert {r["language"] for r in found} == {"es"}
        assert any("petróleo" in r["excerpt"] for r in found)
        assert rows(f"{url}/monitor/search?q=" + quote('"habana" OR')) is not None
        story = week[0]["story"]
        reports = rows(f"{url}/monitor/story?story={story}")
        assert week[0]["article"] in {r["article"] for r in reports}
        assert rows(f"{url}/monitor/failing_feeds") == []  # the demo's feed is served well
        terms = rows(f"{url}/monitor/hit_terms?_size=5")
        assert len(terms) == 5
        assert all(isinstance(t["score"], float) for t in terms)
        status, headers, _ = get(f"{url}/feeds/all.atom")
        assert (status, headers["content-type"].split(";")[0]) == (200, "application/atom+xml")


def test_the_archive_cannot_be_written_through_it(demo: Path) -> None:
    database = demo.parent / "data" / "monitor.db"
    before = _hits(database)
    with running("--config", str(demo), "browse") as url:
        status, _, body = get(f"{url}/monitor.json?sql=" + quote("DELETE FROM hits"))
        assert status == 400
        assert b"SELECT" in body
    assert _hits(database) == before > 0


def _hits(database: Path) -> int:
    store = Store.open(database, readonly=True)
    try:
        return count(store, "hits")
    finally:
        store.close()


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("MONITOR_REQUIRE_BROWSER"),
    reason="chromium is not installed (set MONITOR_REQUIRE_BROWSER to make this a failure)",
)
def test_the_hits_page_shows_a_known_hit_in_a_browser(demo: Path, tmp_path: Path) -> None:
    known = next(s["title"] for s in _stories()["stories"] if s["relevant"])
    with running("--config", str(demo), "browse") as url:
        page = chromium("--dump-dom", f"{url}/monitor/hits_this_week", profile=tmp_path / "p")
    assert page.returncode == 0, page.stderr
    assert "Hits this week, by watchlist" in page.stdout
    assert known.replace("'", "&#39;") in page.stdout or known in page.stdout


def test_serve_gives_feed_readers_the_feeds_and_nothing_else(demo: Path) -> None:
    with running("--config", str(demo), "serve") as url:
        status, headers, body = get(f"{url}/all.atom")
        assert (status, body[:5]) == (200, b"<?xml")
        assert headers["Content-Type"].startswith("application/atom+xml")
        again = get(f"{url}/feeds/all.atom", {"If-None-Match": headers["ETag"]})
        assert (again[0], again[2]) == (304, b"")
        # The request's other legal forms (RFC 9110): a proxy that compresses the feed
        # hands the reader a weak tag; a list; a date alone. Each was a 200 and the body.
        tag, modified = headers["ETag"], headers["Last-Modified"]
        for asked in ({"If-None-Match": f"W/{tag}"}, {"If-None-Match": f'"old", {tag}'},
                      {"If-None-Match": "*"}, {"If-Modified-Since": modified}):  # fmt: skip
            assert get(f"{url}/all.atom", asked)[0] == 304, asked
        for asked in ({"If-None-Match": '"old"'}, {"If-Modified-Since": "Thu, 01 Jan 1998 00:00:00 GMT"},
                      {"If-Modified-Since": "yesterday"},
                      {"If-None-Match": '"old"', "If-Modified-Since": modified}):  # fmt: skip
            assert get(f"{url}/all.atom", asked)[0] == 200, asked
        index = get(f"{url}/")[2].decode()
        assert 'href="all.atom"' in index
        assert 'href="energy-and-oil.atom"' in index
        for path in ("/monitor.db", "/../data/monitor.db", "/feeds/..%2Fa.atom", "/.all.atom"):
            assert get(url + path)[0] == 404, path


def test_browse_without_a_database_or_on_a_taken_port_says_so(tmp_path: Path, demo: Path) -> None:
    empty = tmp_path / "config"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(empty), "browse"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert re.fullmatch(r"monitor: no database at \S+monitor\.db: run .*\n", result.stderr)
    with running("--config", str(demo), "serve") as url:
        port = url.rsplit(":", 1)[1]
        taken = subprocess.run(
            [sys.executable, "-m", "monitor", "--config", str(demo), "browse", "--port", port],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert taken.returncode == 1
    assert taken.stderr.startswith(f"monitor: cannot serve on 127.0.0.1:{port}: ")
    assert "Traceback" not in taken.stderr
