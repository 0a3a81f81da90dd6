"""Shared fixtures: a real loopback HTTP server; and a cache directory of the run's own."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from tests.support.server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


def pytest_configure(config: pytest.Config) -> None:
    # Set before any monitor process starts, so every one of them (and their extraction
    # workers) caches the language model here, not in the user's home.
    os.environ["MONITOR_CACHE"] = tempfile.mkdtemp(prefix="monitor-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop("MONITOR_CACHE", ""), ignore_errors=True)
