"""launch.py: the executable's entry point pauses the collector for the import only."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from monitor import __version__, launch


def test_the_collector_runs_again_after_the_import_with_the_loaded_objects_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "argv", ["monitor", "--version"])
    try:
        with pytest.raises(SystemExit) as ended:
            launch.main()
        assert ended.value.code == 0
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_collector_the_caller_turned_off_stays_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["monitor", "--version"])
    gc.disable()
    try:
        with pytest.raises(SystemExit):
            launch.main()
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_python_dash_m_monitor_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"monitor, version {__version__}"
