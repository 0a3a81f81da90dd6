"""Every config key and every command is documented; docs/ cannot drift from the code."""

from __future__ import annotations

import re

import click
import pytest
from pydantic import BaseModel

from monitor.cli import cli
from monitor.config.schema import FeedModel, Settings
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
