"""Read YAML files with line numbers, and edit them without losing comments.

The only module importing ruamel.yaml. ``load`` returns plain Python data (so validation
never sees ruamel types) together with a ``Locator`` that maps a key path back to the
line it came from, which is how every config error can name ``file:line``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from monitor.errors import ConfigError, Problem

Key = str | int


@dataclass(frozen=True)
class Locator:
    """Finds the 1-based line of a key path inside one loaded document."""

    root: Any

    def line(self, path: Sequence[Key]) -> int:
        """Line of the deepest node of ``path`` that exists (1 if the path is empty)."""
        node, line = self.root, 1
        for key in path:
            if isinstance(node, CommentedSeq) and isinstance(key, str):
                continue  # a key the schema adds to a short form ("terms" of a bare list)
            found = _child_line(node, key)
            if found is None:
                break
            line = found + 1
            node = node[key]
        return line


def _child_line(node: Any, key: Key) -> int | None:
    if isinstance(node, CommentedMap) and isinstance(key, str) and key in node:
        return int(node.lc.key(key)[0])
    if isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
        return int(node.lc.item(key)[0])
    return None


def load(path: Path, display: str) -> tuple[Any, Locator]:
    """Parse ``path``; a missing file, bad syntax or duplicate key raises ConfigError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([Problem(display, None, "", f"cannot read: {e}")]) from e
    try:
        root = YAML(typ="rt").load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(str(e.problem or e.context or "invalid YAML").split())
        raise ConfigError([Problem(display, line, "", message)]) from e
    except YAMLError as e:
        raise ConfigError([Problem(display, None, "", f"invalid YAML: {e}")]) from e
    return _plain(root), Locator(root)


def _plain(node: Any) -> Any:
    """Copy ruamel's annotated containers and scalars into plain Python values."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    for kind in (int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node
