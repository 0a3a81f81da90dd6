"""monitor digest as users run it: preview, save, send once, report failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import invoke, poll_once
from tests.support.config import RELATIONS, site_config
from tests.support.news import story
from tests.support.server import FeedServer
from tests.support.smtp import smtp_server

STORIES = [
    story(
        "a",
        "EE.UU. amenaza con aranceles a quien venda crudo a La Habana",
        "Washington presiona.",
        "es",
    ),
    story("b", "Cuba offers meaningful dialogue with the United States", "Havana is ready."),
]


@pytest.fixture
def polled(server: FeedServer, tmp_path: Path) -> Path:
    config = site_config(server, tmp_path, STORIES, {"relations": RELATIONS})
    assert poll_once(config)["hits"] == 2
    return config


def test_preview_renders_and_marks_nothing(polled: Path, tmp_path: Path) -> None:
    preview = invoke("--config", str(polled), "digest", "--preview")
    assert preview.returncode == 0
    assert STORIES[0].title in preview.stdout
    assert "preview: 2 items, 2 hits; nothing sent" in preview.stderr
    out = tmp_path / "preview.html"
    invoke("--config", str(polled), "digest", "--preview", "--out", str(out))
    assert "<mark" in out.read_text()
    assert not (tmp_path / "data" / "digests").exists()
    sent = invoke("--config", str(polled), "digest")
    assert "sent digest" in sent.stdout  # the preview marked nothing sent


def test_send_once_to_files_then_nothing(polled: Path, tmp_path: Path) -> None:
    eml = tmp_path / "copy.eml"
    first = invoke("--config", str(polled), "digest", "--out", str(eml))
    assert first.returncode == 0, first.stderr
    assert "2 items (2 hits)" in first.stdout
    assert (tmp_path / "data" / "digests" / "index.html").exists()
    assert b"multipart/alternative" in eml.read_bytes()
    second = invoke("--config", str(polled), "digest")
    assert second.stdout.strip() == "no new hits since the last digest: nothing sent"


def test_smtp_failure_is_one_line_and_keeps_the_hits(polled: Path) -> None:
    with smtp_server() as (_inbox, port, _context):
        pass
    monitor_yaml = json.loads((polled / "monitor.yaml").read_text())
    monitor_yaml["email"] = {
        "transport": "smtp",
        "smtp": {"host": "127.0.0.1", "port": port, "timeout": "3s"},
    }
    (polled / "monitor.yaml").write_text(json.dumps(monitor_yaml))
    down = invoke("--config", str(polled), "digest")
    assert down.returncode == 1
    assert down.stderr.startswith(f"monitor: cannot reach SMTP server 127.0.0.1:{port}")
    assert len(down.stderr.strip().splitlines()) == 1
    monitor_yaml["email"]["smtp"]["port"] = port
    with smtp_server() as (inbox, new_port, _context):
        monitor_yaml["email"]["smtp"]["port"] = new_port
        (polled / "monitor.yaml").write_text(json.dumps(monitor_yaml))
        up = invoke("--config", str(polled), "digest")
    assert up.returncode == 0, up.stderr
    (msg,) = inbox.messages
    assert STORIES[1].title in msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def test_since_must_be_a_duration(polled: Path) -> None:
    result = invoke("--config", str(polled), "digest", "--since", "lately")
    assert result.returncode == 2
    assert "is not a duration" in result.stderr
