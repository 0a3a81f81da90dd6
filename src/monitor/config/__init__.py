"""Load and validate config/: monitor.yaml, feeds.yaml and watchlists/*.yaml.

``load_config`` raises ``ConfigError`` when monitor.yaml is unusable. A bad feed entry or a
bad watchlist does not stop the others: it is left out and listed in ``Config.problems``,
so the service keeps working while ``monitor check`` (and every command) reports it.

- ``schema``: every key of monitor.yaml, feeds.yaml and the watchlist files, its default
  and its check (the only module importing pydantic);
- ``watchlists``: the watchlist files to ``matching.model`` records;
- ``yamlfile``: YAML read with line numbers and edited without losing comments (the only
  module importing ruamel.yaml); ``paths``: key paths as users read them;
- ``feedlist``: editing feeds.yaml (add, remove, import); ``opml``: the OPML format.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from monitor.config import schema, yamlfile
from monitor.config.paths import key_path
from monitor.config.schema import Settings
from monitor.config.watchlists import load_watchlists, yaml_files
from monitor.errors import ConfigError, Problem
from monitor.matching.model import Exclusion, Watchlist
from monitor.text.urls import canonical_url, host_of
from monitor.types import Feed

__all__ = [
    "Config",
    "Settings",
    "database_path",
    "fingerprint",
    "load_config",
    "resolve_config_dir",
]


@dataclass(frozen=True)
class Config:
    """A loaded config directory."""

    directory: Path
    settings: Settings
    feeds: tuple[Feed, ...]
    #: Where the database lives (after --db / $MONITOR_DB and path resolution).
    database: Path
    #: Where the file transport writes digests.
    digest_directory: Path
    #: Where the Atom feeds of hits are written (``atom.directory``).
    atom_directory: Path = Path("data/feeds")
    watchlists: tuple[Watchlist, ...] = ()
    #: Exclusions from the shared watchlist files (_common.yaml…), for every watchlist.
    shared_exclusions: tuple[Exclusion, ...] = ()
    #: Things wrong with individual feeds or watchlists, which were left out.
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    #: The watchlists left out because their file is invalid, by name.
    left_out: tuple[str, ...] = ()

    def warnings(self) -> list[str]:
        """Things allowed but unwise: feeds on other machines polled more often than every
        5 minutes (publishers block such clients; loopback test servers are fine), one
        feed listed twice under two names (polled twice; ``feeds add`` refuses it), and
        SMTP settings that contradict each other or their port."""
        found = []
        first: dict[str, str] = {}
        for feed in self.feeds:
            same = first.setdefault(canonical_url(feed.url), feed.name)
            if same != feed.name:
                found.append(
                    f"{self.directory / 'feeds.yaml'}: feed {feed.name!r} is the same feed as "
                    f"{same!r} ({feed.url}): it is polled twice"
                )
        for feed in self.feeds:
            every = feed.interval or self.settings.poll.interval
            if every < POLITE_INTERVAL and not _on_this_machine(feed.url):
                where = "its interval" if feed.interval else "poll.interval"
                found.append(
                    f"{self.directory / 'feeds.yaml'}: feed {feed.name!r} is polled every "
                    f"{_seconds(every)} ({where}); below 5m a publisher may block the monitor"
                )
        return found + self._smtp_warnings()

    def _smtp_warnings(self) -> list[str]:
        email = self.settings.email
        smtp, where = email.smtp, f"{self.directory / 'monitor.yaml'}: email.smtp"
        if email.transport != "smtp":
            return []
        if smtp.ssl and smtp.starttls:
            return [f"{where}: ssl and starttls are both set; ssl is used (port 465 is ssl, "
                    "587 starttls)"]  # fmt: skip
        if smtp.port == 465 and not smtp.ssl:
            return [f"{where}.port is 465, which servers answer with TLS at once: set ssl: true"]
        if smtp.port == 587 and smtp.ssl:
            return [f"{where}.port is 587, which servers answer in plain text before "
                    "STARTTLS: set starttls: true and ssl: false"]  # fmt: skip
        return []

    def feed(self, name: str) -> Feed | None:
        return next((f for f in self.feeds if f.name == name), None)

    def watchlist(self, name: str) -> Watchlist | None:
        return next((w for w in self.watchlists if w.name == name), None)


def resolve_config_dir(option: str | None) -> Path:
    """--config, else $MONITOR_CONFIG, else ./config; "~" is the home folder, as in
    monitor.yaml's paths (a systemd unit's Environment= does not expand it)."""
    return Path(option or os.environ.get("MONITOR_CONFIG") or "config").expanduser()


#: Polling a publisher more often than this is impolite (``Config.warnings``).
POLITE_INTERVAL = timedelta(minutes=5)

#: ``MONITOR__EMAIL__SMTP__HOST=mailpit`` sets ``email.smtp.host`` over monitor.yaml.
ENV_PREFIX = "MONITOR__"


def load_config(
    directory: Path, database: str | None = None, environ: Mapping[str, str] | None = None
) -> Config:
    """Read a config directory; ``database`` (from --db or $MONITOR_DB) wins over
    monitor.yaml, and so do ``MONITOR__…`` variables of ``environ`` (default: os.environ)."""
    if not directory.is_dir():
        raise ConfigError([Problem(str(directory), None, "", "config directory not found")])
    settings = load_settings(directory / "monitor.yaml", os.environ if environ is None else environ)
    feeds, problems = load_feeds(directory / "feeds.yaml")
    lists = load_watchlists(directory / "watchlists")
    base = directory.resolve().parent
    db = Path(database).expanduser() if database else _resolve(base, settings.database)
    return Config(
        directory=directory,
        settings=settings,
        feeds=feeds,
        database=db,
        digest_directory=_resolve(base, settings.email.directory),
        atom_directory=_resolve(base, settings.atom.directory),
        watchlists=lists.watchlists,
        shared_exclusions=lists.shared_exclusions,
        problems=(*problems, *lists.problems),
        left_out=lists.left_out,
    )


def _on_this_machine(url: str) -> bool:
    host = host_of(url)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _seconds(span: timedelta) -> str:
    return f"{span.total_seconds():g}s"


def fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """What the config files look like on disk (names, sizes, change times): when it
    changes, the service reloads the config."""
    paths = [directory / "monitor.yaml", directory / "feeds.yaml"]
    paths += yaml_files(directory / "watchlists")
    found = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """monitor.yaml (a missing file means every default) with the environment's
    ``MONITOR__…`` overrides → Settings."""
    data, locator = yamlfile.load(path, str(path)) if path.exists() else (None, None)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([Problem(str(path), 1, "", "expected a mapping of settings")])
    overrides = _overrides(environ or {})
    for key, (_name, value) in overrides.items():
        _set(data, key, value)
    try:
        return schema.validate(Settings, data)
    except schema.Invalid as e:
        problems = []
        for loc, message in e.errors:
            name = next((n for k, (n, _v) in overrides.items() if loc[: len(k)] == k), None)
            if name is not None:
                problems.append(Problem(f"${name}", None, key_path(loc), message))
            else:
                line = locator.line(loc) if locator else None
                problems.append(Problem(str(path), line, key_path(loc), message))
        raise ConfigError(problems) from e


def database_path(directory: Path, database: str | None = None) -> Path:
    """Where the database is, even while monitor.yaml has mistakes elsewhere: the health
    check must find the running service's database while it runs on the last good config.
    """
    if database:
        return Path(database)
    path = directory / "monitor.yaml"
    value = Settings().database
    try:
        data = yamlfile.load(path, str(path))[0] if path.exists() else None
    except ConfigError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("database"), str):
        value = data["database"]
    value = os.environ.get(f"{ENV_PREFIX}DATABASE", value)
    return _resolve(directory.resolve().parent, value)


def _overrides(environ: Mapping[str, str]) -> dict[tuple[str, ...], tuple[str, Any]]:
    """``MONITOR__FETCH__TIMEOUT=5s`` → {("fetch", "timeout"): (name, "5s")}; the value is
    read as YAML, so ``1025`` is a number, ``true`` a flag and ``[a@b.org]`` a list."""
    found = {}
    for name, raw in sorted(environ.items()):
        if name.startswith(ENV_PREFIX) and len(name) > len(ENV_PREFIX):
            loc = tuple(part.lower() for part in name[len(ENV_PREFIX) :].split("__"))
            found[loc] = (name, yamlfile.scalar(raw, f"${name}"))
    return found


def _set(data: dict[str, Any], loc: tuple[str, ...], value: Any) -> None:
    node = data
    for key in loc[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[loc[-1]] = value


def load_feeds(path: Path) -> tuple[tuple[Feed, ...], list[Problem]]:
    """feeds.yaml → the valid feeds, and a problem for each invalid one."""
    display = str(path)
    if not path.exists():
        return (), [Problem(display, None, "", "file not found: no feeds to poll")]
    data, locator = yamlfile.load(path, display)
    if data is None:
        return (), []
    try:
        items = schema.validate(schema.FeedsFile, data).feeds
    except schema.Invalid as e:
        raise ConfigError(_problems(display, locator, (), e)) from e
    feeds: dict[str, Feed] = {}
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            feed = _feed(item)
        except schema.Invalid as e:
            problems.append(_problems(display, locator, ("feeds", index), e)[0])
            continue
        if feed.name in feeds:
            loc = ("feeds", index, "name")
            message = f"duplicate feed name {feed.name!r}"
            problems.append(Problem(display, locator.line(loc), key_path(loc), message))
            continue
        feeds[feed.name] = feed
    return tuple(feeds.values()), problems


def _feed(item: Any) -> Feed:
    model = schema.validate(schema.FeedModel, item)
    return Feed(
        name=model.name,
        url=model.url,
        language=model.language,
        interval=model.interval,
        tags=model.tags,
        fulltext=model.fulltext,
    )


def _problems(
    display: str, locator: yamlfile.Locator, prefix: Sequence[str | int], error: schema.Invalid
) -> list[Problem]:
    return [
        Problem(display, locator.line((*prefix, *loc)), key_path((*prefix, *loc)), message)
        for loc, message in error.errors
    ]
