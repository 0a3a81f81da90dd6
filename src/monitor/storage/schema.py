"""The database schema, as an ordered list of migrations (sqlite-utils ``Migrations``).

Add new migrations at the end; never edit one that has shipped. Each runs in a
transaction together with the record of it having been applied.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("monitor")


@migrations()
def m001_feeds_and_articles(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,        -- as in feeds.yaml
            config_url TEXT NOT NULL,         -- the URL feeds.yaml gives
            url TEXT NOT NULL,                -- the URL we fetch (after permanent redirects)
            active INTEGER NOT NULL DEFAULT 1, -- 0 once removed from feeds.yaml (articles stay)
            etag TEXT,
            last_modified TEXT,
            created_at TEXT NOT NULL,
            last_fetched_at TEXT,             -- last attempt, whatever the outcome
            last_ok_at TEXT,                  -- last 200 or 304
            last_new_at TEXT,                 -- last time the feed had an entry we lacked
            last_status TEXT,                 -- ok | not_modified | failed
            last_error TEXT,                  -- one line; null after a success
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            failing_since TEXT,               -- first failure of the current streak
            next_due_at TEXT                  -- null: due now
        )
        """
    )
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,         -- stable entry key: url:…, guid:…, hash:…
            feed_id INTEGER NOT NULL REFERENCES feeds(id),
            url TEXT NOT NULL,                -- canonical; '' when the entry had no link
            title TEXT NOT NULL,
            summary TEXT NOT NULL,            -- the feed's summary, HTML removed
            text TEXT NOT NULL,               -- best text: page, else summary, else ''
            text_source TEXT NOT NULL CHECK (text_source IN ('page', 'summary', 'title')),
            author TEXT,
            language TEXT,
            source TEXT,                      -- publisher named by the entry (Google News)
            published TEXT,                   -- UTC ISO 8601; null when unknown
            fetched_at TEXT NOT NULL          -- first seen, UTC ISO 8601
        )
        """
    )
    db.execute("CREATE INDEX articles_url ON articles(url)")
    db.execute("CREATE INDEX articles_fetched_at ON articles(fetched_at)")
    db.execute("CREATE INDEX articles_feed ON articles(feed_id)")
    # remove_diacritics 2: "Díaz-Canel" and "Diaz Canel" index and search alike.
    db["articles"].enable_fts(  # type: ignore[union-attr]
        ["title", "text"], tokenize="unicode61 remove_diacritics 2", create_triggers=True
    )
