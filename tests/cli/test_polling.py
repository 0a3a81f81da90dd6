"""monitor poll, status, search and check: output, files and exit codes (two real processes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import invoke, monitor
from tests.support.config import REPO, write_config
from tests.support.news import page, rss, story
from tests.support.server import FeedServer

STORIES = [
    story(
        "a",
        "Havana answers Washington",
        "Cuba rejects the new measures, the ministry said.",
        extra=2,
    ),
    story(
        "b",
        "Crisis energética",
        "El presidente Díaz-Canel habló del petróleo venezolano y la termoeléctrica Guiteras.",
        "es",
    ),
]


@pytest.fixture
def site(server: FeedServer, tmp_path: Path) -> Path:
    for s in STORIES:
        server.add(f"/articles/{s.slug}.html", page(s), content_type="text/html")
    url = server.add("/feed.xml", rss("Site", STORIES), etag='"e1"')
    return write_config(tmp_path, [{"name": "Site", "url": url}])


def test_poll_json_then_not_modified(site: Path) -> None:
    # A real process: the one end-to-end run of the installed command.
    first = monitor("--config", str(site), "poll", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["feeds"], report["ok"], report["new_articles"], report["errors"]) == (
        1,
        1,
        2,
        [],
    )
    second = json.loads(invoke("--config", str(site), "poll", "--json").stdout)
    assert (second["not_modified"], second["new_articles"]) == (1, 0)


def test_search_finds_page_text_with_or_without_accents(site: Path) -> None:
    invoke("--config", str(site), "poll")
    # "termoeléctrica Guiteras" occurs only in the extracted page, not in the feed summary.
    for query in ("termoelectrica guiteras", "TERMOELÉCTRICA", "diaz canel"):
        result = invoke("--config", str(site), "search", query, "--json")
        assert result.returncode == 0, result.stderr
        hits = [json.loads(line) for line in result.stdout.splitlines()]
        assert [h["title"] for h in hits] == ["Crisis energética"], query
    nothing = invoke("--config", str(site), "search", 'unbalanced "quote AND (')
    assert nothing.returncode == 0
    assert "no matches" in nothing.stderr
    for command in ("hits", "digest --preview", "recluster"):
        too_long = invoke("--config", str(site), *command.split(), "--since", "99999999d")
        assert too_long.returncode == 2
        assert "'99999999d' is longer than the longest duration, 36500d" in too_long.stderr
    quote = invoke("--config", str(site), "search", '"')
    assert (quote.returncode, quote.stderr) == (
        1,
        "monitor: nothing to search for in '\"': give a word\n",
    )


def test_status_shows_feed_health(site: Path, server: FeedServer) -> None:
    invoke("--config", str(site), "poll")
    lines = [
        json.loads(x) for x in invoke("--config", str(site), "status", "--json").stdout.splitlines()
    ]
    assert [(s["name"], s["last_status"], s["items"], s["last_error"]) for s in lines] == [
        ("Site", "ok", 2, None)
    ]
    server.routes["/feed.xml"].status = 500
    server.routes["/feed.xml"].etag = None
    invoke("--config", str(site), "poll")
    text = invoke("--config", str(site), "status").stdout
    assert "failed" in text
    assert "error: HTTP 500 (1x)" in text


def test_check_reports_file_and_line_and_exits_1(tmp_path: Path) -> None:
    config = write_config(tmp_path, [{"name": "x", "url": "https://x.example/feed"}])
    (config / "monitor.yaml").write_text("poll:\n  interval: 30m\n  jiter: 2m\n")
    result = monitor("--config", str(config), "check")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"monitor: {config}/monitor.yaml:3: poll.jiter: unknown key (did you mean 'jitter'?)"
    )
    assert "Traceback" not in result.stderr


def test_check_passes_on_the_default_config() -> None:
    result = monitor("check", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "config OK" in result.stdout


def test_a_bad_feed_line_is_reported_but_the_rest_is_polled(site: Path) -> None:
    text = (site / "feeds.yaml").read_text()
    data = json.loads(text)
    data["feeds"].append({"name": "Broken", "url": "not a url"})
    (site / "feeds.yaml").write_text(json.dumps(data, indent=2))
    result = invoke("--config", str(site), "poll", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["new_articles"] == 2
    assert "feeds.yaml:" in result.stderr
    assert "'not a url' is not an http(s) URL" in result.stderr


def test_unknown_feed_and_usage_errors(site: Path) -> None:
    unknown = invoke("--config", str(site), "poll", "--feed", "Nope")
    assert unknown.returncode == 1
    assert "no feed named 'Nope'" in unknown.stderr
    usage = invoke("--config", str(site), "poll", "--bogus")
    assert usage.returncode == 2


def test_unopenable_database_is_a_clean_error(site: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = invoke("--config", str(site), "--db", str(blocker / "sub" / "x.db"), "poll")
    assert result.returncode == 1
    assert "cannot open database" in result.stderr
    assert "Traceback" not in result.stderr


def test_env_variables_choose_config_and_database(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    result = invoke("poll", env={"MONITOR_CONFIG": str(site), "MONITOR_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_poll_due_skips_a_feed_in_backoff(site: Path, server: FeedServer, tmp_path: Path) -> None:
    broken = server.add("/broken.xml", status=500)
    data = json.loads((site / "feeds.yaml").read_text())
    data["feeds"].append({"name": "Broken", "url": broken})
    (site / "feeds.yaml").write_text(json.dumps(data))
    first = invoke("--config", str(site), "poll", "--json")
    assert json.loads(first.stdout)["failed"] == 1
    # Both feeds are now scheduled ahead (the broken one backed off): nothing is due.
    due = invoke("--config", str(site), "poll", "--due")
    assert due.returncode == 0
    assert due.stdout.startswith("no feed is due; nothing polled")
    assert server.hits["/broken.xml"] == 1
    # Without --due every feed is polled whatever its schedule.
    invoke("--config", str(site), "poll")
    assert server.hits["/broken.xml"] == 2


def test_every_feed_failing_exits_3_and_says_when_offline(
    server: FeedServer, tmp_path: Path
) -> None:
    with FeedServer() as gone:
        closed = gone.url("/feed.xml")
    refused = write_config(tmp_path / "a", [{"name": "Nowhere", "url": closed}])
    offline = invoke("--config", str(refused), "poll")
    assert offline.returncode == 3
    assert offline.stdout.count("Nowhere") == 1  # each error printed once
    assert "this machine looks offline" in offline.stderr
    failing = write_config(tmp_path / "b", [{"name": "Error", "url": server.add("/x", status=500)}])
    error = invoke("--config", str(failing), "poll")
    assert error.returncode == 3
    assert "offline" not in error.stderr


def test_check_warns_below_five_minutes_off_this_machine(tmp_path: Path) -> None:
    config = write_config(tmp_path, [
        {"name": "Remote", "url": "https://news.example/rss", "interval": "30s"},
        {"name": "Local", "url": "http://127.0.0.1:9/rss", "interval": "30s"},
    ])  # fmt: skip
    result = invoke("--config", str(config), "check")
    assert result.returncode == 0, result.stderr
    (warning,) = result.stderr.splitlines()
    assert warning == (
        f"monitor: warning: {config}/feeds.yaml: feed 'Remote' is polled every 30s (its "
        "interval); below 5m a publisher may block the monitor"
    )


def test_check_warns_of_one_feed_listed_twice(tmp_path: Path) -> None:
    # As `feeds add` refuses it: the same feed, tracking parameters aside, polled twice.
    config = write_config(tmp_path, [
        {"name": "Wire", "url": "https://news.example/rss?utm_source=x"},
        {"name": "Wire again", "url": "https://NEWS.example/rss"},
        {"name": "Other", "url": "https://news.example/other.rss"},
    ])  # fmt: skip
    result = invoke("--config", str(config), "check")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"monitor: warning: {config}/feeds.yaml: feed 'Wire again' is the same feed as 'Wire' "
        "(https://NEWS.example/rss): it is polled twice"
    ]
