"""Broken and hostile config through the real `monitor check`: file:line, exit 1, at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.cli import monitor
from tests.support.config import write_config

NESTED = "{all: [" * 150 + "cuba" + "]}" * 150
BOMB = "\n".join(
    ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    + [f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]" for p, k in zip("abcdefg", "bcdefgh", strict=True)]
)


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        ("monitor.yaml", "poll:\n  interval: [30m\n", "monitor.yaml:3: "),
        ("monitor.yaml", "poll:\n  intervl: 30m\n", "monitor.yaml:2: poll.intervl: unknown key"),
        ("monitor.yaml", BOMB, "monitor.yaml:6: expands to more than 200,000 values"),
        ("watchlists/w.yaml", "groups:\n  g: ['cu*ba']\nmatch: g\n",
         "watchlists/w.yaml:2: groups.g.terms[0].term: 'cu*ba': * may only end a term"),
        ("watchlists/w.yaml", f"groups:\n  cuba: [Cuba]\nmatch: {NESTED}\n",
         "watchlists/w.yaml:3: nested more than 32 levels deep"),
        ("watchlists/w.yaml", BOMB, "watchlists/w.yaml:6: expands to more than 200,000 values"),
    ],
)  # fmt: skip
def test_each_is_one_line_with_file_and_line(
    tmp_path: Path, file: str, text: str, expected: str
) -> None:
    config = write_config(tmp_path, [{"name": "x", "url": "https://x.example/rss"}])
    (config / file).write_text(text)
    started = time.monotonic()
    result = monitor("--config", str(config), "check")
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("monitor: ")]
    assert any(line.startswith(f"monitor: {config}/{expected}") for line in lines), lines
