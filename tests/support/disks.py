"""Real disks that are full or read-only, for storage faults: a small tmpfs mounted for the
test (root can mount), else file permissions and a file-size limit (anyone can)."""

from __future__ import annotations

import os
import resource
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[bool]:
    """Mount a tmpfs of ``size`` on ``path``; yields False when this machine cannot."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and _run(
        "mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)
    )
    try:
        yield mounted
    finally:
        if mounted:
            _run("umount", "-l", str(path))


def read_only(path: Path) -> None:
    """Make the filesystem (or, without root, the folder and its files) read-only."""
    if os.geteuid() == 0:
        if not _run("mount", "-o", "remount,ro", str(path)):
            pytest.skip("cannot remount read-only here")
        return
    for item in [*path.rglob("*"), path]:
        item.chmod(0o555 if item.is_dir() else 0o444)


def file_size_limit(limit: int) -> Callable[[], None]:
    """A preexec_fn: writes past ``limit`` bytes fail (Python ignores SIGXFSZ)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply
