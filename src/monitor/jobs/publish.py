"""Write the Atom feeds of hits after a cycle: ``all.atom`` and one per watchlist.

Each file is written to a temporary name beside it and renamed over it, so a reader
polling ``data/feeds/`` never sees half a file. A failure to write (a full disk, a
read-only folder) is logged and leaves the cycle's work as it is: the feeds are a view of
the database, rebuilt whole next cycle.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from monitor.config import Config
from monitor.outputs.atom import atom_feed
from monitor.storage import Store

log = logging.getLogger(__name__)


def publish(config: Config, store: Store, now: datetime, *, changed: bool = True) -> list[Path]:
    """The Atom feeds of the hits of the last ``atom.since``; the files written.

    A cycle that ``changed`` no hit writes them only if one is missing (the first cycle,
    a new watchlist): the service's unchanged cycles every minute cost nothing here.
    """
    settings = config.settings.atom
    names = ["all", *(w.name for w in config.watchlists)]
    folder = config.atom_directory
    if not settings.enabled or not (changed or _missing(folder, names)):
        return []
    hits = store.hits(since=now - settings.since)
    documents = {"all": ("US–Cuba news monitor: every watchlist", hits)}
    for watchlist in config.watchlists:
        mine = [h for h in hits if h.hit.watchlist == watchlist.name]
        documents[watchlist.name] = (f"US–Cuba news monitor: {watchlist.title}", mine)
    written = []
    try:
        config.atom_directory.mkdir(parents=True, exist_ok=True)
        for name, (title, chosen) in documents.items():
            path = config.atom_directory / f"{name}.atom"
            _replace(path, atom_feed(name, title, chosen, now, settings.max_entries))
            written.append(path)
    except OSError as e:
        log.warning("atom feeds: cannot write %s: %s", config.atom_directory, e.strerror or e)
    return written


def _missing(folder: Path, names: list[str]) -> bool:
    return not all((folder / f"{name}.atom").is_file() for name in names)


def _replace(path: Path, document: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(document)
    temporary.replace(path)
