"""Load and validate config/: monitor.yaml, feeds.yaml and watchlists/*.yaml.

``load_config`` raises ``ConfigError`` when monitor.yaml is unusable. A bad feed entry or a
bad watchlist does not stop the others: it is left out and listed in ``Config.problems``,
so the service keeps working while ``monitor check`` (and every command) reports it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.config import schema, yamlfile
from monitor.config.paths import key_path
from monitor.config.schema import Settings
from monitor.config.watchlists import load_watchlists
from monitor.errors import ConfigError, Problem
from monitor.matching.model import Exclusion, Watchlist
from monitor.types import Feed

__all__ = ["Config", "Settings", "load_config", "resolve_config_dir"]


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
    watchlists: tuple[Watchlist, ...] = ()
    #: Exclusions from watchlists/_common.yaml, which apply to every watchlist.
    shared_exclusions: tuple[Exclusion, ...] = ()
    #: Things wrong with individual feeds or watchlists, which were left out.
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    def feed(self, name: str) -> Feed | None:
        return next((f for f in self.feeds if f.name == name), None)

    def watchlist(self, name: str) -> Watchlist | None:
        return next((w for w in self.watchlists if w.name == name), None)


def resolve_config_dir(option: str | None) -> Path:
    """--config, else $MONITOR_CONFIG, else ./config."""
    return Path(option or os.environ.get("MONITOR_CONFIG") or "config")


def load_config(directory: Path, database: str | None = None) -> Config:
    """Read a config directory; ``database`` (from --db or $MONITOR_DB) wins over monitor.yaml."""
    if not directory.is_dir():
        raise ConfigError([Problem(str(directory), None, "", "config directory not found")])
    settings = load_settings(directory / "monitor.yaml")
    feeds, problems = load_feeds(directory / "feeds.yaml")
    lists = load_watchlists(directory / "watchlists")
    base = directory.resolve().parent
    db = Path(database) if database else _resolve(base, settings.database)
    return Config(
        directory=directory,
        settings=settings,
        feeds=feeds,
        database=db,
        digest_directory=_resolve(base, settings.email.directory),
        watchlists=lists.watchlists,
        shared_exclusions=lists.shared_exclusions,
        problems=(*problems, *lists.problems),
    )


def _resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def load_settings(path: Path) -> Settings:
    """monitor.yaml → Settings; a missing file means every default."""
    if not path.exists():
        return Settings()
    data, locator = yamlfile.load(path, str(path))
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise ConfigError([Problem(str(path), 1, "", "expected a mapping of settings")])
    try:
        return schema.validate(Settings, data)
    except schema.Invalid as e:
        raise ConfigError(_problems(str(path), locator, (), e)) from e


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
