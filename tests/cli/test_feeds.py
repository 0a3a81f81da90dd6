"""monitor feeds list|add|remove|import|export on a config directory of its own."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from monitor.config import load_config, opml
from tests.support.cli import invoke
from tests.support.config import DATA, write_config
from tests.support.news import rss, story
from tests.support.server import FeedServer


def config_dir(tmp_path: Path) -> Path:
    return write_config(
        tmp_path, [{"name": "Wire", "url": "https://wire.example/rss", "language": "en"}]
    )


def test_add_checks_the_url_and_takes_the_feeds_title(server: FeedServer, tmp_path: Path) -> None:
    config = config_dir(tmp_path)
    url = server.add("/feed.xml", rss("Agencia Demo", [story("a", "Cuba", "Havana.", "es")]))
    added = invoke("--config", str(config), "feeds", "add", url, "--tag", "wire")
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        f"{url}: Agencia Demo, 1 entries", f"added 'Agencia Demo' to {config / 'feeds.yaml'}",
    ]  # fmt: skip
    feed = load_config(config).feed("Agencia Demo")
    assert feed is not None
    assert (feed.url, feed.tags) == (url, ("wire",))


def test_add_refuses_what_is_not_a_feed_unless_told(server: FeedServer, tmp_path: Path) -> None:
    config = config_dir(tmp_path)
    page = server.add(
        "/page.html", "<html><body><p>a page</p></body></html>", content_type="text/html"
    )
    refused = invoke("--config", str(config), "feeds", "add", page)
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f"monitor: {page} is not a feed I can read: not a readable feed"
    )
    assert "--no-check" in refused.stderr
    assert load_config(config).feed(page) is None
    forced = invoke("--config", str(config), "feeds", "add", page, "--no-check", "--name", "Page")
    assert forced.returncode == 0
    assert load_config(config).feed("Page") is not None
    twice = invoke("--config", str(config), "feeds", "add", page, "--no-check", "--name", "Again")
    assert (twice.returncode, "is already there as 'Page'" in twice.stderr) == (1, True)


def test_list_remove_and_unknown_names(tmp_path: Path) -> None:
    config = config_dir(tmp_path)
    listed = [
        json.loads(x)
        for x in invoke("--config", str(config), "feeds", "list", "--json").stdout.splitlines()
    ]
    assert listed == [{"name": "Wire", "url": "https://wire.example/rss", "language": "en",
                       "interval": None, "tags": [], "fulltext": True}]  # fmt: skip
    assert invoke("--config", str(config), "feeds", "remove", "Wire").returncode == 0
    assert load_config(config).feeds == ()
    unknown = invoke("--config", str(config), "feeds", "remove", "Wire")
    assert (unknown.returncode, unknown.stderr.strip().endswith("no feed named 'Wire'")) == (
        1,
        True,
    )


def test_import_then_export_round_trips(tmp_path: Path) -> None:
    config = config_dir(tmp_path / "a")
    source = DATA / "opml" / "inoreader.opml"
    first = invoke("--config", str(config), "feeds", "import", str(source))
    assert first.stdout.splitlines()[-1] == "3 feeds in inoreader.opml: 3 added, 0 skipped"
    second = invoke("--config", str(config), "feeds", "import", str(source))
    assert second.stdout.splitlines()[-1] == "3 feeds in inoreader.opml: 0 added, 3 skipped"
    exported = tmp_path / "out.opml"
    assert invoke("--config", str(config), "feeds", "export", "-o", str(exported)).returncode == 0
    names = [f.title for f in opml.read(exported.read_bytes(), "out.opml")]
    assert names == ["Wire", "Diario de Cuba", "CiberCuba", "Miami Herald - Cuba"]
    other = config_dir(tmp_path / "b")
    into = invoke("--config", str(other), "feeds", "import", str(exported))
    assert into.stdout.splitlines()[-1] == "4 feeds in out.opml: 3 added, 1 skipped"


def test_names_written_decomposed_are_the_same_names(tmp_path: Path) -> None:
    # An editor or a terminal may send "ñ" as "n" and a combining tilde (NFD).
    composed, decomposed = "Señal", unicodedata.normalize("NFD", "Señal")
    feeds = [{"name": decomposed, "url": "https://wire.example/rss"}]
    config = write_config(tmp_path, feeds)
    assert [f.name for f in load_config(config).feeds] == [composed]
    again = invoke("--config", str(config), "feeds", "add", "https://other.example/rss",
                   "--name", composed, "--no-check")  # fmt: skip
    assert (again.returncode, "already there" in again.stderr) == (1, True)
    assert invoke("--config", str(config), "feeds", "remove", composed).returncode == 0
    assert load_config(config).feeds == ()


def test_editing_a_feed_list_not_in_utf8_is_refused_in_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, [])
    (config / "feeds.yaml").write_bytes("feeds:\n  - name: Señal\n".encode("cp1252"))
    for args in (["feeds", "remove", "Señal"], ["feeds", "list"]):
        result = invoke("--config", str(config), *args)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert "feeds.yaml:2: not UTF-8 text (byte 0xf1): save the file as UTF-8" in result.stderr
