"""Corrected entries, through a real `monitor`: an outlet republishes an entry under the
same guid with a new title and a new page; the article keeps its id and story, is
matched again, and the correction reaches the next digest marked as updated, while a hit
already sent stays sent. A feed that rewrites every entry on every poll is bounded."""

from __future__ import annotations

import json
import sqlite3
from html import escape
from pathlib import Path

from tests.support.cli import monitor
from tests.support.config import RELATIONS, write_config
from tests.support.news import Story, filler, page
from tests.support.server import FeedServer

FERRY = "Local ferry schedule for the weekend"
EMBARGO = "US tightens the Cuba embargo: Treasury bars ferries to Havana"
TALKS = "Cuba and the United States resume migration talks in Havana"


def rss(items: list[tuple[str, str, str, str]]) -> str:
    """(guid, title, link path, summary) → an RSS 2.0 feed."""
    body = "".join(
        f"<item><guid isPermaLink='false'>{g}</guid><title>{escape(t)}</title>"
        f"<link>{link}</link><description>{escape(s)}</description>"
        "<pubDate>Mon, 30 Nov 2026 12:00:00 GMT</pubDate></item>"
        for g, t, link, s in items
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>{body}</channel></rss>"


def article(title: str, lead: str) -> str:
    return page(Story(slug="x", title=title, paragraphs=(lead, *filler(title, "en", 3))))


def db(config: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(config.parent / "data" / "monitor.db")
    connection.row_factory = sqlite3.Row
    return connection


def poll(config: Path) -> dict[str, object]:
    result = monitor("--config", str(config), "poll", "--json")
    assert result.returncode == 0, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_a_corrected_entry_is_fetched_again_matched_and_sent_as_updated(tmp_path: Path) -> None:
    with FeedServer() as server:
        server.add("/ferry.html", article(FERRY, "Boats leave the harbour at nine on Saturday."),
                   content_type="text/html")  # fmt: skip
        server.add("/talks.html", article(TALKS, "Havana and Washington met on Monday."),
                   content_type="text/html")  # fmt: skip
        feed = server.add("/feed.xml", rss([
            ("g-ferry", FERRY, "/ferry.html", "Boats leave at nine."),
            ("g-talks", TALKS, "/talks.html", "Havana and Washington met."),
        ]))  # fmt: skip
        config = write_config(tmp_path, [{"name": "Wire", "url": feed}],
                              watchlists={"relations": RELATIONS})  # fmt: skip
        assert poll(config)["hits"] == 1
        sent = monitor("--config", str(config), "digest")
        assert sent.returncode == 0, sent.stderr
        assert "1 items" in sent.stdout, sent.stdout
        with db(config) as before:
            ids = dict(before.execute("SELECT url, id FROM articles").fetchall())
            stories = dict(before.execute("SELECT id, story_id FROM articles").fetchall())

        # The outlet corrects both entries: the ferry stub becomes an embargo story, and
        # the talks headline is reworded.
        server.add("/ferry.html", article(EMBARGO, "The Treasury barred ferries from sailing "
                   "to Havana, tightening the United States embargo on Cuba."),
                   content_type="text/html")  # fmt: skip
        server.routes["/feed.xml"].body = rss([
            ("g-ferry", EMBARGO, "/ferry.html", "The Treasury barred ferries to Havana."),
            ("g-talks", TALKS + " (updated)", "/talks.html", "Havana and Washington met."),
        ]).encode()  # fmt: skip
        report = poll(config)
        assert (report["new_articles"], report["corrected"]) == (0, 2)
        assert server.hits["/ferry.html"] == 2  # fetched again for the correction

        with db(config) as after:
            rows = {r["url"]: r for r in after.execute("SELECT * FROM articles")}
            assert {u: r["id"] for u, r in rows.items()} == ids  # same ids
            assert {r["id"]: r["story_id"] for r in rows.values()} == stories  # same stories
            ferry = rows[server.url("/ferry.html")]
            assert (ferry["title"], ferry["corrections"]) == (EMBARGO, 1)
            assert "Treasury barred ferries" in ferry["text"]
            hits = after.execute(
                "SELECT a.title, h.corrected, h.digest_id FROM hits h"
                " JOIN articles a ON a.id = h.article_id ORDER BY a.id"
            ).fetchall()
            # The sent hit stays sent; the correction's new hit waits, marked.
            assert [tuple(h) for h in hits] == [
                (EMBARGO, 1, None), (TALKS + " (updated)", 0, 1),
            ]  # fmt: skip
        found = monitor("--config", str(config), "search", "Treasury ferries")
        assert EMBARGO in found.stdout  # the search index follows the correction

        preview = monitor("--config", str(config), "digest", "--preview")
        assert f"[Updated] {EMBARGO}" in preview.stdout
        assert TALKS not in preview.stdout  # sent already: not sent twice

        again = poll(config)  # nothing changed since: nothing fetched again
        assert again["corrected"] == 0
        assert server.hits["/ferry.html"] == 2


def test_a_feed_that_rewrites_every_entry_is_bounded(tmp_path: Path) -> None:
    entries, polls = 20, 6
    with FeedServer() as server:
        for n in range(entries):
            server.add(f"/{n}.html", article(f"Havana report {n}", "Cuba and Washington."),
                       content_type="text/html")  # fmt: skip

        def feed(version: int, *, retitle: bool) -> bytes:
            suffix = f" v{version}" if retitle else ""
            return rss([(f"g{n}", f"Havana report {n}{suffix}", f"/{n}.html",
                         f"Updated {version} minutes ago.") for n in range(entries)]).encode()  # fmt: skip

        retitled = server.add("/retitled.xml", feed(0, retitle=True))
        stamped = server.add("/stamped.xml", feed(0, retitle=False))
        config = write_config(tmp_path, [{"name": "Retitled", "url": retitled},
                                         {"name": "Stamped", "url": stamped}],
                              watchlists={"relations": RELATIONS})  # fmt: skip
        poll(config)
        page_fetches = []
        for version in range(1, polls + 1):
            before = sum(server.hits[f"/{n}.html"] for n in range(entries))
            server.routes["/retitled.xml"].body = feed(version, retitle=True)
            server.routes["/stamped.xml"].body = feed(version, retitle=False)
            report = poll(config)
            page_fetches.append(sum(server.hits[f"/{n}.html"] for n in range(entries)) - before)
            assert report["corrected"] == page_fetches[-1]
    # Both feeds link the same pages; only the retitled feed's corrections are followed
    # (5 per cycle), and each article at most 3 times: 60 fetches, then none.
    print(f"page fetches per cycle, {entries} entries rewritten every poll: {page_fetches}")
    assert page_fetches == [5] * polls
    with db(config) as connection:
        assert max(c for (c,) in connection.execute("SELECT corrections FROM articles")) <= 3


def test_a_feed_whose_guids_change_on_every_poll_stores_each_entry_once(tmp_path: Path) -> None:
    # Some feeds put a session id or a timestamp in every guid. Before, each poll stored
    # every entry again, fetched its page again and made its hits again.
    with FeedServer() as server:
        server.add("/talks.html", article(TALKS, "Havana and Washington met on Monday."),
                   content_type="text/html")  # fmt: skip
        server.add("/show.html", article("Radio magazine", "Music and talk."),
                   content_type="text/html")  # fmt: skip

        def feed(token: str) -> str:
            # A daily programme: one title, one link, no summary, a guid of its day.
            show = f"<item><guid>show-{token}</guid><title>Radio magazine</title>"
            show += "<link>/show.html</link></item>"
            talks = rss([(f"talks-{token}", TALKS, "/talks.html", "Havana and Washington met.")])
            return talks.replace("</channel>", show + "</channel>")

        url = server.add("/feed.xml", feed("a"))
        config = write_config(tmp_path, [{"name": "Wire", "url": url}],
                              watchlists={"relations": RELATIONS})  # fmt: skip
        reports = []
        for token in ("a", "b", "c"):
            server.add("/feed.xml", feed(token))
            reports.append(poll(config))
        assert [r["new_articles"] for r in reports] == [2, 1, 1]  # the programme, each day
        assert [r["hits"] for r in reports] == [1, 0, 0]
        assert server.hits["/talks.html"] == 1
        with db(config) as connection:
            rows = connection.execute("SELECT url, count(*) FROM articles GROUP BY url").fetchall()
        assert sorted(count for _url, count in rows) == [1, 3]


def test_a_site_that_moves_to_https_stores_no_entry_again(tmp_path: Path) -> None:
    # A feed without guids is keyed by its links; a site that moves to https changes
    # them all. Before, every entry it listed was stored again, and its hits sent again.
    with FeedServer() as server:
        server.add("/talks.html", article(TALKS, "Havana and Washington met on Monday."),
                   content_type="text/html")  # fmt: skip
        item = (
            "<item><title>{t}</title><link>{scheme}://example.test/talks.html</link>"
            "<description>Havana and Washington met.</description>"
            "<pubDate>Mon, 30 Nov 2026 12:00:00 GMT</pubDate></item>"
        )

        def feed(scheme: str) -> str:
            body = item.format(t=escape(TALKS), scheme=scheme)
            return f"<?xml version='1.0'?><rss version='2.0'><channel><title>W</title>{body}</channel></rss>"

        url = server.add("/feed.xml", feed("http"))
        config = write_config(tmp_path, [{"name": "Wire", "url": url, "fulltext": False}],
                              watchlists={"relations": RELATIONS})  # fmt: skip
        assert poll(config)["new_articles"] == 1
        server.add("/feed.xml", feed("https"))
        assert poll(config)["new_articles"] == 0
