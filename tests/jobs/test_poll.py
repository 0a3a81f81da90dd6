"""One poll cycle end to end: loopback feeds and pages → SQLite."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from monitor.config import Config, load_config
from monitor.ingest.extract import ExtractorPool
from monitor.ingest.fetch import Fetcher
from monitor.jobs.poll import Poller, poll
from monitor.storage import Store
from monitor.types import FeedOutcome, RunReport
from tests.support.config import DATA, RELATIONS, write_config
from tests.support.news import Story, page, rss, story
from tests.support.server import FeedServer

EN = [
    story(
        "oil",
        "US moves to cut oil shipments to Cuba",
        "The Trump administration moved to cut crude deliveries to Havana on Monday.",
    ),
    story(
        "talks",
        "Cuba offers meaningful dialogue",
        "Deputy foreign minister Carlos Fernández de Cossío said Cuba is open to dialogue.",
    ),
]
ES = [
    story(
        "bloqueo",
        "Cuba denuncia el bloqueo",
        "El canciller cubano denunció el bloqueo petrolero de Estados Unidos.",
        "es",
    ),
    story(
        "apagon",
        "Apagones en toda la isla",
        "La escasez de combustible provoca apagones prolongados en Cuba.",
        "es",
    ),
]


def serve_site(server: FeedServer, prefix: str, stories: list[Any], etag: str = '"1"') -> str:
    for s in stories:
        server.add(
            f"/{prefix}/articles/{s.slug}.html", page(s), content_type="text/html; charset=utf-8"
        )
    return server.add(
        f"/{prefix}/feed.xml", rss(prefix, stories, f"/{prefix}/articles/"), etag=etag
    )


def load(tmp_path: Path, feeds: list[dict[str, Any]], **settings: Any) -> Config:
    return load_config(write_config(tmp_path, feeds, settings))


def articles(config: Config) -> list[dict[str, Any]]:
    store = Store.open(config.database)
    try:
        return store.rows(
            "SELECT a.*, f.name AS feed FROM articles a JOIN feeds f ON f.id = a.feed_id ORDER BY a.id"
        )
    finally:
        store.close()


def feeds_table(config: Config) -> dict[str, dict[str, Any]]:
    store = Store.open(config.database)
    try:
        return {r["name"]: r for r in store.rows("SELECT * FROM feeds")}
    finally:
        store.close()


def cycle(config: Config, **kwargs: Any) -> RunReport:
    return asyncio.run(poll(config, **kwargs))


def test_first_poll_stores_each_entry_once_then_304s_store_nothing(
    server: FeedServer, tmp_path: Path
) -> None:
    config = load(tmp_path, [
        {"name": "English", "url": serve_site(server, "en", EN)},
        {"name": "Spanish", "url": serve_site(server, "es", ES), "language": "es"},
    ])  # fmt: skip
    first = cycle(config)
    assert first.as_json() | {"seconds": 0} == {
        "feeds": 2, "ok": 2, "not_modified": 0, "failed": 0, "new_articles": 4, "hits": 0,
        "seconds": 0, "pages_recovered": 0, "corrected": 0, "errors": [],
    }  # fmt: skip
    rows = articles(config)
    assert sorted(r["title"] for r in rows) == sorted(s.title for s in EN + ES)
    for row in rows:
        assert row["text_source"] == "page"
        assert "sidebarcommentword" not in row["text"]  # comments are not article text
        assert "Subscribe" not in row["text"]
        assert row["url"].startswith(server.url("/"))
    by_title = {r["title"]: r for r in rows}
    assert "Fernández de Cossío" in by_title["Cuba offers meaningful dialogue"]["text"]
    assert by_title["Cuba denuncia el bloqueo"]["language"] == "es"
    assert by_title["US moves to cut oil shipments to Cuba"]["language"] == "en"

    second = cycle(config)
    assert (second.count("not_modified"), second.as_json()["new_articles"]) == (2, 0)
    assert len(articles(config)) == 4
    assert server.hits["/en/articles/oil.html"] == 1  # pages are never fetched twice


def test_a_changed_feed_stores_only_its_new_entries(server: FeedServer, tmp_path: Path) -> None:
    config = load(tmp_path, [{"name": "English", "url": serve_site(server, "en", EN[:1])}])
    cycle(config)
    serve_site(server, "en", EN, etag='"2"')
    report = cycle(config)
    assert report.as_json()["new_articles"] == 1
    assert [r["title"] for r in articles(config)] == [EN[0].title, EN[1].title]
    assert server.hits["/en/articles/oil.html"] == 1


def test_a_renamed_feed_keeps_its_entries_and_stores_none_again(
    server: FeedServer, tmp_path: Path
) -> None:
    # Entries are keyed within their feed. Before, a new name made a new feed: every
    # entry was new again, stored twice, and its hits went out again in the digest.
    url = serve_site(server, "en", EN)
    config = load(tmp_path, [{"name": "English", "url": url}])
    assert cycle(config).as_json()["new_articles"] == 2
    serve_site(server, "en", EN, etag='"2"')  # the same entries, the validator changed
    renamed = load(tmp_path, [{"name": "Wire (English)", "url": url}])
    report = cycle(renamed)
    assert (report.count("ok"), report.as_json()["new_articles"]) == (1, 0)
    assert [r["feed"] for r in articles(renamed)] == ["Wire (English)"] * 2
    assert list(feeds_table(renamed)) == ["Wire (English)"]


def test_entries_that_all_link_to_one_page_keep_their_own_text(
    server: FeedServer, tmp_path: Path
) -> None:
    # A listing whose every brief links to the home page, which names Cuba and the US.
    # Before, each brief was that page: ten hits whatever each said, ten fetches.
    home = story("home", "Home", "Washington and Havana met again to discuss crude shipments.")
    server.add("/index.html", page(home), content_type="text/html")
    briefs = "".join(
        f"<item><title>Weather brief {i}</title><link>/index.html</link><guid>w{i}</guid>"
        f"<description>Rain in the north, sun in the south, day {i}.</description></item>"
        for i in range(10)
    )
    own = "<item><title>Port news</title><link>/port.html</link><guid>p</guid></item>"
    server.add(
        "/port.html", page(story("port", "Port news", "Ships came in.")), content_type="text/html"
    )
    url = server.add(
        "/feed.xml", f"<rss version='2.0'><channel><title>T</title>{briefs}{own}</channel></rss>"
    )
    config = load_config(write_config(tmp_path, [{"name": "Briefs", "url": url}],
                                      watchlists={"relations": RELATIONS}))  # fmt: skip
    report = cycle(config)
    assert (report.as_json()["new_articles"], report.as_json()["hits"]) == (11, 0)
    assert (server.hits["/index.html"], server.hits["/port.html"]) == (0, 1)
    rows = {r["title"]: r for r in articles(config)}
    assert rows["Weather brief 3"]["text"] == "Rain in the north, sun in the south, day 3."
    assert (rows["Weather brief 3"]["text_source"], rows["Port news"]["text_source"]) == (
        "summary", "page",
    )  # fmt: skip


def test_failing_feeds_leave_the_others_stored(server: FeedServer, tmp_path: Path) -> None:
    server.add("/500.xml", status=500)
    server.add("/drip.xml", rss("drip", EN) * 5, drip=20, drip_delay=0.3)
    server.add(
        "/malformed.xml", (DATA / "feeds/notafeed.html").read_bytes(), content_type="text/html"
    )
    server.add("/huge.xml", b"<rss>" + b"x" * 300_000)
    config = load(
        tmp_path,
        [
            {"name": "Server error", "url": server.url("/500.xml")},
            {"name": "Slow", "url": server.url("/drip.xml")},
            {"name": "Not a feed", "url": server.url("/malformed.xml")},
            {"name": "Too big", "url": server.url("/huge.xml")},
            {"name": "Good", "url": serve_site(server, "es", ES)},
        ],
        fetch={"timeout": "2s", "feed_max_bytes": "200KB"},
    )
    report = cycle(config)
    assert (report.count("ok"), report.count("failed")) == (1, 4)
    errors = {o.feed: o.error or "" for o in report.outcomes if o.status == "failed"}
    assert errors["Server error"] == "HTTP 500"
    assert "within 2s" in errors["Slow"]
    assert "not a readable feed" in errors["Not a feed"]
    assert "over the 200,000" in errors["Too big"]
    assert all("\n" not in e for e in errors.values())
    assert len(articles(config)) == len(ES)
    state = feeds_table(config)
    assert state["Server error"]["consecutive_failures"] == 1
    assert state["Server error"]["last_error"] == "HTTP 500"
    assert state["Server error"]["next_due_at"] > state["Server error"]["last_fetched_at"]
    cycle(config)
    assert feeds_table(config)["Server error"]["consecutive_failures"] == 2
    assert (
        feeds_table(config)["Server error"]["failing_since"]
        == state["Server error"]["failing_since"]
    )


def test_a_feed_recovers_by_itself(server: FeedServer, tmp_path: Path) -> None:
    server.add("/flaky.xml", status=503)
    config = load(tmp_path, [{"name": "Flaky", "url": server.url("/flaky.xml")}])
    cycle(config)
    serve_site(server, "en", EN)
    server.routes["/flaky.xml"] = server.routes["/en/feed.xml"]
    report = cycle(config)
    assert report.count("ok") == 1
    state = feeds_table(config)["Flaky"]
    assert (state["consecutive_failures"], state["last_error"], state["failing_since"]) == (
        0,
        None,
        None,
    )


def test_summary_fallback_is_used_and_recorded(server: FeedServer, tmp_path: Path) -> None:
    feed = """<rss version="2.0"><channel><title>t</title>
    <item><title>Page is gone</title><link>/gone.html</link><description>Summary about &lt;b&gt;Cuba&lt;/b&gt; oil.</description></item>
    <item><title>Page is empty</title><link>/empty.html</link><description>Second summary.</description></item>
    <item><title>Headline only</title><guid isPermaLink="false">h1</guid></item>
    </channel></rss>"""
    server.add("/empty.html", "<html><body><nav>menu</nav></body></html>", content_type="text/html")
    config = load(tmp_path, [{"name": "Thin", "url": server.add("/thin.xml", feed)}])
    cycle(config)
    got = {r["title"]: (r["text_source"], r["text"]) for r in articles(config)}
    assert got == {
        "Page is gone": ("summary", "Summary about Cuba oil."),
        "Page is empty": ("summary", "Second summary."),
        "Headline only": ("title", ""),
    }


def test_private_article_links_are_refused_and_fall_back(
    server: FeedServer, tmp_path: Path
) -> None:
    config = load(
        tmp_path,
        [{"name": "English", "url": serve_site(server, "en", EN)}],
        fetch={"allow_private_addresses": False},
    )
    report = cycle(config)
    assert report.count("ok") == 1  # the feed itself is the user's choice and is fetched
    assert {r["text_source"] for r in articles(config)} == {"summary"}
    assert server.hits["/en/articles/oil.html"] == 0


def test_fulltext_false_keeps_the_summary(server: FeedServer, tmp_path: Path) -> None:
    config = load(
        tmp_path, [{"name": "English", "url": serve_site(server, "en", EN), "fulltext": False}]
    )
    cycle(config)
    assert {r["text_source"] for r in articles(config)} == {"summary"}
    assert server.hits["/en/articles/oil.html"] == 0


def test_a_permanent_redirect_updates_the_stored_url(server: FeedServer, tmp_path: Path) -> None:
    new = serve_site(server, "en", EN)
    config = load(
        tmp_path,
        [{"name": "Moved", "url": server.add("/old.xml", status=301, headers={"Location": new})}],
    )
    cycle(config)
    assert feeds_table(config)["Moved"]["url"] == new
    cycle(config)
    assert server.hits["/old.xml"] == 1
    assert server.hits["/en/feed.xml"] == 2


def test_the_same_article_in_two_feeds_is_stored_once(server: FeedServer, tmp_path: Path) -> None:
    url = serve_site(server, "en", EN)
    twin = rss("twin", EN, "/en/articles/", guid=False)
    config = load(tmp_path, [
        {"name": "A", "url": url}, {"name": "B", "url": server.add("/twin.xml", twin)},
    ])  # fmt: skip
    # Feed A's guids are not URLs, so its keys are guid-based; B's are the canonical URLs.
    cycle(config)
    rows = articles(config)
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)) == 4
    twin_again = cycle(config, feeds=[config.feed("B")])
    assert twin_again.as_json()["new_articles"] == 0


def test_encodings_survive_the_whole_way(server: FeedServer, tmp_path: Path) -> None:
    body = (DATA / "feeds/mislabelled.xml").read_bytes()
    url = server.add("/latin.xml", body, content_type="text/xml; charset=utf-8")
    config = load(tmp_path, [{"name": "Latin", "url": url, "fulltext": False}])
    cycle(config)
    assert articles(config)[0]["title"] == "Díaz-Canel y la crisis energética en Cuba"


def test_a_page_in_windows_1252_is_read_in_it(server: FeedServer, tmp_path: Path) -> None:
    """A page served as ISO-8859-1 that says so in its HTTP header only was guessed at,
    and an English page's one Spanish name came out "Nicolįs Maduro"."""
    lead = (
        "Since the capture of Venezuela's president Nicolás Maduro in January, the flow "
        "of Venezuelan oil to Cuba has stopped, deepening blackouts across the island."
    )
    s = story("oil", "Oil to Cuba stops", lead)
    html = page(s).replace('<meta charset="utf-8">', "")
    server.add("/l/articles/oil.html", html.encode("cp1252"),
               content_type="text/html; charset=ISO-8859-1")  # fmt: skip
    url = server.add("/l/feed.xml", rss("l", [replace(s, summary="Oil.")], "/l/articles/"))
    config = load(tmp_path, [{"name": "Latin", "url": url}])
    cycle(config)
    [row] = articles(config)
    assert row["text_source"] == "page"
    assert "president Nicolás Maduro in January" in row["text"]


def test_extraction_starts_before_the_last_feed_arrives(server: FeedServer, tmp_path: Path) -> None:
    fast = serve_site(server, "en", EN)
    slow = server.add("/slow.xml", rss("slow", ES, "/es/articles/"), delay=2.0)
    config = load(tmp_path, [{"name": "Slow", "url": slow}, {"name": "Fast", "url": fast}])
    finished: dict[str, float] = {}
    started = time.monotonic()

    class Progress:
        def begin(self, feeds: int) -> None:
            assert feeds == 2

        def done(self, outcome: FeedOutcome) -> None:
            finished[outcome.feed] = time.monotonic() - started

    cycle(config, progress=Progress())
    # Fast's articles were fetched, extracted and stored while Slow was still answering.
    assert finished["Fast"] < 2.0 <= finished["Slow"]
    assert server.hits["/en/articles/oil.html"] == 1


def test_an_unexpected_error_in_one_feed_is_that_feeds_failure(tmp_path: Path) -> None:
    feeds = [{"name": n, "url": f"https://{n}.example/rss", "fulltext": False} for n in "ab"]
    config = load(tmp_path, feeds)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "a.example":
            raise RuntimeError("a bug below us")
        return httpx.Response(
            200, text=rss("b", EN), headers={"Content-Type": "application/rss+xml"}
        )

    async def main() -> RunReport:
        store = Store.open(config.database)
        try:
            async with (
                Fetcher(config.settings.fetch, transport=httpx.MockTransport(answer)) as fetcher,
                ExtractorPool(1, 30) as extractor,
            ):
                return await Poller(config, store, fetcher, extractor).run()
        finally:
            store.close()

    report = asyncio.run(main())
    assert (report.count("ok"), report.count("failed")) == (1, 1)
    assert [o.error for o in report.outcomes] == [
        "unexpected error: RuntimeError: a bug below us",
        None,
    ]
    assert len(articles(config)) == len(EN)
    state = feeds_table(config)["a"]
    assert (state["last_error"], state["consecutive_failures"]) == (report.outcomes[0].error, 1)


def test_a_page_that_failed_for_a_passing_reason_is_tried_again(
    server: FeedServer, tmp_path: Path
) -> None:
    stories = [
        Story("oil", "Tankers turn back from Cuba", ("Cuba says tankers turned back.",
              "Washington warned shippers that cargoes bound for Havana face sanctions.") * 3),
        EN[1],
    ]  # fmt: skip
    url = serve_site(server, "en", stories)
    server.routes["/en/articles/oil.html"].status = 503  # the page fails, for now
    server.routes["/en/articles/talks.html"].status = 404  # this one fails for good
    config = load_config(
        write_config(
            tmp_path, [{"name": "English", "url": url}], watchlists={"relations": RELATIONS}
        )
    )
    start = datetime(2026, 2, 1, 12, tzinfo=UTC)
    first = cycle(config, clock=lambda: start)
    assert first.pages_recovered == 0
    by_title = {r["title"]: r for r in articles(config)}
    oil, talks = by_title[stories[0].title], by_title[EN[1].title]
    assert (oil["text_source"], oil["page_attempts"]) == ("summary", 1)
    assert oil["page_retry_at"] == "2026-02-01T12:30:00+00:00"
    assert (talks["text_source"], talks["page_retry_at"]) == ("summary", None)

    server.routes["/en/articles/oil.html"].status = 200
    too_soon = cycle(config, clock=lambda: start + timedelta(minutes=10))
    assert too_soon.pages_recovered == 0
    assert server.hits["/en/articles/oil.html"] == 1
    later = cycle(config, clock=lambda: start + timedelta(minutes=31))
    assert later.pages_recovered == 1
    oil = {r["title"]: r for r in articles(config)}[stories[0].title]
    assert (oil["text_source"], oil["page_retry_at"]) == ("page", None)
    assert "Washington warned shippers" in oil["text"]  # the page's own text
    assert server.hits["/en/articles/talks.html"] == 1  # a 404 is not tried again
    store = Store.open(config.database)
    try:
        (hit,) = store.hits(watchlist="relations")
    finally:
        store.close()
    # The summary named only Cuba; the page's text names Washington too: rematched.
    assert hit.title == stories[0].title
    assert set(hit.hit.term_names) == {"Cuba", "Havana", "United States"}


def test_page_retries_stop_after_the_last_try(server: FeedServer, tmp_path: Path) -> None:
    url = serve_site(server, "en", EN[:1])
    server.routes["/en/articles/oil.html"].status = 503
    config = load(tmp_path, [{"name": "English", "url": url}])
    start = datetime(2026, 2, 1, 12, tzinfo=UTC)
    for hours in (0, 1, 3, 12, 24, 48):
        cycle(config, clock=lambda h=hours: start + timedelta(hours=h))
    (oil,) = articles(config)
    assert (oil["page_attempts"], oil["page_retry_at"]) == (4, None)
    assert server.hits["/en/articles/oil.html"] == 4


def test_an_unchanged_cycle_starts_no_extraction_worker(server: FeedServer, tmp_path: Path) -> None:
    config = load(tmp_path, [{"name": "English", "url": serve_site(server, "en", EN)}])
    cycle(config)

    async def again() -> tuple[RunReport, bool]:
        store = Store.open(config.database)
        try:
            async with Fetcher(config.settings.fetch) as fetcher, ExtractorPool(1, 10) as pool:
                report = await Poller(config, store, fetcher, pool).run()
                return report, pool.started
        finally:
            store.close()

    report, started = asyncio.run(again())
    assert report.count("not_modified") == 1
    assert started is False


def test_pages_are_not_stuck_behind_the_feeds_of_their_host(
    server: FeedServer, tmp_path: Path
) -> None:
    feeds = []
    for i in range(12):  # one host, two requests at a time
        serve_site(server, f"s{i}", EN[:1])
        url = server.add(f"/s{i}/feed.xml", rss(f"s{i}", EN[:1], f"/s{i}/articles/"), delay=0.1)
        feeds.append({"name": f"s{i}", "url": url})
    config = load(tmp_path, feeds)
    cycle(config)
    order = server.order
    first_page = next(i for i, path in enumerate(order) if "/articles/" in path)
    last_feed = max(i for i, path in enumerate(order) if path.endswith("feed.xml"))
    assert first_page < last_feed  # pages flowed while feeds of the same host waited
    assert len(articles(config)) == 12


def test_an_entry_without_a_date_takes_the_pages(server: FeedServer, tmp_path: Path) -> None:
    body = (
        rss("en", EN[:1], "/en/articles/").replace("<pubDate>", "<x>").replace("</pubDate>", "</x>")
    )
    serve_site(server, "en", EN[:1])
    url = server.add("/en/nodate.xml", body)
    config = load(tmp_path, [{"name": "English", "url": url, "language": "en"}])
    cycle(config)
    [row] = articles(config)
    assert row["published"].startswith("2026-02-01T12:00")  # the page's article tag
    assert row["language"] == "en"


def test_terms_of_some_dates_count_by_the_entrys_date(server: FeedServer, tmp_path: Path) -> None:
    """The feed's entries are of February 2026 (tests/support/news.py)."""
    dated = "groups:\n  cuba:\n    - {term: Castro, %s}\n  us: [United States]\n"
    rule = "match: {all: [cuba, us]}\n"
    lists = {
        "then": dated % "until: 2026-01-31" + rule,
        "now": dated % "since: 2026-02-01" + rule,
    }
    talks = [story("castro", "Castro meets United States envoys", "Castro met the envoys.")]
    feeds = [{"name": "Wire", "url": serve_site(server, "en", talks)}]
    config = load_config(write_config(tmp_path, feeds, watchlists=lists))
    assert cycle(config).as_json()["hits"] == 1
    store = Store.open(config.database)
    try:
        assert [r["watchlist"] for r in store.rows("SELECT watchlist FROM hits")] == ["now"]
    finally:
        store.close()


@pytest.mark.parametrize("language", ["es-CU", "es_CU", "ES", "es-419", "spa"])
def test_a_feeds_language_in_any_usual_tag_is_the_watchlists_code(
    server: FeedServer, tmp_path: Path, language: str
) -> None:
    """A feed configured as "es-CU" (which was accepted) gave its articles the language
    "es-CU", so terms limited to Spanish never counted in them."""
    lists = {"w": "groups:\n  cuba: [Cuba]\n  us:\n    - {term: EEUU, languages: [es]}\n"
                  "match: {all: [cuba, us]}\n"}  # fmt: skip
    talks = [story("dialogo", "Cuba y EEUU reanudan el diálogo", "Se reunieron hoy.", "es")]
    feeds = [{"name": "Prensa", "url": serve_site(server, "es", talks), "language": language}]
    config = load_config(write_config(tmp_path, feeds, watchlists=lists))
    assert cycle(config).as_json()["hits"] == 1
    [row] = articles(config)
    assert row["language"] == "es"
