"""Key paths as users read them: ("feeds", 3, "url") → "feeds[3].url"."""

from __future__ import annotations

from collections.abc import Sequence

#: Where a value sits in a loaded file: ("feeds", 3, "url").
Loc = tuple[str | int, ...]


def key_path(loc: Sequence[str | int]) -> str:
    """("feeds", 3, "url") → "feeds[3].url"."""
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out
