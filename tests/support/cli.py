"""Running the ``monitor`` command in tests: in-process (fast), or as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from monitor.cli import cli


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str, input_text: str | None = None, env: dict[str, str] | None = None) -> Result:
    """The command through click's runner, in this process; no traceback may escape."""
    result = CliRunner().invoke(cli, list(args), input=input_text, env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


def monitor(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """The real command in a child process; no traceback may ever reach the user."""
    result = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        input=input_text,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def poll_once(config: Path) -> dict[str, Any]:
    """``monitor poll --json`` on ``config`` once: the report, read."""
    result = invoke("--config", str(config), "poll", "--json")
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report
