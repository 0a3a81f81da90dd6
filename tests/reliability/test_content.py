"""Hostile and broken feed content through one real `monitor poll`: read, repaired,
capped or refused, one line each, and never a request to a private address."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from tests.support.cli import monitor
from tests.support.config import write_config
from tests.support.server import FeedServer

NOW = datetime.now(UTC)


def channel(items: str, encoding: str = "utf-8", declare: bool = True) -> str:
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if declare else ""
    return f'{decl}<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


def item(title: str, link: str = "", guid: str = "", date: datetime | None = NOW,
         summary: str = "Cuba and the United States talk again.") -> str:  # fmt: skip
    parts = [f"<title>{title}</title>", f"<description>{summary}</description>"]
    parts += [f"<link>{link}</link>"] if link else []
    parts += [f'<guid isPermaLink="false">{guid}</guid>'] if guid else []
    parts += [f"<pubDate>{format_datetime(date)}</pubDate>"] if date else []
    return f"<item>{''.join(parts)}</item>"


def bomb_entities() -> str:
    chain = "".join(
        f'<!ENTITY b{i} "{(f"&b{i - 1};" if i > 1 else "ha") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE rss [{chain}]>'


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("content")
    with FeedServer() as server:
        port = server.port
        private = [
            f"http://127.0.0.1:{port}/private/plain.html",
            f"http://localhost:{port}/private/localhost.html",
            f"http://[::ffff:127.0.0.1]:{port}/private/mapped.html",
            f"http://2130706433:{port}/private/integer.html",
            f"http://127.1:{port}/private/short.html",
            f"http://0177.0.0.1:{port}/private/octal.html",
            f"http://0x7f000001:{port}/private/hex.html",
            "http://10.1.2.3/private/ten.html",
            "http://169.254.169.254/latest/meta-data/",
        ]
        for link in private:
            if "/private/" in link:
                server.add(
                    link[link.index("/private/") :], "<p>secret</p>", content_type="text/html"
                )
        hostile_title = (
            "&lt;script&gt;alert(1)&lt;/script&gt;Cuba &lt;img src='https://t.example/p.gif'"
            " width=1&gt;news\r\nline two" + " very long" * 1000
        )
        feeds: dict[str, tuple[bytes, dict[str, Any]]] = {
            "malformed": (
                channel(item("Fish &amp; chips & Cuba", guid="m1") + "<item><title>open").encode(),
                {},
            ),
            "html page": (
                b"<!DOCTYPE html><html><body><p>Not a feed</p></body></html>",
                {"content_type": "text/html"},
            ),
            "latin-1 undeclared": (
                channel(item("Díaz-Canel en La Habana", guid="l1"), declare=False).encode(
                    "latin-1"
                ),
                {"content_type": "application/rss+xml"},
            ),
            "cp1252 mislabelled": (
                channel(item("“Bloqueo” y diálogo", guid="w1")).encode("cp1252"),
                {"content_type": "text/xml; charset=utf-8"},
            ),
            "utf-16 mislabelled": (
                channel(item("Díaz-Canel habla", guid="u1"), "utf-16").encode("utf-16"),
                {"content_type": "text/xml; charset=utf-8"},
            ),
            "utf-8 bad bytes": (
                channel(item("Díaz-Canel \xff y Rubio", guid="b1"))
                .encode("utf-8", "surrogateescape")
                .replace(b"\xc3\xbf", b"\xff"),
                {},
            ),
            "gzip bomb": (b" " * 50_000_000, {"gzip": True}),
            "deflate bomb": (b" " * 50_000_000, {"deflate": True}),
            "no length": (b"<rss>" + b"x" * 3_000_000, {"fault": "no_length"}),
            "ten thousand": (
                channel("".join(item(f"Story {i}", guid=f"t{i}") for i in range(10_000))).encode(),
                {},
            ),
            "bare": (
                channel(
                    item("No link, no guid, no date", date=None)
                    + item("Future", guid="f1", date=NOW + timedelta(days=30))
                    + item("1970", guid="e1", date=datetime(1970, 1, 2, tzinfo=UTC))
                ).encode(),
                {},
            ),
            "duplicates": (channel(item("Same story", guid="d1") * 3).encode(), {}),
            "bad links": (
                channel(
                    "".join(
                        item(f"Bad link {i}", link=link, guid=f"x{i}")
                        for i, link in enumerate(
                            [
                                "javascript:alert(1)",
                                "data:text/html,x",
                                "file:///etc/passwd",
                                "http://[::1/x",
                                "http://user:pw@host.example/x",
                                "http://exa&#1;mple.com/",
                            ]
                        )
                    )
                ).encode(),
                {},
            ),
            "private links": (
                channel(
                    "".join(
                        item(f"Private {i}", link=link, guid=f"p{i}")
                        for i, link in enumerate(private)
                    )
                ).encode(),
                {},
            ),
            "hostile titles": (channel(item(hostile_title, guid="h1")).encode(), {}),
            "entities": (
                (
                    bomb_entities()
                    + channel(item("&b9;", guid="e1"))[
                        len('<?xml version="1.0" encoding="utf-8"?>') :
                    ]
                ).encode(),
                {},
            ),
            "site one": (channel(item("Story one of site", guid="12345")).encode(), {}),
            "site two": (channel(item("Another story", guid="12345")).encode(), {}),
        }
        config_feeds = []
        for name, (body, route) in feeds.items():
            url = server.add(f"/feeds/{name.replace(' ', '-')}.xml", body, **route)
            config_feeds.append({"name": name, "url": url, "fulltext": name == "private links"})
        config = write_config(
            root, config_feeds,
            {"fetch": {"allow_private_addresses": False, "feed_max_bytes": "2MB", "timeout": "20s"}},
        )  # fmt: skip
        poll = monitor("--config", str(config), "poll", "--json")
        db = sqlite3.connect(root / "data" / "monitor.db")
        rows = db.execute(
            "SELECT f.name, a.title, a.url, a.text, a.text_source, a.published, a.key"
            " FROM articles a JOIN feeds f ON f.id = a.feed_id ORDER BY a.id"
        ).fetchall()
        yield {"poll": poll, "report": json.loads(poll.stdout), "rows": rows,
               "hits": dict(server.hits)}  # fmt: skip


def stored(polled: dict[str, Any], feed: str) -> list[tuple[Any, ...]]:
    return [row[1:] for row in polled["rows"] if row[0] == feed]


def error(polled: dict[str, Any], feed: str) -> str | None:
    return {e["feed"]: e["error"] for e in polled["report"]["errors"]}.get(feed)


def test_the_poll_finishes_and_fails_only_the_unreadable(polled: dict[str, Any]) -> None:
    assert polled["poll"].returncode == 0, polled["poll"].stderr
    failed = {e["feed"] for e in polled["report"]["errors"]}
    assert failed == {"html page", "gzip bomb", "deflate bomb", "no length"}


def test_unreadable_and_oversized_bodies_are_one_line(polled: dict[str, Any]) -> None:
    assert (error(polled, "html page") or "").startswith("not a readable feed")
    for feed in ("gzip bomb", "deflate bomb", "no length"):
        assert error(polled, feed) == "body is over the 2,000,000 byte cap", feed


@pytest.mark.parametrize(
    ("feed", "title"),
    [
        ("malformed", "Fish & chips & Cuba"),
        ("latin-1 undeclared", "Díaz-Canel en La Habana"),
        ("cp1252 mislabelled", "“Bloqueo” y diálogo"),
        ("utf-16 mislabelled", "Díaz-Canel habla"),
        ("utf-8 bad bytes", "Díaz-Canel \ufffd y Rubio"),
    ],
)
def test_broken_xml_and_encodings_are_read(polled: dict[str, Any], feed: str, title: str) -> None:
    assert [row[0] for row in stored(polled, feed)][:1] == [title]


def test_ten_thousand_entries_are_all_stored(polled: dict[str, Any]) -> None:
    assert len(stored(polled, "ten thousand")) == 10_000


def test_entries_without_link_guid_or_date_and_implausible_dates(polled: dict[str, Any]) -> None:
    rows = {row[0]: row for row in stored(polled, "bare")}
    assert set(rows) == {"No link, no guid, no date", "Future", "1970"}
    assert rows["No link, no guid, no date"][5].startswith("hash:")
    assert [rows[t][4] for t in ("No link, no guid, no date", "Future", "1970")] == [None] * 3
    assert len(stored(polled, "duplicates")) == 1


def test_unusable_links_are_no_links_and_the_entries_stay(polled: dict[str, Any]) -> None:
    rows = stored(polled, "bad links")
    assert len(rows) == 6
    assert {row[1] for row in rows} == {""}
    assert {row[2] for row in rows} == {"Cuba and the United States talk again."}


def test_private_addresses_are_refused_before_any_request(polled: dict[str, Any]) -> None:
    rows = stored(polled, "private links")
    assert len(rows) == 9
    assert {row[3] for row in rows} == {"summary"}  # no page text, in any spelling
    assert not [path for path in polled["hits"] if path.startswith("/private/")]


def test_hostile_titles_are_plain_short_single_lines(polled: dict[str, Any]) -> None:
    (row,) = stored(polled, "hostile titles")
    title = row[0]
    assert title.startswith("Cuba news line two very long")
    for unwanted in ("<", "alert", "\n", "\r"):
        assert unwanted not in title
    assert len(title) == 1000


def test_entity_expansion_stays_unexpanded(polled: dict[str, Any]) -> None:
    (row,) = stored(polled, "entities")
    assert len(row[0]) < 100


def test_a_bare_guid_in_two_feeds_of_one_host_is_two_stories(polled: dict[str, Any]) -> None:
    assert [row[0] for row in stored(polled, "site one")] == ["Story one of site"]
    assert [row[0] for row in stored(polled, "site two")] == ["Another story"]
