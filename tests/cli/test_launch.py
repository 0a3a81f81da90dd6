"""launch.py: the executable's entry point pauses the collector for the import only."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor import __version__, launch
from tests.reliability.test_crash import descendants, left_behind


def _launched(before: str) -> list[str]:
    """Run ``launch.main`` in a fresh interpreter (the freeze is process-wide), after
    ``before``; what the collector looks like then: enabled, frozen objects."""
    code = (
        f"import gc, sys\n{before}\nsys.argv = ['monitor', '--version']\n"
        "from monitor import launch\n"
        "try:\n    launch.main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "print(gc.isenabled(), gc.get_freeze_count())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1].split()


def test_the_collector_runs_again_after_the_import_with_the_loaded_objects_frozen() -> None:
    enabled, frozen = _launched("")
    assert enabled == "True"
    assert int(frozen) > 10_000  # the CLI's modules, classes and config models


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    enabled, _frozen = _launched("gc.disable()")
    assert enabled == "False"


def test_python_dash_m_monitor_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"monitor, version {__version__}"


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["poll"], "poll"),
        (["--config", "poll", "status"], "status"),  # "poll" is the config directory here
        (["--config=cfg", "--db", "x.db", "-vv", "run", "--log-format", "json"], "run"),
        (["-q", "poll", "--json"], "poll"),
        (["demo", "--dir", "tour"], "demo"),
        (["poll", "--help"], None),
        (["--help"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_is_read_as_click_reads_it(argv: list[str], command: str | None) -> None:
    assert launch.command_of(argv) == command


def test_a_poll_that_stops_at_a_bad_config_leaves_no_extractor_running(tmp_path: Path) -> None:
    (tmp_path / "monitor.yaml").write_text("poll:\n  intervl: 5m\n", encoding="utf-8")
    (tmp_path / "feeds.yaml").write_text("feeds: []\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(tmp_path), "poll"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        seen |= descendants(process.pid)  # the forkserver, started before the config is read
        time.sleep(0.02)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "intervl: unknown key" in err
    assert "Traceback" not in err
    assert seen, "the forkserver was started at once"
    assert left_behind(seen) == set()
