"""Config directories for tests: a config/ written from plain data, and small watchlists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.news import Story, page, rss
from tests.support.server import FeedServer

#: The repository, for tests of what ships in it (config/, docs/).
REPO = Path(__file__).parents[2]
DATA = REPO / "tests" / "data"


def write_config(
    root: Path,
    feeds: list[dict[str, Any]],
    settings: dict[str, Any] | None = None,
    watchlists: dict[str, str] | None = None,
) -> Path:
    """A config/ directory under ``root`` (data/ lands beside it); returns config/."""
    config = root / "config"
    (config / "watchlists").mkdir(parents=True, exist_ok=True)
    base: dict[str, Any] = {
        "fetch": {"allow_private_addresses": True, "timeout": "10s"},
        "extract": {"workers": 1},
    }
    for key, value in (settings or {}).items():
        if isinstance(value, dict):
            base[key] = {**base.get(key, {}), **value}
        else:
            base[key] = value
    # JSON is YAML: no need for a YAML writer in the tests.
    (config / "monitor.yaml").write_text(json.dumps(base, indent=2))
    (config / "feeds.yaml").write_text(json.dumps({"feeds": feeds}, indent=2, ensure_ascii=False))
    for name, text in (watchlists or {}).items():
        (config / "watchlists" / f"{name}.yaml").write_text(text)
    return config


#: A small watchlist: Cuba and the US in one text.
RELATIONS = """title: Relations
groups:
  cuba: [Cuba, La Habana, Havana]
  us: [{term: United States, aliases: [EE.UU., Washington]}]
match: {all: [cuba, us]}
"""


def site_config(
    server: FeedServer, root: Path, stories: list[Story], watchlists: dict[str, str]
) -> Path:
    """Serve ``stories`` as one feed with article pages; a config/ that polls it."""
    for s in stories:
        server.add(f"/articles/{s.slug}.html", page(s), content_type="text/html")
    url = server.add("/feed.xml", rss("Site", stories))
    return write_config(root, [{"name": "Site", "url": url}], watchlists=watchlists)
