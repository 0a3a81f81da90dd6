"""Editing feeds.yaml: add, remove and import feeds, keeping the user's comments and order.

Every change is checked as ``load_config`` would check it (the same schema), refuses a
duplicate (by name, or by canonical URL: ``http://Example.org/feed?utm_source=x`` is
``http://example.org/feed``), and is written back in one atomic step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.config import schema, yamlfile
from monitor.config.opml import OpmlFeed
from monitor.errors import ConfigError, Problem
from monitor.text.fold import normalize
from monitor.text.urls import canonical_url

#: Folders readers put every feed in when the user made none: not worth a tag.
CATCH_ALL_FOLDERS = frozenset({"all", "uncategorized", "uncategorised", "feeds", "subscriptions",
                               "sin categoría", "sans catégorie"})  # fmt: skip


class FeedListError(ConfigError):
    """A change to feeds.yaml that cannot be made (a duplicate, an unknown name)."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__([Problem(str(path), None, "", message)])


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: list[str] = field(default_factory=list)
    #: (title, why it was skipped)
    skipped: list[tuple[str, str]] = field(default_factory=list)


class FeedList:
    """feeds.yaml, open for editing; ``save`` writes the changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._doc = yamlfile.Document(path, str(path))
        self._items = self._doc.sequence("feeds")

    def names(self) -> list[str]:
        """The feeds' names, composed as ``load_config`` reads them (an editor may have
        saved one decomposed)."""
        return [normalize(str(i.get("name", ""))) for i in self._items if hasattr(i, "get")]

    def _urls(self) -> dict[str, str]:
        found = {}
        for item in self._items:
            if hasattr(item, "get") and isinstance(item.get("url"), str):
                found[canonical_url(item["url"])] = str(item.get("name", ""))
        return found

    def add(self, entry: dict[str, Any], comment: str | None = None) -> None:
        """Add one feed (``name``, ``url`` and any optional key of docs/config.md)."""
        entry = {k: v for k, v in entry.items() if v not in (None, [], ())}
        if isinstance(entry.get("name"), str):
            entry["name"] = normalize(entry["name"])
        try:
            schema.validate(schema.FeedModel, entry)
        except schema.Invalid as e:
            raise FeedListError(self.path, f"{entry.get('name')!r}: {e}") from e
        if entry["name"] in self.names():
            raise FeedListError(self.path, f"a feed named {entry['name']!r} is already there")
        same = self._urls().get(canonical_url(entry["url"]))
        if same is not None:
            raise FeedListError(self.path, f"{entry['url']} is already there as {same!r}")
        self._doc.append("feeds", entry, comment)

    def remove(self, name: str) -> dict[str, Any]:
        """Remove the feed called ``name``; returns what it was."""
        for index, item in enumerate(self._items):
            if hasattr(item, "get") and normalize(str(item.get("name", ""))) == normalize(name):
                removed = dict(item)
                del self._items[index]
                return removed
        raise FeedListError(self.path, f"no feed named {name!r}")

    def import_feeds(self, feeds: Sequence[OpmlFeed], source: str) -> ImportReport:
        """Add every feed not there yet (by canonical URL); a taken name gets a number."""
        report = ImportReport()
        for feed in feeds:
            same = self._urls().get(canonical_url(feed.url))
            if same is not None:
                report.skipped.append((feed.title, f"already there as {same!r}"))
                continue
            entry: dict[str, Any] = {"name": self._free_name(feed.title[:200]), "url": feed.url}
            if feed.language:
                entry["language"] = feed.language.split("-")[0].lower()
            tags = [f.lower() for f in feed.folders if f.lower() not in CATCH_ALL_FOLDERS]
            if tags:
                entry["tags"] = tags
            try:
                self.add(entry, comment=f"Imported from {source}.")
            except FeedListError as e:
                report.skipped.append((feed.title, e.problems[0].message))
                continue
            report.added.append(entry["name"])
        return report

    def _free_name(self, title: str) -> str:
        names, name, n = set(self.names()), normalize(title) or "feed", 1
        while name in names:
            n += 1
            name = f"{normalize(title)} ({n})"
        return name

    def save(self) -> None:
        self._doc.save()
