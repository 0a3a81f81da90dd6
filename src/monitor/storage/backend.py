"""What every query module needs of the store: rows out, one write transaction in.

The query modules are mixins of ``Store``; they type ``self`` as this protocol, so each
one sees only these doors to the database and never the connection itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import fields
from typing import Any, Protocol, TypeVar

from monitor.storage.times import from_iso, required

R = TypeVar("R")


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


def record(kind: type[R], row: Mapping[str, Any], **given: Any) -> R:
    """A record of ``kind`` (a dataclass of ``monitor.types``) from a row: each field from
    the column of its name, times read from their ISO text (a time that is never null
    from ``required``), unless ``given``; a field with no column keeps its default."""
    values: dict[str, Any] = {}
    for f in fields(kind):  # type: ignore[arg-type]
        if f.name in given:
            values[f.name] = given[f.name]
        elif f.name in row:
            kind_of = str(f.type)
            value = row[f.name]
            if kind_of == "datetime":
                value = required(value)
            elif kind_of.startswith("datetime"):
                value = from_iso(value)
            values[f.name] = value
    return kind(**values)
