"""A live blog's feed through real `monitor poll` cycles: each update links to a part of
one page ("#update-3"), with no guid, and a canonical link drops the anchor. Before, the
first update held the page's link as its key and every later one was dropped as known."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.support.cli import monitor, poll_once
from tests.support.config import RELATIONS, write_config
from tests.support.news import Story, page, story
from tests.support.server import FeedServer

UPDATES = {
    1: "US Coast Guard intercepts a tanker bound for Cuba",
    2: "Cuba's foreign ministry protests the tanker's seizure to Washington",
    3: "Washington adds the tanker's owner to the Cuba sanctions list",
}


def feed(server: FeedServer, numbers: list[int]) -> bytes:
    items = "".join(
        f"<item><title>{UPDATES[n]}</title><link>{server.url('/live.html')}#update-{n}</link>"
        f"<description>{UPDATES[n]}.</description></item>"
        for n in numbers
    )
    return f'<rss version="2.0"><channel><title>Live</title>{items}</channel></rss>'.encode()


def stored(config: Path) -> list[str]:
    with sqlite3.connect(config.parent / "data/monitor.db") as db:
        return [row[0] for row in db.execute("SELECT title FROM articles ORDER BY id")]


def test_each_update_of_a_live_blog_is_stored_once(tmp_path: Path) -> None:
    # The page holds every update; once several updates give it, each is matched on its
    # own words, which name both sides, not on the page's, which hold the others' too.
    blog: Story = story("live", "Live: the tanker and Cuba", " ".join(UPDATES.values()))
    with FeedServer() as server:
        server.add("/live.html", page(blog), content_type="text/html; charset=utf-8")
        url = server.add("/live.xml", feed(server, [1]))
        feeds = [{"name": "Live", "url": url, "language": "en"}]
        config = write_config(tmp_path, feeds, watchlists={"relations": RELATIONS})
        assert poll_once(config)["new_articles"] == 1
        server.add("/live.xml", feed(server, [3, 2, 1]))
        assert poll_once(config)["new_articles"] == 2
        assert poll_once(config)["new_articles"] == 0
    assert stored(config) == [UPDATES[1], UPDATES[3], UPDATES[2]]
    hits = monitor("--config", str(config), "hits", "--since", "1h")
    assert all(title in hits.stdout for title in UPDATES.values()), hits.stdout
