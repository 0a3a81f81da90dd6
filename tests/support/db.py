"""Looking into a test's database."""

from __future__ import annotations

from monitor.storage import Store


def count(store: Store, table: str) -> int:
    """The rows of ``table``."""
    return int(store.rows(f"SELECT count(*) AS n FROM [{table}]")[0]["n"])
