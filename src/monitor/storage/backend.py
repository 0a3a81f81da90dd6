"""What every query module needs of the store: rows out, one write transaction in.

The query modules are mixins of ``Store``; they type ``self`` as this protocol, so each
one sees only these doors to the database and never the connection itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


#: Values bound in one ``IN (…)``: well under SQLite's limit on bound parameters.
IN_CHUNK = 500


def chunked(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[tuple[list[Any], str]]:
    """``values`` in chunks for ``IN (…)``, each with its ``?, ?, …`` placeholders."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))
