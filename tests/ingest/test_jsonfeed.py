"""JSON Feed: parsed into the same entries as RSS and Atom, and polled end to end."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ParseError
from monitor.ingest.parse import parse_feed
from tests.support.cli import monitor, poll_once
from tests.support.config import RELATIONS, write_config
from tests.support.news import page, story
from tests.support.server import FeedServer

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
V11 = "https://jsonfeed.org/version/1.1"


def feed(*items: Any, version: str = V11, **top: Any) -> bytes:
    return json.dumps({"version": version, "title": "Noticias", **top, "items": items}).encode()


def parse(body: bytes) -> Any:
    return parse_feed(body, url="https://example.org/feed.json", scope="f", now=NOW)


def test_items_become_entries_as_rss_items_do() -> None:
    body = feed(
        {
            "id": "https://example.org/2026/cuba-oil",
            "url": "https://example.org/2026/cuba-oil?utm_source=feed",
            "title": "EE.UU. <endurece> sanciones a Cuba",
            "content_html": "<p>Washington anunció <b>nuevas</b> medidas.</p>",
            "summary": "Breve",
            "date_published": "2026-12-05T09:30:00-05:00",
            "date_modified": "2026-12-05T16:00:00Z",
            "authors": [{"name": "Ana Pérez"}, {"name": "Bo Li"}],
        },
        language="es-CU",
    )
    parsed = parse(body)
    assert (parsed.title, parsed.language) == ("Noticias", "es")
    [entry] = parsed.entries
    assert entry.key == "url:https://example.org/2026/cuba-oil"
    assert entry.url == "https://example.org/2026/cuba-oil"  # trackers dropped
    assert entry.title == "EE.UU. <endurece> sanciones a Cuba"  # plain text stays text
    assert entry.summary == "Washington anunció nuevas medidas."  # the longest content
    assert entry.published == datetime(2026, 12, 5, 14, 30, tzinfo=UTC)
    assert entry.author == "Ana Pérez, Bo Li"


def test_version_1_numbers_as_ids_relative_links_and_plain_text() -> None:
    body = feed(
        {"id": 42, "url": "/posts/42", "content_text": "Cuba y EE.UU.\nconversan",
         "author": {"name": "Redacción"}, "date_published": "2026-12-04T08:00:00"},
        {"id": "no-link", "external_url": "https://wire.example.net/story", "title": "Cable"},
        {"id": "nothing"},  # no link, no title, no text: nothing to keep
        "not an item",
        version="https://jsonfeed.org/version/1",
    )  # fmt: skip
    first, second = parse(body).entries
    assert (first.key, first.url) == ("guid:f:42", "https://example.org/posts/42")
    assert first.summary.split() == ["Cuba", "y", "EE.UU.", "conversan"]
    assert first.author == "Redacción"
    assert first.published == datetime(2026, 12, 4, 8, tzinfo=UTC)  # no zone: UTC
    assert (second.key, second.url) == ("guid:f:no-link", "https://wire.example.net/story")


def test_a_correction_changes_the_revision_not_the_key() -> None:
    item = {"id": "7", "url": "https://example.org/7", "title": "Cuba", "content_html": "<p>a</p>"}
    before = parse(feed(item)).entries[0]
    after = parse(feed({**item, "content_html": "<p>a, corrected</p>"})).entries[0]
    assert before.key == after.key
    assert before.revision != after.revision


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not valid JSON"),
        (b'{"status": "ok", "items": []}', "JSON, but not a JSON Feed"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}',
            "a JSON Feed with no list of items",
        ),
    ],
)
def test_what_cannot_be_read_says_why(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(f"not a readable feed ({reason}")):
        parse(body)


def test_bad_dates_are_no_dates() -> None:
    body = feed(
        {"id": "1", "title": "Cuba", "date_published": "yesterday"},
        {"id": "2", "title": "Cuba", "date_published": "2099-01-01T00:00:00Z"},
    )
    assert [e.published for e in parse(body).entries] == [None, None]


def test_a_json_feed_is_polled_matched_and_not_stored_twice(tmp_path: Path) -> None:
    text = "Cuba y Washington reanudan el diálogo migratorio en La Habana."
    article = story("dialogo", "Cuba y EE.UU. reanudan el diálogo", text, lang="es")
    with FeedServer() as server:
        link = server.add("/dialogo.html", page(article), content_type="text/html")
        item = {"id": link, "url": link, "title": article.title, "summary": text}
        url = server.add("/feed.json", feed(item), content_type="application/feed+json")
        feeds = [{"name": "Noticias", "url": url}]
        config = write_config(tmp_path, feeds, watchlists={"relations": RELATIONS})
        assert poll_once(config)["new_articles"] == 1
        server.add("/feed.json", feed(item), content_type="application/feed+json")
        assert poll_once(config)["new_articles"] == 0
        accept = server.request_headers["/feed.json"]["accept"]
    assert "application/feed+json" in accept
    with sqlite3.connect(tmp_path / "data/monitor.db") as db:
        assert db.execute("SELECT title FROM articles").fetchall() == [(article.title,)]
    hits = monitor("--config", str(config), "hits", "--since", "1h")
    assert article.title in hits.stdout
