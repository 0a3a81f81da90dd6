"""The database schema, as an ordered list of migrations (sqlite-utils ``Migrations``).

Add new migrations at the end; never edit one that has shipped. Each runs in a
transaction together with the record of it having been applied. Migrations look alike
(``ALTER TABLE … ADD COLUMN``) and stay written out: a shipped one must read as what it
did, not as a call to a helper that may change.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("monitor")


def unknown(db: Database) -> list[str]:
    """Migrations applied to ``db`` that this version does not have: a newer version
    wrote it, and what this one writes could break what that one keeps (docs/deploy.md)."""
    # sqlite-utils keeps the list it applies there, and has no public name for it.
    known = {m.name for m in migrations._migrations}
    return [m.name for m in migrations.applied(db) if m.name not in known]


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


@migrations()
def m002_hits(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE hits (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            watchlist TEXT NOT NULL,          -- the watchlist file's stem
            score REAL NOT NULL,
            terms TEXT NOT NULL,              -- JSON: one object per term and field
            snippet TEXT NOT NULL,            -- the best sentence, plain text
            marks TEXT NOT NULL,              -- JSON: [[start, end], ...] into snippet
            tags TEXT NOT NULL DEFAULT '[]',  -- JSON: the watchlist's tags when matched
            matched_at TEXT NOT NULL,         -- UTC ISO 8601
            UNIQUE (article_id, watchlist)
        )
        """
    )
    db.execute("CREATE INDEX hits_matched_at ON hits(matched_at)")
    db.execute("CREATE INDEX hits_watchlist ON hits(watchlist)")


@migrations()
def m003_digests(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,         -- when it was built, UTC ISO 8601
            sent_at TEXT,                     -- null until delivered
            date TEXT NOT NULL,               -- the digest's local date (YYYY-MM-DD)
            subject TEXT NOT NULL,
            message_id TEXT NOT NULL,
            transport TEXT NOT NULL,          -- file | smtp
            items INTEGER NOT NULL,           -- stories in it
            hits INTEGER NOT NULL,            -- hits tied to it
            location TEXT                     -- the file written, or the SMTP server
        )
        """
    )
    # Null until the hit is put in a digest: set when the digest is reserved, before it
    # is delivered (``reserve_digest``), and cleared again if the digest is released
    # undelivered; a hit whose digest has ``sent_at`` was delivered.
    db.execute("ALTER TABLE hits ADD COLUMN digest_id INTEGER REFERENCES digests(id)")
    db.execute("CREATE INDEX hits_digest ON hits(digest_id)")


@migrations()
def m004_keys_scoped_by_feed(db: Database) -> None:
    # Bare guids and hashed keys were scoped by the feed's host, so "12345" in two feeds
    # of one site was one entry; they are scoped by the feed now: guid:feed7:12345.
    db.execute(
        """
        UPDATE articles SET key = substr(key, 1, 5) || 'feed' || feed_id || ':'
            || substr(key, 6 + instr(substr(key, 6), ':'))
        WHERE (key LIKE 'guid:%' OR key LIKE 'hash:%') AND instr(substr(key, 6), ':') > 0
        """
    )


@migrations()
def m005_digest_messages(db: Database) -> None:
    # A digest is recorded before it is sent, with the exact message: after a crash
    # mid-send the same bytes (same Message-ID and Date) go out again, never a new one.
    db.execute("ALTER TABLE digests ADD COLUMN message BLOB")
    db.execute("ALTER TABLE digests ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")


@migrations()
def m006_gone_feeds_and_page_retries(db: Database) -> None:
    # A feed that answered 410 Gone: when it first did; null once it answers again.
    db.execute("ALTER TABLE feeds ADD COLUMN gone_since TEXT")
    # A page that could not be fetched for a passing reason (timeout, 5xx) is tried
    # again later, a few times; null when no retry is planned.
    db.execute("ALTER TABLE articles ADD COLUMN page_attempts INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE articles ADD COLUMN page_retry_at TEXT")
    db.execute("CREATE INDEX articles_page_retry ON articles(page_retry_at)")


@migrations()
def m007_service_state(db: Database) -> None:
    # What the running service says of itself, for `monitor status` and the healthcheck:
    # its pid, when it started, its last heartbeat (each cycle), and the digest time it
    # last handled (so one missed while it was down is sent once at start).
    db.execute("CREATE TABLE service (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations()
def m008_stories(db: Database) -> None:
    # Each article's story: the id of the story's first article (its own when it starts
    # one), and why it joined; null until it is placed (stories.placing).
    db.execute("ALTER TABLE articles ADD COLUMN story_id INTEGER")
    db.execute("ALTER TABLE articles ADD COLUMN story_reason TEXT")
    db.execute("CREATE INDEX articles_story ON articles(story_id)")
    # What clustering compares, kept so that placing a new article never recomputes the
    # archive's (stories.features): JSON lists, and the MinHash signature's bytes.
    db.execute(
        """
        CREATE TABLE story_features (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            signature BLOB NOT NULL,
            text_hash TEXT NOT NULL,
            words INTEGER NOT NULL,
            title_words TEXT NOT NULL,
            numbers TEXT NOT NULL,
            names TEXT NOT NULL,
            terms TEXT NOT NULL,
            language TEXT,
            at TEXT NOT NULL                  -- published, else first seen (UTC ISO 8601)
        )
        """
    )
    db.execute("CREATE INDEX story_features_at ON story_features(at)")


@migrations()
def m009_story_evidence(db: Database) -> None:
    # What a report says happened (the uncommon words of its lead) and what it counts
    # ("27 balsero"), compared for the same event (stories.evidence). Features stored
    # before have neither; `monitor recluster` computes them again.
    db.execute("ALTER TABLE story_features ADD COLUMN lead_words TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE story_features ADD COLUMN counts TEXT NOT NULL DEFAULT '[]'")


@migrations()
def m010_page_errors_and_quarantine(db: Database) -> None:
    # Why the page's text is not the article's (one line), shown by `explain`; null when
    # the page gave the text or was never wanted.
    db.execute("ALTER TABLE articles ADD COLUMN page_error TEXT")
    # Pages whose extraction killed its worker twice, the second time alone: never
    # extracted again, whatever entry links to them (ingest.extract).
    db.execute(
        """
        CREATE TABLE quarantined_pages (
            url TEXT PRIMARY KEY,
            reason TEXT NOT NULL,             -- one line
            at TEXT NOT NULL                  -- UTC ISO 8601
        )
        """
    )


@migrations()
def m011_corrections(db: Database) -> None:
    # What the feed said of the entry when it was last stored (ingest.corrections): a
    # feed that says something else corrected it. Null for articles stored before.
    db.execute("ALTER TABLE articles ADD COLUMN entry_revision TEXT")
    db.execute("ALTER TABLE articles ADD COLUMN corrections INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE articles ADD COLUMN corrected_at TEXT")
    # 1 for a hit found by a correction: the digest shows it as updated, even when the
    # article was first seen before the digest's window.
    db.execute("ALTER TABLE hits ADD COLUMN corrected INTEGER NOT NULL DEFAULT 0")


@migrations()
def m012_alerts(db: Database) -> None:
    # One row per (article, watchlist, channel): recorded before delivery, confirmed
    # after (jobs.alerts). ``channel`` is the watchlist's ``to:`` entry as written (the
    # name of an environment variable, or a URL without a secret), never a resolved one.
    db.execute(
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL,
            watchlist TEXT NOT NULL,
            channel TEXT NOT NULL,
            story_id INTEGER,
            state TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            next_at TEXT NOT NULL,
            sent_at TEXT,
            error TEXT,
            UNIQUE (article_id, watchlist, channel)
        )
        """
    )
    db.execute("CREATE INDEX alerts_due ON alerts(state, next_at)")
    db.execute("CREATE INDEX alerts_story ON alerts(story_id, channel)")


@migrations()
def m013_hit_terms_view(db: Database) -> None:
    # The terms of each hit, one per row: what hits.terms holds as JSON, readable in
    # `monitor browse` and in any SQL client.
    db.execute(
        """
        CREATE VIEW hit_terms AS
        SELECT h.id AS hit_id, h.article_id, h.watchlist,
            json_extract(t.value, '$.term') AS term,
            json_extract(t.value, '$.group') AS "group",
            json_extract(t.value, '$.alias') AS alias,
            json_extract(t.value, '$.field') AS field,
            json_extract(t.value, '$.count') AS count,
            json_extract(t.value, '$.score') AS score
        FROM hits h, json_each(h.terms) t
        """
    )


@migrations()
def m014_index_text_only_when_it_changes(db: Database) -> None:
    # The full-text index followed every UPDATE of an article, so placing it in a story
    # (story_id) or counting a page attempt tokenised its whole text twice more. It now
    # follows only a change of the title or the text, the two columns it indexes.
    db.execute("DROP TRIGGER articles_au")
    db.execute(
        """
        CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
          INSERT INTO articles_fts (articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
          INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END
        """
    )
