"""SMTP faults with a real server (aiosmtpd) and the real command: hits kept and sent next
time; a delivery left unconfirmed goes out again as the identical message."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from monitor.config import Config, load_config
from monitor.matching.matcher import Matcher
from monitor.storage import Store
from monitor.types import Article, FeedUpdate
from tests.support.cli import invoke
from tests.support.config import RELATIONS, write_config
from tests.support.smtp import free_port

TITLES = ["Cuba and the United States talk", "Havana answers Washington", "EE.UU. y La Habana"]


@dataclass
class Server:
    """An SMTP server that misbehaves on request."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse_recipients: bool = False
    #: Hang up after receiving the message, before saying 250, this many times.
    drops: int = 0
    #: SIGKILL this process after receiving the message, before saying 250, this many times.
    kill: int | None = None
    kills: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refuse_recipients:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.kills and self.kill is not None:
            self.kills -= 1
            os.kill(self.kill, signal.SIGKILL)
        if self.drops:
            self.drops -= 1
            server.transport.abort()
        return "250 OK"


@contextmanager
def smtp(server: Server) -> Iterator[int]:
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def setup(tmp_path: Path, port: int) -> Config:
    config = load_config(
        write_config(
            tmp_path,
            [{"name": "Wire", "url": "https://wire.example/rss"}],
            {"email": {"transport": "smtp", "smtp": {"host": "127.0.0.1", "port": port,
                                                      "timeout": "5s"}}},
            {"relations": RELATIONS},
        )
    )  # fmt: skip
    store = Store.open(config.database)
    now = datetime.now(UTC) - timedelta(hours=1)
    feed_id = store.sync_feeds(config.feeds, now)["Wire"].feed_id
    matcher = Matcher(config.watchlists)
    articles = tuple(
        Article(key=f"url:{t}", feed="Wire", url=f"https://wire.example/{i}", title=t, summary="",
                text="", text_source="title", published=now, fetched_at=now)
        for i, t in enumerate(TITLES)
    )  # fmt: skip
    hits = tuple((a.key, h) for a in articles for h in matcher.match(a.title, a.text))
    store.save_feed_update(
        FeedUpdate(feed_id=feed_id, fetched_at=now, status="ok", next_due_at=now,
                   consecutive_failures=0, articles=articles, hits=hits)
    )  # fmt: skip
    store.close()
    return config


def state(config: Config) -> dict[str, Any]:
    db = sqlite3.connect(config.database)
    return {
        "unsent": db.execute("SELECT count(*) FROM hits WHERE digest_id IS NULL").fetchone()[0],
        "digests": db.execute(
            "SELECT count(DISTINCT digest_id) FROM hits WHERE digest_id IS NOT NULL"
        ).fetchone()[0],
        "sent": db.execute("SELECT count(*) FROM digests WHERE sent_at IS NOT NULL").fetchone()[0],
        "attempts": db.execute("SELECT sum(attempts) FROM digests").fetchone()[0],
    }


def digest(config: Config) -> tuple[int, str, str]:
    result = invoke("--config", str(config.directory), "digest")
    return result.returncode, result.stdout, result.stderr


def test_a_server_that_is_down_loses_nothing(tmp_path: Path) -> None:
    config = setup(tmp_path, free_port())
    code, _out, err = digest(config)
    assert code == 1
    assert err.startswith("monitor: cannot reach SMTP server 127.0.0.1:")
    assert state(config)["unsent"] == 3
    server = Server()
    with smtp(server) as port:
        config = setup(tmp_path / "up", port)
        assert digest(config)[0] == 0
    assert (len(server.messages), state(config)["unsent"]) == (1, 0)


def test_refused_recipients_keep_the_hits_for_the_next_digest(tmp_path: Path) -> None:
    server = Server(refuse_recipients=True)
    with smtp(server) as port:
        config = setup(tmp_path, port)
        code, _out, err = digest(config)
        assert code == 1
        assert "refused every recipient" in err
        assert state(config)["unsent"] == 3  # released: nothing went out
        server.refuse_recipients = False
        assert digest(config)[0] == 0
    (message,) = server.messages
    assert all(t in message.get_body(("plain",)).get_content() for t in TITLES)  # type: ignore[union-attr]
    assert state(config) | {"attempts": 0} == {"unsent": 0, "digests": 1, "sent": 1, "attempts": 0}


def test_a_connection_closed_mid_data_sends_the_same_message_again(tmp_path: Path) -> None:
    server = Server(drops=1)
    with smtp(server) as port:
        config = setup(tmp_path, port)
        code, _out, err = digest(config)
        assert code == 1
        assert "broke while sending" in err
        assert state(config)["unsent"] == 0  # reserved: the same digest is still owed
        code, out, _err = digest(config)
        assert code == 0
        assert "delivered again the digest of" in out
        assert digest(config)[1].startswith("no new hits")
    first, second = server.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Date"] == second["Date"]
    assert first.as_bytes() == second.as_bytes()
    assert state(config) == {"unsent": 0, "digests": 1, "sent": 1, "attempts": 2}


def test_crashes_after_acceptance_resend_only_identical_copies(tmp_path: Path) -> None:
    """SIGKILL between the server's acceptance and the record, four times running."""
    server = Server()
    with smtp(server) as port:
        config = setup(tmp_path, port)
        command = [sys.executable, "-m", "monitor", "--config", str(config.directory), "digest"]
        for _crash in range(4):
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            server.kill, server.kills = process.pid, 1
            process.communicate(timeout=60)
            assert process.returncode == -signal.SIGKILL
        last = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert last.returncode == 0, last.stderr
    assert len(server.messages) == 5  # one delivery and one per crash: what SMTP allows
    assert len({m["Message-ID"] for m in server.messages}) == 1
    assert len({m["Date"] for m in server.messages}) == 1
    assert len({m.as_bytes() for m in server.messages}) == 1
    assert state(config) == {"unsent": 0, "digests": 1, "sent": 1, "attempts": 5}
