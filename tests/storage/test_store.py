"""storage: migrations, one row per key, search that ignores accents, atomic updates."""

from __future__ import annotations

import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.errors import StorageError
from monitor.storage import Store
from monitor.types import Article, Feed, FeedUpdate
from tests.support.db import count

NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)


def _article(key: str, title: str, text: str) -> Article:
    return Article(
        key=key, feed="F", url=f"https://x.example/{key}", title=title, summary="", text=text,
        text_source="page", published=NOW, fetched_at=NOW,
    )  # fmt: skip


def _update(feed_id: int, *articles: Article, etag: str | None = None) -> FeedUpdate:
    return FeedUpdate(
        feed_id=feed_id, fetched_at=NOW, status="ok", next_due_at=NOW + timedelta(minutes=30),
        consecutive_failures=0, etag=etag, articles=articles,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "data" / "m.db")
    yield s
    s.close()


def test_open_is_idempotent_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    Store.open(path).close()
    store = Store.open(path)
    assert store.rows("PRAGMA journal_mode")[0]["journal_mode"] == "wal"
    assert store.rows("PRAGMA foreign_keys")[0]["foreign_keys"] == 1
    names = [r["name"] for r in store.rows("SELECT name FROM _sqlite_migrations")]
    assert names == sorted(set(names))  # each applied once
    store.close()


def test_articles_are_stored_once_per_key(store: Store) -> None:
    feed_id = store.sync_feeds([Feed(name="F", url="https://x.example/rss")], NOW)["F"].feed_id
    a = _article("url:1", "Embargo", "text")
    assert list(store.save_feed_update(_update(feed_id, a, a))) == ["url:1"]
    assert store.save_feed_update(_update(feed_id, replace(a, title="changed"))) == {}
    assert count(store, "articles") == 1
    assert set(store.known_entries(["url:1", "url:2"])) == {"url:1"}


def test_search_ignores_accents_and_case_and_tracks_updates(store: Store) -> None:
    feed_id = store.sync_feeds([Feed(name="F", url="https://x.example/rss")], NOW)["F"].feed_id
    store.save_feed_update(
        _update(feed_id, _article("k1", "Díaz-Canel habla", "Sobre el petróleo y el bloqueo."))
    )
    for query in ("diaz canel", "PETROLEO", "petróleo bloqueo"):
        assert [r.title for r in store.search(query)] == ["Díaz-Canel habla"], query
    assert store.search("petroleo embargo") == []  # every word must occur
    assert "[petróleo]" in store.search("petroleo")[0].snippet
    store.db.execute("UPDATE articles SET text = 'nada' WHERE key = 'k1'")
    assert store.search("petroleo") == []
    for quotes in ('"', '""', '" "'):  # no word: nothing found, and no FTS5 syntax error
        assert store.search(quotes) == []


def test_a_feed_update_is_all_or_nothing(store: Store) -> None:
    feed_id = store.sync_feeds([Feed(name="F", url="https://x.example/rss")], NOW)["F"].feed_id
    bad = replace(_article("k2", "t", "x"), text_source="bogus")  # type: ignore[arg-type]
    with pytest.raises(StorageError):
        store.save_feed_update(_update(feed_id, _article("k1", "t", "x"), bad, etag='"new"'))
    assert count(store, "articles") == 0
    assert store.feed_states()[0].etag is None  # the validator did not get ahead of the data


def test_a_changed_config_url_starts_the_feed_afresh(store: Store) -> None:
    feed_id = store.sync_feeds([Feed(name="F", url="https://x.example/rss")], NOW)["F"].feed_id
    store.save_feed_update(_update(feed_id, etag='"x"'))
    state = store.sync_feeds([Feed(name="F", url="https://y.example/rss")], NOW)["F"]
    assert (state.feed_id, state.url, state.etag) == (feed_id, "https://y.example/rss", None)
    store.sync_feeds([], NOW)
    assert store.feed_states() == []  # removed from the config: inactive, articles kept


def test_a_second_writer_waits_instead_of_failing(store: Store) -> None:
    other = sqlite3.connect(store.path, timeout=0, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    releaser.start()
    started = time.monotonic()
    store.sync_feeds([Feed(name="F", url="https://x.example/rss")], NOW)
    releaser.join()
    other.close()
    assert time.monotonic() - started >= 0.4
    assert len(store.feed_states()) == 1


def _index(store: Store) -> list[bytes]:
    """The full-text index's stored blocks, as FTS5 keeps them."""
    return [r["block"] for r in store.rows("SELECT block FROM articles_fts_data ORDER BY id")]


def _index_is_sound(store: Store) -> None:
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")


def test_a_large_feed_update_stores_each_article_once_under_its_own_id(store: Store) -> None:
    feed_id = store.sync_feeds([Feed(name="F", url="https://x.example/rss")], NOW)["F"].feed_id
    store.save_feed_update(_update(feed_id, _article("k7", "stored before", "old")))
    articles = [_article(f"k{i}", f"Title {i}", f"palabra{i} y bloqueo") for i in range(150)]
    inserted = store.save_feed_update(_update(feed_id, *articles, articles[3]))
    assert list(inserted) == [f"k{i}" for i in range(150) if i != 7]  # as given, new only
    rows = store.rows("SELECT key, id, title FROM articles")
    assert {r["key"]: r["id"] for r in rows if r["key"] != "k7"} == inserted
    assert {r["key"]: r["title"] for r in rows}["k149"] == "Title 149"
    assert [r.title for r in store.search("palabra123")] == ["Title 123"]
    _index_is_sound(store)


def test_a_feed_update_indexes_its_articles_in_one_pass(store: Store) -> None:
    feed_id = store.sync_feeds([Feed(name="F", url="https://x.example/rss")], NOW)["F"].feed_id
    articles = [_article(f"k{i}", f"T {i}", f"palabra{i} texto " * 40) for i in range(20)]
    store.save_feed_update(_update(feed_id, *articles))
    written = len(_index(store))
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    assert written == len(_index(store))  # one segment, as a rebuild makes, not twenty


def test_the_index_follows_text_and_title_only(store: Store) -> None:
    feed_id = store.sync_feeds([Feed(name="F", url="https://x.example/rss")], NOW)["F"].feed_id
    store.save_feed_update(_update(feed_id, _article("k1", "Embargo", "Sobre el petróleo.")))
    before = _index(store)
    store.db.execute("UPDATE articles SET story_id = 1, story_reason = 'x', page_attempts = 2")
    assert _index(store) == before  # a story or a page attempt is not a new text
    store.db.execute("UPDATE articles SET title = 'Bloqueo'")
    assert [r.title for r in store.search("bloqueo")] == ["Bloqueo"]
    assert store.search("embargo") == []
    _index_is_sound(store)


def test_a_feed_named_decomposed_before_keeps_its_row_once_read_composed(store: Store) -> None:
    # feeds.yaml saved by an editor that writes "ñ" as "n" and a combining tilde (NFD):
    # config is now read composed, and the feed's state and entries must stay its own.
    decomposed = unicodedata.normalize("NFD", "Cubadebate en español")
    before = store.sync_feeds([Feed(name=decomposed, url="https://x.example/rss")], NOW)
    feed_id = before[decomposed].feed_id
    store.save_feed_update(_update(feed_id, _article("guid:1", "Título", "Texto"), etag='"v1"'))
    composed = "Cubadebate en español"
    after = store.sync_feeds([Feed(name=composed, url="https://x.example/rss")], NOW)[composed]
    assert (after.feed_id, after.etag) == (feed_id, '"v1"')
    assert [r["name"] for r in store.rows("SELECT name FROM feeds")] == [composed]


def test_a_database_a_newer_version_upgraded_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    Store.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('monitor', 'm999_from_the_future', '2030-01-01')"
        )
    before = path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(
            StorageError, match=r"written by a newer version .*m999_from_the_future"
        ):
            Store.open(path, readonly=readonly)
    assert path.read_bytes() == before
