"""Read YAML files with line numbers, and edit them without losing comments.

The only module importing ruamel.yaml. ``load`` returns plain Python data (so validation
never sees ruamel types) together with a ``Locator`` that maps a key path back to the
line it came from, which is how every config error can name ``file:line``. It reads with
libyaml (ruamel.yaml.clib, when installed) and builds both from the composed nodes, each of
which knows its line: a tenth of the time of the round-trip loader, which every command
would otherwise spend on the watchlists before it starts. Editing (``Document``) keeps
the round trip, which keeps comments.

A config file is small and shallow, and a hostile one must not take the monitor down:
files over ``MAX_BYTES``, nesting deeper than ``MAX_DEPTH`` (checked on the parser's event
stream, before anything recursive runs) and documents whose aliases expand to more than
``MAX_VALUES`` values (the "billion laughs" bomb) are refused with the line to look at.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
)
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from monitor.errors import ConfigError, Problem
from monitor.text.fold import normalize

Key = str | int

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_VALUES = 200_000
#: Line breaks of YAML 1.1 only (NEL, LS, PS), which libyaml counts and YAML 1.2 does not:
#: a file with any is read by ruamel's own parser, so that its lines are YAML 1.2's.
_LINE_BREAKS_OF_1_1 = frozenset("\x85\u2028\u2029")


#: Where each key of a loaded document is: a mapping's keys, each with its line and
#: what is under it; a sequence's items, the same; None under a scalar.
Lines = dict[str, "tuple[int, Lines]"] | list["tuple[int, Lines]"] | None


@dataclass(frozen=True)
class Locator:
    """Finds the 1-based line of a key path inside one loaded document."""

    root: Lines

    def line(self, path: Sequence[Key]) -> int:
        """Line of the deepest node of ``path`` that exists (1 if the path is empty)."""
        node, line = self.root, 1
        for key in path:
            if isinstance(node, list) and isinstance(key, str):
                continue  # a key the schema adds to a short form ("terms" of a bare list)
            found = _child(node, key)
            if found is None:
                break
            line, node = found
        return line


def _child(node: Lines, key: Key) -> tuple[int, Lines] | None:
    if isinstance(node, dict) and isinstance(key, str):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return None


def load(path: Path, display: str) -> tuple[Any, Locator]:
    """Parse ``path``; a missing file, bad syntax, a duplicate key or a bomb raises
    ConfigError."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ConfigError(
                [Problem(display, None, "", f"{size:,} bytes is over the {MAX_BYTES:,} limit")]
            )
        text = _read_text(path, display)
    except OSError as e:
        raise ConfigError([Problem(display, None, "", f"cannot read: {e}")]) from e
    if not _LINE_BREAKS_OF_1_1.intersection(text):
        try:
            return _read(text, display, pure=False)
        except YAMLError:
            pass  # libyaml reads YAML 1.1: "[efe-2000:fac1f01d3b]" is 1.2, read it so
    try:
        return _read(text, display, pure=True)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(str(e.problem or e.context or "invalid YAML").split())
        raise ConfigError([Problem(display, line, "", message)]) from e
    except YAMLError as e:
        raise ConfigError([Problem(display, None, "", f"invalid YAML: {e}")]) from e


#: The byte order marks YAML allows a stream to start with (UTF-32's before UTF-16's,
#: which they begin with), and the codec each one means.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip


def _read_text(path: Path, display: str) -> str:
    """A config file's text: UTF-8, or UTF-16 or UTF-32 with a byte order mark (as YAML
    allows, and as some Windows editors save), composed (``text.fold.normalize``): an
    editor may save "í" as "i" and a combining accent, and then "cubaní*" would end in an
    accent, not a letter, and "Díaz-Canel" would be another feed's name."""
    raw = path.read_bytes()
    codec = next((c for bom, c in _BOMS if raw.startswith(bom)), "utf-8-sig")
    try:
        return normalize(raw.decode(codec))
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        name = "UTF-8" if codec == "utf-8-sig" else codec.upper()
        message = f"not {name} text (byte 0x{raw[e.start]:02x}): save the file as UTF-8"
        raise ConfigError([Problem(display, line, "", message)]) from e


def _read(text: str, display: str, *, pure: bool) -> tuple[Any, Locator]:
    reader = YAML(typ="safe", pure=pure)
    # The depth is checked on the parser's events, which are not recursive, before
    # composing, which is.
    _check_depth(reader.parse(text), display)
    return _Plain(display, reader.constructor).document(reader.compose(text))


def scalar(text: str, display: str) -> Any:
    """One value written as YAML (an environment variable's), as plain Python."""
    try:
        value = YAML(typ="safe").load(text)
    except YAMLError as e:
        raise ConfigError([Problem(display, None, "", f"invalid YAML: {e}")]) from e
    return "" if value is None else value


def _check_depth(events: Iterator[Event], display: str) -> None:
    depth = 0
    for event in events:
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1
                message = f"nested more than {MAX_DEPTH} levels deep"
                raise ConfigError([Problem(display, line, "", message)])
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


class _Plain:
    """Makes plain Python values of the composed nodes, and their lines, counting them:
    an alias is copied each time it is used, so a few lines can stand for billions."""

    def __init__(self, display: str, constructor: Any) -> None:
        self.display = display
        self.constructor = constructor
        self.values = 0

    def document(self, root: Node | None) -> tuple[Any, Locator]:
        if root is None:
            return None, Locator(None)
        value, lines = self.value(root, 1)
        return value, Locator(lines)

    def value(self, node: Node, line: int) -> tuple[Any, Lines]:
        self.values += 1
        if self.values > MAX_VALUES:
            message = f"expands to more than {MAX_VALUES:,} values (aliases used over and over?)"
            raise ConfigError([Problem(self.display, line, "", message)])
        if isinstance(node, MappingNode):
            return self._mapping(node, line)
        if isinstance(node, SequenceNode):
            items = [self.value(item, _line(item, line)) for item in node.value]
            return [v for v, _ in items], [(_line(i, line), lines) for i, (_, lines) in
                                          zip(node.value, items, strict=True)]  # fmt: skip
        return _scalar(self.constructor.construct_object(node, deep=True)), None

    def _mapping(self, node: MappingNode, line: int) -> tuple[dict[str, Any], Lines]:
        self.constructor.flatten_mapping(node)  # "<<: *defaults" merged in, as YAML says
        values: dict[str, Any] = {}
        lines: dict[str, tuple[int, Lines]] = {}
        for key_node, value_node in node.value:
            key = str(self.constructor.construct_object(key_node, deep=True))
            at = _line(key_node, line)
            if key in values:
                raise ConfigError([Problem(self.display, at, "", f'found duplicate key "{key}"')])
            values[key], below = self.value(value_node, at)
            lines[key] = (at, below)
        return values, lines


def _scalar(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    for kind in (int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _line(node: Node, parent: int) -> int:
    # An aliased node keeps the line of where it was defined, above its use: the later
    # line is the one being expanded.
    return max(int(node.start_mark.line) + 1, parent)


class Document:
    """A YAML file opened for editing: changed in place, written back with its comments,
    key order and style kept (ruamel's round trip)."""

    def __init__(self, path: Path, display: str) -> None:
        self.path, self.display = path, display
        self._yaml = YAML(typ="rt")
        self._yaml.preserve_quotes = True
        # The style of the shipped files: "  - name: …" under a key, long lines kept whole.
        self._yaml.indent(mapping=2, sequence=4, offset=2)
        self._yaml.width = 4096
        try:
            text = _read_text(path, display) if path.exists() else ""
        except OSError as e:
            raise ConfigError([Problem(display, None, "", f"cannot read: {e}")]) from e
        try:
            self.root: Any = self._yaml.load(text) if text.strip() else CommentedMap()
        except YAMLError as e:
            raise ConfigError([Problem(display, None, "", f"invalid YAML: {e}")]) from e

    def sequence(self, key: str) -> CommentedSeq:
        """The list under ``key`` at the top, made if missing."""
        if not isinstance(self.root, CommentedMap):
            raise ConfigError([Problem(self.display, 1, "", "expected a mapping")])
        found = self.root.get(key)
        if found is None:
            found = self.root[key] = CommentedSeq()
        if not isinstance(found, CommentedSeq):
            line = self.root.lc.key(key)[0] + 1
            raise ConfigError([Problem(self.display, line, key, "expected a list")])
        return found

    def append(self, key: str, item: dict[str, Any], comment: str | None = None) -> None:
        """Add ``item`` at the end of the list under ``key``, a comment line above it."""
        seq = self.sequence(key)
        seq.append(_commented(item))
        if comment:
            seq.yaml_set_comment_before_after_key(len(seq) - 1, before=comment, indent=2)

    def save(self) -> None:
        """Write back through a temporary file, so a crash never leaves half a file."""
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        try:
            with temporary.open("w", encoding="utf-8") as f:
                self._yaml.dump(self.root, f)
            temporary.replace(self.path)
        except OSError as e:
            temporary.unlink(missing_ok=True)
            raise ConfigError([Problem(self.display, None, "", f"cannot write: {e}")]) from e


def _commented(item: dict[str, Any]) -> CommentedMap:
    mapping = CommentedMap()
    for key, value in item.items():
        if isinstance(value, list | tuple):
            seq = CommentedSeq(value)
            seq.fa.set_flow_style()  # tags: [a, b], as the shipped files write them
            value = seq
        mapping[key] = value
    return mapping
