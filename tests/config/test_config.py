"""config: defaults, units, and errors that point at file:line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import load_config, resolve_config_dir
from monitor.config.schema import parse_duration
from monitor.errors import ConfigError
from tests.support.config import REPO


def _config_dir(tmp_path: Path, monitor: str | None = None, feeds: str = "feeds: []\n") -> Path:
    config = tmp_path / "config"
    config.mkdir()
    if monitor is not None:
        (config / "monitor.yaml").write_text(monitor)
    (config / "feeds.yaml").write_text(feeds)
    return config


def test_the_default_config_loads_cleanly() -> None:
    config = load_config(REPO / "config")
    assert config.problems == ()
    assert len(config.feeds) >= 20
    assert {f.language for f in config.feeds} == {"en", "es"}
    assert config.database == (REPO / "data/monitor.db").resolve()


def test_missing_monitor_yaml_means_defaults(tmp_path: Path) -> None:
    config = load_config(_config_dir(tmp_path))
    s = config.settings
    assert s.poll.interval == timedelta(minutes=30)
    assert s.fetch.max_bytes == 10_000_000
    assert s.fetch.feed_max_bytes == 5_000_000
    assert s.digest.from_ == "monitor@example.org"
    assert config.database == tmp_path.resolve() / "data/monitor.db"
    assert config.digest_directory == tmp_path.resolve() / "data/digests"


def test_units_are_parsed(tmp_path: Path) -> None:
    monitor = "poll: {interval: 1h, jitter: 90}\nfetch: {timeout: 2.5s, max_bytes: 512KiB}\n"
    s = load_config(_config_dir(tmp_path, monitor)).settings
    assert s.poll.interval == timedelta(hours=1)
    assert s.poll.jitter == timedelta(seconds=90)
    assert s.fetch.timeout == timedelta(seconds=2.5)
    assert s.fetch.max_bytes == 512 * 1024


def test_db_override_wins(tmp_path: Path) -> None:
    config = load_config(_config_dir(tmp_path, "database: elsewhere.db\n"), "/tmp/x.db")
    assert config.database == Path("/tmp/x.db")


@pytest.mark.parametrize(
    ("monitor", "expected"),
    [
        ("poll:\n  interval: soon\n", "monitor.yaml:2: poll.interval: 'soon' is not a duration"),
        (
            "poll:\n  interval: 99999999999d\n",
            "monitor.yaml:2: poll.interval: '99999999999d' is longer than the longest duration",
        ),
        (
            "fetch:\n  concurrency: 16\n  tiemout: 3s\n",
            "monitor.yaml:3: fetch.tiemout: unknown key",
        ),
        (
            "digest:\n  timezone: Mars/Olympus\n",
            "monitor.yaml:2: digest.timezone: unknown time zone",
        ),
        ("digest:\n  time: '7am'\n", "monitor.yaml:2: digest.time: '7am' is not a time of day"),
        ("digest:\n  time: 24:00\n", "monitor.yaml:2: digest.time: '24:00' is not a time of day"),
        (
            "digest:\n  time: 07.30\n",
            "monitor.yaml:2: digest.time: 7.3 is read by YAML as a number",
        ),
        ("email:\n  transport: pigeon\n", "monitor.yaml:2: email.transport: Input should be"),
        ("poll: [1, 2\n", "monitor.yaml:2: "),
        ("a: 1\na: 2\n", "monitor.yaml:2: "),
    ],
    ids=[
        "duration",
        "century",
        "typo",
        "timezone",
        "time",
        "hour-24",
        "time-as-number",
        "transport",
        "syntax",
        "duplicate-key",
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, monitor: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(_config_dir(tmp_path, monitor))
    assert expected in str(info.value).replace(str(tmp_path / "config") + "/", "")


@pytest.mark.parametrize(
    ("written", "read"),
    [("07:00", "07:00"), ("7:30", "07:30"), ("'7:05:30'", "07:05:30"), ("19:45", "19:45")],
)
def test_a_time_of_day_in_any_usual_spelling(tmp_path: Path, written: str, read: str) -> None:
    """An hour of one digit is a time too ("7:30" was refused as not a time of day)."""
    config = load_config(_config_dir(tmp_path, f"digest:\n  time: {written}\n"))
    assert config.settings.digest.time == read


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("30m", 1800), ("90", 90), ("500ms", 0.5), ("1.5h", 5400), ("1h30m", 5400),
     ("1h 30m", 5400), ("90 min", 5400), ("2 hours", 7200), ("1 day", 86400),
     ("1 hour 30 minutes", 5400), ("2W", 1209600)],
)  # fmt: skip
def test_durations_as_people_write_them(written: str, seconds: float) -> None:
    assert parse_duration(written) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "written", ["1h30", "5 5", "1mo", "PT30M", "m", "", "30 x", "1" * 40 + "!"]
)
def test_what_is_not_a_duration_is_said(written: str) -> None:
    with pytest.raises(ValueError, match="is not a duration such as 30s"):
        parse_duration(written)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("ana@example.org", ("ana@example.org",)),
        ("ana@example.org, Ana Pérez <ana@example.org>",
         ("ana@example.org", '"Ana Pérez" <ana@example.org>')),
        ('\'"Pérez, Ana" <ana@example.org>\'', ('"Pérez, Ana" <ana@example.org>',)),
        ("[ana@example.org, bob@example.org]", ("ana@example.org", "bob@example.org")),
    ],
)  # fmt: skip
def test_recipients_as_one_address_or_as_a_mail_header_writes_them(
    tmp_path: Path, written: str, read: tuple[str, ...]
) -> None:
    config = load_config(_config_dir(tmp_path, f"digest:\n  to: {written}\n"))
    assert config.settings.digest.to == read


def test_a_feeds_one_tag_may_be_written_alone(tmp_path: Path) -> None:
    feeds = "feeds:\n  - {name: A, url: https://a.example/feed, tags: cuba}\n"
    config = load_config(_config_dir(tmp_path, feeds=feeds))
    assert config.problems == ()
    assert config.feeds[0].tags == ("cuba",)


def test_a_feed_written_as_a_subscribe_link_is_its_http_url(tmp_path: Path) -> None:
    feeds = "feeds:\n  - {name: A, url: 'feed://a.example/rss'}\n"
    config = load_config(_config_dir(tmp_path, feeds=feeds))
    assert config.problems == ()
    assert config.feeds[0].url == "http://a.example/rss"


@pytest.mark.parametrize(
    ("smtp", "warned"),
    [
        ("port: 465, ssl: true, starttls: true", "ssl and starttls are both set"),
        ("port: 465", "port is 465, which servers answer with TLS at once: set ssl: true"),
        ("port: 587, ssl: true", "port is 587, which servers answer in plain text"),
        ("port: 587, starttls: true", None),
        ("port: 465, ssl: true", None),
    ],
)
def test_smtp_settings_at_odds_are_warned_about(
    tmp_path: Path, smtp: str, warned: str | None
) -> None:
    monitor = f"email:\n  transport: smtp\n  smtp: {{host: mail.example.org, {smtp}}}\n"
    warnings = load_config(_config_dir(tmp_path, monitor)).warnings()
    if warned is None:
        assert warnings == []
    else:
        [warning] = warnings
        assert "monitor.yaml: email.smtp" in warning
        assert warned in warning


def test_a_bad_feed_is_reported_and_the_others_load(tmp_path: Path) -> None:
    feeds = """feeds:
  - name: Good
    url: https://good.example/feed
  - name: Bad
    url: ftp://bad.example/feed
  - name: Good
    url: https://dup.example/feed
  - {name: Also good, url: "https://b.example/rss", interval: 2h, language: es, fulltext: false}
  - name: Typo
    url: https://t.example/
    langauge: en
"""
    config = load_config(_config_dir(tmp_path, feeds=feeds))
    assert [f.name for f in config.feeds] == ["Good", "Also good"]
    assert config.feeds[1].interval == timedelta(hours=2)
    assert not config.feeds[1].fulltext
    messages = [str(p).replace(str(tmp_path / "config") + "/", "") for p in config.problems]
    assert messages == [
        "feeds.yaml:5: feeds[1].url: 'ftp://bad.example/feed' is not an http(s) URL",
        "feeds.yaml:6: feeds[2].name: duplicate feed name 'Good'",
        "feeds.yaml:11: feeds[4].langauge: unknown key (did you mean 'language'?)",
    ]


def test_a_feed_field_yaml_reads_as_a_number_says_to_quote_it(tmp_path: Path) -> None:
    feeds = """feeds:
  - name: 1959
    url: https://a.example/feed
  - name: Fine
    url: https://b.example/feed
    tags: [cuba, 2026]
"""
    config = load_config(_config_dir(tmp_path, feeds=feeds))
    assert [f.name for f in config.feeds] == []
    messages = [str(p).replace(str(tmp_path / "config") + "/", "") for p in config.problems]
    assert messages == [
        'feeds.yaml:2: feeds[0].name: 1959 is read by YAML as a number, not as text: quote it ("1959")',
        'feeds.yaml:6: feeds[1].tags[1]: 2026 is read by YAML as a number, not as text: quote it ("2026")',
    ]


@pytest.mark.parametrize(
    ("address", "taken"),
    [
        ("reader@example.org", True),
        ("Ana Pérez <ana@example.org>", True),
        ('"Pérez, Ana" <ana@example.org>', True),
        ("josé@ejemplo.org", True),
        ("not an address", False),
        ("ana@example.org, bob@example.org", False),
        ("Ana <ana>", False),
        ("<>", False),
        ("a@example.org\nBcc: b@example.org", False),
    ],
)
def test_recipients_as_mail_clients_write_them(tmp_path: Path, address: str, taken: bool) -> None:
    config = _config_dir(tmp_path, monitor=json.dumps({"digest": {"to": [address]}}))
    if taken:
        assert load_config(config).settings.digest.to == (address,)
        return
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert f"digest.to: {address!r} is not an email address" in str(info.value)


def test_a_home_folder_written_as_a_tilde_is_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # $MONITOR_CONFIG and $MONITOR_DB as a systemd unit's Environment= gives them: the
    # shell never saw them, so "~" is still there. monitor.yaml's paths took it already.
    monkeypatch.setenv("HOME", str(tmp_path))
    _config_dir(tmp_path)
    monkeypatch.setenv("MONITOR_CONFIG", "~/config")
    directory = resolve_config_dir(None)
    assert directory == tmp_path / "config"
    assert load_config(directory, "~/data/monitor.db").database == tmp_path / "data/monitor.db"


def test_spaces_around_a_pasted_url_are_dropped(tmp_path: Path) -> None:
    feeds = 'feeds:\n  - {name: Pasted, url: " HTTPS://Wire.example/rss\t"}\n'
    config = load_config(_config_dir(tmp_path, feeds=feeds))
    assert config.problems == ()
    assert [f.url for f in config.feeds] == ["HTTPS://Wire.example/rss"]


def test_missing_config_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config directory not found"):
        load_config(tmp_path / "nope")


ALIAS_BOMB = "\n".join(
    [
        'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
        *(
            f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]"
            for p, k in zip("abcdefg", "bcdefgh", strict=True)
        ),
    ]
)


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    assert len(ALIAS_BOMB) < 600  # a few hundred bytes that stand for 43 million values
    with pytest.raises(ConfigError) as caught:
        load_config(_config_dir(tmp_path, monitor=ALIAS_BOMB))
    (problem,) = caught.value.problems
    assert (problem.line, problem.message) == (
        6,
        "expands to more than 200,000 values (aliases used over and over?)",
    )


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    text = "fetch: &f {timeout: 5s}\ndigest: {to: &to [a@example.org]}\n"
    assert load_config(_config_dir(tmp_path, monitor=text)).settings.digest.to == ("a@example.org",)


def test_deep_nesting_is_refused_with_its_line(tmp_path: Path) -> None:
    config = _config_dir(tmp_path)
    rule = "cuba"
    for _ in range(150):
        rule = "{all: [" + rule + "]}"
    (config / "watchlists").mkdir()
    (config / "watchlists" / "deep.yaml").write_text(f"groups:\n  cuba: [Cuba]\nmatch: {rule}\n")
    (problem,) = load_config(config).problems
    assert str(problem) == f"{config}/watchlists/deep.yaml:3: nested more than 32 levels deep"


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    config = _config_dir(tmp_path, monitor="# " + "x" * 2_000_000 + "\n")
    with pytest.raises(ConfigError, match=r"monitor.yaml: 2,000,003 bytes is over the 1,000,000"):
        load_config(config)


def test_environment_overrides_win_over_monitor_yaml(tmp_path: Path) -> None:
    config = _config_dir(tmp_path, monitor="email: {transport: file}\n")
    environ = {
        "MONITOR__EMAIL__TRANSPORT": "smtp",
        "MONITOR__EMAIL__SMTP__HOST": "mailpit",
        "MONITOR__EMAIL__SMTP__PORT": "1025",
        "MONITOR__DIGEST__TO": "[a@example.org, b@example.org]",
        "MONITOR_DB": "ignored: not an override",
    }
    s = load_config(config, environ=environ).settings
    assert (s.email.transport, s.email.smtp.host, s.email.smtp.port) == ("smtp", "mailpit", 1025)
    assert s.digest.to == ("a@example.org", "b@example.org")


def test_a_bad_environment_override_names_the_variable(tmp_path: Path) -> None:
    config = _config_dir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_config(config, environ={"MONITOR__EMAIL__SMTP__PORT": "many"})
    (problem,) = caught.value.problems
    assert str(problem).startswith("$MONITOR__EMAIL__SMTP__PORT: email.smtp.port: ")
