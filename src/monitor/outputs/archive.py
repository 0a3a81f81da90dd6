"""What Datasette is told of the archive: titles, a description of every table and
column, and the canned queries (``archive.yaml``, shipped in the package). Pure.

``monitor browse`` (``outputs.browse``) serves the database with it. The database is
named after its file (``data/monitor.db`` is ``monitor``), so the queries sit under that
name: ``/monitor/hits_this_week``, ``/monitor/search?q=…``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from monitor.config.yamlfile import load

#: The canned queries, by the name in their address.
QUERIES = ("hits_this_week", "story", "search", "failing_feeds")


def metadata(database: Path) -> dict[str, Any]:
    """Datasette's metadata for the database file ``database``."""
    spec = resources.files("monitor.outputs").joinpath("archive.yaml")
    with resources.as_file(spec) as path:
        data, _ = load(path, "archive.yaml")
    return {
        "title": data["title"],
        "description": data["description"],
        "databases": {
            database_name(database): {"tables": data["tables"], "queries": data["queries"]}
        },
    }


def database_name(database: Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return database.stem
