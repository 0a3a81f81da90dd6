"""Delivery through a real SMTP server and to files; sent exactly once; nothing lost."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from monitor.config import Config, load_config
from monitor.config.schema import DigestSettings, SmtpSettings
from monitor.errors import DeliveryError
from monitor.jobs.send import last_due, send_digest, transport_for
from monitor.matching.matcher import Matcher
from monitor.outputs.mail import SmtpTransport
from monitor.storage import Store
from monitor.types import Article, FeedUpdate
from tests.support.config import RELATIONS, write_config
from tests.support.smtp import smtp_server

NOW = datetime(2026, 2, 10, 12, tzinfo=UTC)
TITLES = [
    "EE.UU. amenaza con aranceles a quien venda crudo a La Habana",
    "Cuba offers meaningful dialogue with the United States",
    "Washington returns Cuba to the terrorism list",
]


def setup(tmp_path: Path, **settings: Any) -> tuple[Config, Store]:
    config = load_config(
        write_config(
            tmp_path,
            [{"name": "Wire", "url": "https://wire.example/rss"}],
            settings,
            {"relations": RELATIONS},
        )
    )
    store = Store.open(config.database)
    add_articles(config, store, TITLES, NOW - timedelta(hours=2))
    return config, store


def add_articles(config: Config, store: Store, titles: list[str], when: datetime) -> None:
    feed_id = store.sync_feeds(config.feeds, when)["Wire"].feed_id
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    articles = tuple(
        Article(key=f"url:{t}", feed="Wire", url=f"https://wire.example/{abs(hash(t))}", title=t,
                summary="", text="", text_source="title", published=when, fetched_at=when)
        for t in titles
    )  # fmt: skip
    hits = tuple((a.key, h) for a in articles for h in matcher.match(a.title, a.text))
    store.save_feed_update(
        FeedUpdate(feed_id=feed_id, fetched_at=when, status="ok", next_due_at=when,
                   consecutive_failures=0, articles=articles, hits=hits)
    )  # fmt: skip


def smtp(port: int, **kwargs: Any) -> SmtpTransport:
    context = kwargs.pop("context", None)
    settings = SmtpSettings(host="127.0.0.1", port=port, timeout=timedelta(seconds=5), **kwargs)
    return SmtpTransport(settings, context)


def unsent(store: Store) -> int:
    return len(store.rows("SELECT id FROM hits WHERE digest_id IS NULL"))


def test_plain_smtp_sends_one_multipart_email_with_every_hit(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    with smtp_server() as (inbox, port, _context):
        outcome = send_digest(config, store, smtp(port), NOW)
        again = send_digest(config, store, smtp(port), NOW + timedelta(minutes=5))
    assert outcome.delivered_to == f"127.0.0.1:{port}"
    assert again.delivered_to is None  # nothing new: nothing sent twice
    (msg,) = inbox.messages
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    for title in TITLES:
        assert title in text
    assert "[" not in msg["Subject"]
    assert "<mark" in html
    assert "*La Habana*" in text  # each item's snippet, matched words marked
    assert unsent(store) == 0
    (digest,) = store.sent_digests()
    assert (digest.items, digest.hits, digest.date) == (3, 3, "2026-02-10")


def test_starttls_with_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, store = setup(tmp_path)
    monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "s3cret")
    with smtp_server(starttls=True, password="s3cret") as (inbox, port, context):
        send_digest(
            config, store, smtp(port, starttls=True, username="monitor", context=context), NOW
        )
    assert inbox.tls == [True]
    assert inbox.logins == ["monitor"]


def test_implicit_tls(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    with smtp_server(implicit_tls=True) as (inbox, port, context):
        send_digest(config, store, smtp(port, ssl=True, context=context), NOW)
    assert inbox.tls == [True]


def test_plain_text_is_refused_where_starttls_is_required(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    with (
        smtp_server(starttls=True) as (inbox, port, _context),
        pytest.raises(DeliveryError, match="530"),
    ):
        send_digest(config, store, smtp(port), NOW)
    assert inbox.messages == []
    assert unsent(store) == 3


def test_wrong_password_and_missing_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, store = setup(tmp_path)
    with smtp_server(starttls=True, password="right") as (_inbox, port, context):
        transport = smtp(port, starttls=True, username="monitor", context=context)
        monkeypatch.setenv("MONITOR_SMTP_PASSWORD", "wrong")
        with pytest.raises(DeliveryError, match=r"login .* refused"):
            send_digest(config, store, transport, NOW)
        monkeypatch.delenv("MONITOR_SMTP_PASSWORD")
        with pytest.raises(DeliveryError, match="MONITOR_SMTP_PASSWORD"):
            send_digest(config, store, transport, NOW)
    assert unsent(store) == 3


def test_server_down_loses_nothing_and_the_next_run_sends_once(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    with smtp_server() as (_inbox, port, _context):
        pass  # started and stopped: the port is closed now
    with pytest.raises(DeliveryError, match="cannot reach SMTP server"):
        send_digest(config, store, smtp(port), NOW)
    assert unsent(store) == 3
    assert store.sent_digests() == []
    add_articles(config, store, ["Havana and Washington talk again"], NOW - timedelta(minutes=30))
    with smtp_server() as (inbox, port, _context):
        send_digest(config, store, smtp(port), NOW + timedelta(hours=1))
        send_digest(config, store, smtp(port), NOW + timedelta(hours=2))
    (msg,) = inbox.messages
    text = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert all(t in text for t in [*TITLES, "Havana and Washington talk again"])
    assert unsent(store) == 0


def test_file_transport_writes_dated_digests_and_an_index(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    first = send_digest(config, store, transport_for(config), NOW)
    add_articles(config, store, ["Havana and Washington talk again"], NOW)
    second = send_digest(config, store, transport_for(config), NOW + timedelta(hours=1))
    folder = tmp_path / "data" / "digests"
    assert first.delivered_to == str(folder / "2026-02-10.eml")
    assert second.delivered_to == str(folder / "2026-02-10-2.eml")
    assert sorted(p.name for p in folder.iterdir()) == [
        "2026-02-10-2.eml", "2026-02-10-2.html", "2026-02-10.eml", "2026-02-10.html", "index.html",
    ]  # fmt: skip
    index = (folder / "index.html").read_text()
    assert index.index('href="2026-02-10-2.html"') < index.index('href="2026-02-10.html"')
    assert (
        TITLES[0].replace(".", "&#46;") in (folder / "2026-02-10.html").read_text()
        or TITLES[1] in (folder / "2026-02-10.html").read_text()
    )


def test_send_empty(tmp_path: Path) -> None:
    config = load_config(
        write_config(tmp_path, [], {"digest": {"send_empty": True}}, {"relations": RELATIONS})
    )
    store = Store.open(config.database)
    outcome = send_digest(config, store, transport_for(config), NOW)
    assert outcome.delivered_to is not None
    assert "No new US–Cuba items" in Path(outcome.delivered_to).read_text()


def test_hits_too_old_for_the_window_wait_outside_it(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    outcome = send_digest(config, store, transport_for(config), NOW + timedelta(days=30))
    assert outcome.delivered_to is None
    again = send_digest(
        config, store, transport_for(config), NOW + timedelta(days=30), since=timedelta(days=60)
    )
    assert again.digest.item_count == 3
    db = sqlite3.connect(config.database)
    assert db.execute("SELECT count(*) FROM hits WHERE digest_id IS NOT NULL").fetchone() == (3,)


def test_an_address_with_accents_needs_a_server_that_takes_it(tmp_path: Path) -> None:
    to = ["josé@ejemplo.org", "reader@example.org"]
    config, store = setup(tmp_path, digest={"to": to})
    with smtp_server() as (inbox, port, _context):
        with pytest.raises(DeliveryError) as refused:
            send_digest(config, store, smtp(port), NOW)
        assert inbox.messages == []
    assert str(refused.value) == (
        f"SMTP server 127.0.0.1:{port} does not take addresses with accents or other "
        "non-ASCII letters (it does not offer SMTPUTF8): josé@ejemplo.org"
    )
    assert unsent(store) == 3  # kept for a server that takes it
    with smtp_server(smtputf8=True) as (inbox, port, _context):
        send_digest(config, store, smtp(port), NOW + timedelta(hours=1))
    (msg,) = inbox.messages
    assert msg["To"] == "josé@ejemplo.org, reader@example.org"
    assert unsent(store) == 0


def test_addresses_with_names_as_mail_clients_write_them(tmp_path: Path) -> None:
    sender = "US–Cuba Monitor <monitor@example.org>"
    to = ["Ana Pérez <ana@example.org>", '"Desk, News" <desk@example.org>', "r@example.org"]
    config, store = setup(tmp_path, digest={"from": sender, "to": to})
    with smtp_server() as (inbox, port, _context):
        send_digest(config, store, smtp(port), NOW)
    (msg,) = inbox.messages
    assert (msg["From"].addresses[0].display_name, msg["From"].addresses[0].addr_spec) == (
        "US–Cuba Monitor", "monitor@example.org",
    )  # fmt: skip
    assert [a.display_name for a in msg["To"].addresses] == ["Ana Pérez", "Desk, News", ""]
    # The server is given the bare addresses; the Message-ID the sender's domain.
    assert inbox.envelopes == [
        ("monitor@example.org", ["ana@example.org", "desk@example.org", "r@example.org"])
    ]
    assert msg["Message-ID"].endswith("@example.org>")


@pytest.mark.parametrize(
    ("zone", "at", "day", "sent_at"),
    [
        # March: the time is skipped; sent as the clocks jump past it.
        ("America/New_York", "02:30", "2026-03-08", "03:00"),
        ("America/Havana", "00:30", "2026-03-08", "01:00"),
        # November: the time comes twice; sent the first time only.
        ("America/New_York", "01:30", "2026-11-01", "01:30"),
        ("America/Havana", "00:30", "2026-11-01", "00:30"),
        ("Europe/Madrid", "02:30", "2026-10-25", "02:30"),
    ],
)
def test_a_digest_is_due_once_a_day_when_the_clocks_change(
    zone: str, at: str, day: str, sent_at: str
) -> None:
    """The service sends when the last due time is newer than the one it handled; minute
    by minute over three days around a change, that is once a day, at the local time."""
    settings = DigestSettings(time=at, timezone=zone)
    start = datetime.fromisoformat(f"{day}T00:00:00").replace(tzinfo=UTC) - timedelta(days=1)
    handled, sends = last_due(settings, start), []
    for minute in range(3 * 24 * 60):
        now = start + timedelta(minutes=minute)
        due = last_due(settings, now)
        if due > handled:
            handled = due
            sends.append(now.astimezone(ZoneInfo(zone)))
    assert len(sends) == 3
    [that_day] = [s for s in sends if s.date().isoformat() == day]
    assert that_day.strftime("%H:%M") == sent_at
