"""Shared fixtures: a real loopback HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s
