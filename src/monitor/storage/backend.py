"""What every query module needs of the store: rows out, one write transaction in.

The query modules are mixins of ``Store``; they type ``self`` as this protocol, so each
one sees only these doors to the database and never the connection itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Backend(Protocol):
    def rows(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[dict[str, Any]]: ...

    def write(self) -> AbstractContextManager[Any]: ...

    def quote_fts(self, query: str) -> str:
        """``query`` as plain words for an FTS5 MATCH, never read as FTS syntax."""
        ...
