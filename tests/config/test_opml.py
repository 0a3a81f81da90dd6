"""config.opml: the exports of real readers (written for these tests in their formats)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import opml
from monitor.errors import ConfigError
from monitor.types import Feed
from tests.support.config import DATA

EXPORTS = sorted((DATA / "opml").glob("*.opml"))


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.stem)
def test_reader_exports_match_golden(path: Path) -> None:
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text())
    got = [
        {"title": f.title, "url": f.url, "folders": list(f.folders), "language": f.language}
        for f in opml.read(path.read_bytes(), str(path))
    ]
    assert got == expected


def test_written_opml_reads_back_the_same_feeds() -> None:
    feeds = [
        Feed(name="Granma", url="https://www.granma.cu/feed", language="es", tags=("cuba-state",)),
        Feed(name="Café & Cuba <news>", url="https://x.example/rss?a=1&b=2"),
    ]
    data = opml.write(feeds, title="US–Cuba monitor feeds", now=datetime(2026, 2, 1, tzinfo=UTC))
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    back = opml.read(data, "export.opml")
    assert [(f.title, f.url, f.language) for f in back] == [
        ("Granma", "https://www.granma.cu/feed", "es"),
        ("Café & Cuba <news>", "https://x.example/rss?a=1&b=2", None),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>not opml</body></html>", "not OPML: the root is <html>"),
        (b"<opml version='2.0'><head/></opml>", "not OPML: no <body>"),
        (b"<opml><body><outline", "not OPML: "),
        (
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
            + b"".join(b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1) if i > 1 else b"&a;") * 10)
                       for i in range(1, 9))
            + b']><opml><body><outline text="&a8;" xmlUrl="https://x.example/"/></body></opml>',
            "not OPML: ",
        ),
    ],
)  # fmt: skip
def test_what_is_not_opml_is_one_line(data: bytes, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        opml.read(data, "in.opml")
    assert str(caught.value).startswith("in.opml")
    assert message in str(caught.value)


def test_attribute_names_are_read_in_any_case() -> None:
    data = b"""<opml version="1.0"><body>
    <outline TEXT="Granma" xmlURL="https://www.granma.cu/feed" Language="es"/>
    <outline text="Cubadebate" XMLURL="http://www.cubadebate.cu/feed/"/>
    <outline Title="Radio" xmlurl="https://www.radiohc.cu/feed"/>
    </body></opml>"""
    assert [(f.title, f.url, f.language) for f in opml.read(data, "in.opml")] == [
        ("Granma", "https://www.granma.cu/feed", "es"),
        ("Cubadebate", "http://www.cubadebate.cu/feed/", None),
        ("Radio", "https://www.radiohc.cu/feed", None),
    ]


def test_a_feed_scheme_reads_as_http() -> None:
    data = b"""<opml version="1.0"><body>
    <outline text="Granma" xmlUrl="feed://www.granma.cu/feed"/>
    <outline text="Cubadebate" xmlUrl="feed:https://www.cubadebate.cu/feed/"/>
    </body></opml>"""
    assert [f.url for f in opml.read(data, "in.opml")] == [
        "http://www.granma.cu/feed",
        "https://www.cubadebate.cu/feed/",
    ]
