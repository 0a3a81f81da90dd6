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


def test_add_takes_a_subscribe_links_feed_scheme(server: FeedServer, tmp_path: Path) -> None:
    """``feed://…``, as sites' subscribe buttons give it, was "not a feed I can read"."""
    config = config_dir(tmp_path)
    url = server.add("/feed.xml", rss("Agencia Demo", [story("a", "Cuba", "Havana.", "es")]))
    added = invoke("--config", str(config), "feeds", "add", "feed:" + url.removeprefix("http:"))
    assert added.returncode == 0, added.stderr
    feed = load_config(config).feed("Agencia Demo")
    assert feed is not None
    assert feed.url == url


def test_add_takes_an_address_without_its_scheme_as_https(tmp_path: Path) -> None:
    config = config_dir(tmp_path)
    added = invoke("--config", str(config), "feeds", "add", "www.cubadebate.cu/feed", "--no-check")
    assert added.returncode == 0, added.stderr
    feed = load_config(config).feed("https://www.cubadebate.cu/feed")
    assert feed is not None
    assert feed.url == "https://www.cubadebate.cu/feed"


def test_add_refuses_what_is_not_a_feed_unless_told(server: FeedServer, tmp_path: Path) -> None:
    config = config_dir(tmp_path)
    page = server.add(
        "/page.html", "<html><body><p>a page</p></body></html>", content_type="text/html"
    )
    refused = invoke("--config", str(config), "feeds", "add", page)
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f"monitor: {page} is not a feed I can read: a web page that names no feed in its head"
    )
    assert "--no-check" in refused.stderr
    assert load_config(config).feed(page) is None
    forced = invoke("--config", str(config), "feeds", "add", page, "--no-check", "--name", "Page")
    assert forced.returncode == 0
    assert load_config(config).feed("Page") is not None
    twice = invoke("--config", str(config), "feeds", "add", page, "--no-check", "--name", "Again")
    assert (twice.returncode, "is already there as 'Page'" in twice.stderr) == (1, True)


def _site(server: FeedServer, links: str) -> str:
    head = f"<html><head><title>Agencia</title>{links}</head><body><p>news</p></body></html>"
    return server.add("/", head, content_type="text/html; charset=utf-8")


def test_add_given_a_site_takes_the_feed_its_page_names(server: FeedServer, tmp_path: Path) -> None:
    config = config_dir(tmp_path)
    feed = server.add("/feed/", rss("Agencia Demo", [story("a", "Cuba", "Havana.", "es")]))
    server.add("/comments/feed/", rss("Comments", [story("c", "Re: Cuba", "Yes.", "es")]))
    site = _site(server, (
        '<link rel="stylesheet" href="/a.css">'
        '<link rel="alternate" type="application/rss+xml" title="Agencia" href="/feed/">'
        "<link rel='alternate' type='application/rss+xml' href='/comments/feed/'>"
    ))  # fmt: skip
    added = invoke("--config", str(config), "feeds", "add", site)
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        f"{site} is a web page; the feed it names: {feed}",
        f"  it also names: {server.url('/comments/feed/')}",
        f"{feed}: Agencia Demo, 1 entries",
        f"added 'Agencia Demo' to {config / 'feeds.yaml'}",
    ]
    added_feed = load_config(config).feed("Agencia Demo")
    assert added_feed is not None
    assert added_feed.url == feed
    # The same site again, under another name, is the same feed, already there.
    again = invoke("--config", str(config), "feeds", "add", site, "--name", "Otra")
    assert again.returncode == 1
    assert "is already there as 'Agencia Demo'" in again.stderr


def test_a_named_feed_that_fails_gives_way_to_the_next_and_all_failing_say_why(
    server: FeedServer, tmp_path: Path
) -> None:
    config = config_dir(tmp_path)
    server.add("/gone.xml", status=404)
    atom = server.add("/atom.xml", rss("Second", [story("b", "Cuba", "Havana.", "es")]))
    site = _site(server, (
        '<link rel="alternate" type="application/rss+xml" href="/gone.xml">'
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
    ))  # fmt: skip
    added = invoke("--config", str(config), "feeds", "add", site)
    assert added.returncode == 0, added.stderr
    assert f"the feed it names: {atom}" in added.stdout
    server.add("/atom.xml", status=500)
    refused = invoke("--config", str(config_dir(tmp_path / "other")), "feeds", "add", site)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"monitor: {site} is not a feed I can read: a web page whose feeds cannot be read "
        f"({server.url('/gone.xml')}: HTTP 404) (add it anyway with --no-check)"
    )


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


def test_list_names_the_feeds_it_left_out(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        [
            {"name": "Wire", "url": "https://wire.example/rss"},
            {"name": "Old", "url": "ftp://x.example/"},
        ],
    )
    listed = invoke("--config", str(config), "feeds", "list")
    assert listed.stdout == "Wire  https://wire.example/rss\n"
    assert listed.stderr.startswith(f"monitor: {config / 'feeds.yaml'}:")
    assert listed.stderr.strip().endswith("feeds[1].url: 'ftp://x.example/' is not an http(s) URL")
    assert listed.returncode == 1
    exported = invoke("--config", str(config), "feeds", "export")
    assert [f.title for f in opml.read(exported.stdout.encode(), "stdout")] == ["Wire"]
    assert exported.stderr == listed.stderr
    assert exported.returncode == 1


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
