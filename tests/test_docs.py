"""Every config key and every command is documented; docs/ cannot drift from the code."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

from monitor.cli import cli
from monitor.config.schema import FeedModel, Settings
from monitor.storage import Store
from tests.support.config import REPO

DOCS = REPO / "docs"
PACKAGE = REPO / "src" / "monitor"


def _keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        key = prefix + (field.alias or name)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += _keys(annotation, key + ".")
        else:
            keys.append(key)
    return keys


def _commands() -> list[str]:
    names = []
    for name, command in cli.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
    return names


@pytest.mark.parametrize("key", _keys(Settings) + _keys(FeedModel))
def test_config_key_is_documented(key: str) -> None:
    assert f"`{key}`" in (DOCS / "config.md").read_text(), f"{key} missing from docs/config.md"


@pytest.mark.parametrize("command", _commands())
def test_command_is_documented(command: str) -> None:
    text = (DOCS / "cli.md").read_text()
    assert f"## `monitor {command}`" in text, f"monitor {command} missing from docs/cli.md"


@pytest.mark.parametrize("command", _commands())
def test_command_options_are_documented(command: str) -> None:
    section = _section((DOCS / "cli.md").read_text(), f"## `monitor {command}`")
    node: click.Command = cli
    for part in command.split():
        assert isinstance(node, click.Group)
        node = node.commands[part]
    for param in node.params:
        for option in getattr(param, "opts", []):
            if option.startswith("--") and option != "--help":
                assert f"`{option}" in section, f"{option} of monitor {command} undocumented"


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    following = re.search(r"^## ", text[start + len(heading) :], re.MULTILINE)
    return text[start : start + len(heading) + following.start()] if following else text[start:]


def test_documented_commands_exist() -> None:
    documented = re.findall(r"^## `monitor ([a-z ]+)`", (DOCS / "cli.md").read_text(), re.MULTILINE)
    assert sorted(documented) == sorted(_commands())


@pytest.mark.parametrize(
    "module", sorted(p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*.py"))
)
def test_every_module_is_in_the_architecture(module: str) -> None:
    text = (DOCS / "architecture.md").read_text()
    assert f"| `{module}` |" in text, f"{module} missing from docs/architecture.md"


def _schema() -> dict[str, list[str]]:
    """Every table of a freshly migrated database and its columns; SQLite's own tables
    (the FTS index's shadow tables) left out."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "monitor.db")
        try:
            names = [r["name"] for r in store.rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'articles_fts_%' ORDER BY name"
            )]  # fmt: skip
            return {n: [c["name"] for c in store.rows(f"PRAGMA table_info('{n}')")] for n in names}
        finally:
            store.close()


def _data_section() -> str:
    return _section((DOCS / "architecture.md").read_text(), "## Data")


@pytest.mark.parametrize("table", sorted(_schema()))
def test_every_table_and_column_is_in_the_architecture(table: str) -> None:
    section = _data_section()
    if table == "_sqlite_migrations":  # the migrations' own record
        assert f"`{table}`" in section
        return
    bullet = re.search(rf"^- `{table}`:(.*?)(?=^- `|\Z)", section, re.MULTILINE | re.DOTALL)
    assert bullet, f"table {table} missing from the Data section of docs/architecture.md"
    missing = [c for c in _schema()[table] if f"`{c}`" not in bullet.group(1)]
    assert not missing, f"columns of {table} missing from docs/architecture.md: {missing}"


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_every_module_is_in_its_package_docstring(package: str) -> None:
    text = (PACKAGE / package / "__init__.py").read_text()
    docstring = text[: text.index('"""', 3)]
    modules = sorted(p.stem for p in (PACKAGE / package).glob("*.py") if p.stem != "__init__")
    missing = [m for m in modules if f"``{m}``" not in docstring]
    assert not missing, f"monitor.{package}'s docstring does not name {missing}"
