"""The Atom feeds of hits, through real poll cycles on loopback, read back with feedparser."""

from __future__ import annotations

from pathlib import Path

import feedparser

from monitor.config import load_config
from monitor.outputs.atom import atom_feed
from tests.support.cli import poll_once
from tests.support.config import RELATIONS, site_config
from tests.support.digests import NOW, stored
from tests.support.news import story
from tests.support.server import FeedServer

STORIES = [
    story("oil", "US cuts oil shipments to Cuba", "Washington moved to halt crude to Havana."),
    story("talks", "Cuba offers dialogue to the United States", "Havana is ready to talk."),
    story("rain", "Rain in Madrid", "It rained all day in the Spanish capital."),
]


def _read(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_every_story_hit_is_in_the_feeds_once_with_a_stable_id(
    server: FeedServer, tmp_path: Path
) -> None:
    config = site_config(server, tmp_path, STORIES, {"relations": RELATIONS})
    assert poll_once(config)["hits"] == 2
    folder = load_config(config).atom_directory
    assert sorted(p.name for p in folder.iterdir()) == ["all.atom", "relations.atom"]
    first = _read(folder / "all.atom")
    titles = sorted(e.title for e in first.entries)
    assert titles == sorted(s.title for s in STORIES[:2])  # the rain matched nothing
    for entry in first.entries:
        assert entry.id.startswith("tag:")
        assert entry.link.startswith(server.url("/articles/"))
        assert "Why: relations" in entry.summary
        assert entry.updated_parsed is not None
    assert len({e.id for e in first.entries}) == len(first.entries)
    # Another cycle with nothing new leaves the files as they are...
    written = (folder / "all.atom").stat().st_mtime_ns
    assert poll_once(config)["new_articles"] == 0
    assert (folder / "all.atom").stat().st_mtime_ns == written
    # ...and one that must write them (a file gone) writes the same entries, same ids.
    (folder / "all.atom").unlink()
    poll_once(config)
    again = _read(folder / "all.atom")
    assert [(e.id, e.title) for e in again.entries] == [(e.id, e.title) for e in first.entries]
    assert [e.title for e in _read(folder / "relations.atom").entries] == [
        e.title for e in first.entries
    ]
    assert not list(folder.glob(".*.tmp"))


def test_a_feed_folder_that_cannot_be_written_leaves_the_cycle_whole(
    server: FeedServer, tmp_path: Path
) -> None:
    config = site_config(server, tmp_path, STORIES, {"relations": RELATIONS})
    blocker = load_config(config).atom_directory
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the folder should be")
    report = poll_once(config)
    assert (report["new_articles"], report["hits"], report["failed"]) == (3, 2, 0)


def test_characters_xml_forbids_never_stop_the_feeds(server: FeedServer, tmp_path: Path) -> None:
    # A page's head may carry a control character or U+FFFF raw (legal, if odd, HTML);
    # the feed entry has no title, so the page's is taken. Before, the title reached the
    # Atom writer, which raised: the poll failed, and so would every one after it.
    odd = story("odd", "US cuts oil\x1b shipments to Cuba\uffff", "Washington moved to halt crude.")
    config = site_config(server, tmp_path, [odd, *STORIES[1:]], {"relations": RELATIONS})
    feed = server.routes["/feed.xml"].body.replace(b"<title>US cuts oil", b"<x>", 1)
    server.add("/feed.xml", feed.replace(b"to Cuba\xef\xbf\xbf</title>", b"</x>", 1))
    report = poll_once(config)
    assert (report["new_articles"], report["hits"], report["failed"]) == (3, 2, 0)
    entries = _read(load_config(config).atom_directory / "all.atom").entries
    assert sorted(e.title for e in entries) == sorted(
        ["US cuts oil shipments to Cuba", STORIES[1].title]
    )


def test_text_stored_with_characters_xml_forbids_is_written_without_them() -> None:
    # A database from before titles were cleaned at the source may still hold them.
    hit = stored("Cuba\x1b and the\uffff US", snippet="Havana\x08 and\x00 Washington")
    parsed = feedparser.parse(atom_feed("all", "All", [hit], NOW))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title == "Cuba and the US"
    assert parsed.entries[0].summary.endswith("Havana and Washington")
