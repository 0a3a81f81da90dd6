"""The language model's cache: read when it is this version's and private, rebuilt when
it is damaged, and never needed: a cache that cannot be used costs only time."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.ingest import language
from monitor.ingest.language import cache_dir, detect_language, identifier
from tests.support.cli import monitor
from tests.support.config import RELATIONS, site_config
from tests.support.news import story
from tests.support.server import FeedServer

SPANISH = "El gobierno cubano denunció el bloqueo de Estados Unidos ante la ONU"
ENGLISH = "The government in Havana denounced the embargo before the United Nations"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    where = tmp_path / "cache"
    monkeypatch.setenv("MONITOR_CACHE", str(where))
    identifier.cache_clear()
    yield where
    identifier.cache_clear()


@pytest.fixture
def package_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the loads of the model from py3langid's own (compressed) file."""
    loads: list[str] = []
    real = language.from_package

    def counted() -> object:
        loads.append("package")
        return real()

    monkeypatch.setattr(language, "from_package", counted)
    return loads


def _cached(where: Path) -> list[Path]:
    return sorted(where.glob("langid-*.pickle"))


def test_detects_the_language_of_a_text() -> None:
    assert detect_language(SPANISH) == "es"
    assert detect_language(ENGLISH) == "en"
    assert detect_language("Cuba") is None


def test_the_first_load_writes_the_cache_and_the_next_process_reads_it(
    cache: Path, package_loads: list[str]
) -> None:
    assert detect_language(SPANISH) == "es"
    assert len(package_loads) == 1
    (written,) = _cached(cache)
    assert os.stat(cache).st_mode & 0o777 == 0o700

    identifier.cache_clear()  # as a new process starts
    assert detect_language(SPANISH) == "es"
    assert detect_language(ENGLISH) == "en"
    assert len(package_loads) == 1, "the second load came from the cache"
    assert _cached(cache) == [written]
    assert not list(cache.glob(".langid-*")), "no temporary file left"


def test_a_cache_others_may_write_is_not_read(cache: Path, package_loads: list[str]) -> None:
    identifier()
    (written,) = _cached(cache)
    written.chmod(0o666)
    identifier.cache_clear()
    assert detect_language(SPANISH) == "es"
    assert len(package_loads) == 2, "the shared file was not trusted"


def test_a_directory_others_may_write_is_neither_read_nor_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package_loads: list[str]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # /tmp, without its sticky bit's protection of files
    monkeypatch.setenv("MONITOR_CACHE", str(shared))
    identifier.cache_clear()
    try:
        assert detect_language(SPANISH) == "es"
    finally:
        identifier.cache_clear()
    assert package_loads == ["package"]
    assert list(shared.iterdir()) == []


def test_a_damaged_cache_is_rebuilt(cache: Path, package_loads: list[str]) -> None:
    identifier()
    (written,) = _cached(cache)
    written.write_bytes(written.read_bytes()[:1000])  # a write cut short by a full disk
    identifier.cache_clear()
    assert detect_language(SPANISH) == "es"
    assert len(package_loads) == 2
    identifier.cache_clear()
    assert detect_language(ENGLISH) == "en"
    assert len(package_loads) == 2, "rebuilt whole the second time"


def test_another_versions_cache_is_replaced(cache: Path, package_loads: list[str]) -> None:
    cache.mkdir(mode=0o700)
    old = cache / "langid-0.1.0-4586720-1.pickle"
    old.write_bytes(b"an older version's model")
    assert detect_language(SPANISH) == "es"
    assert len(package_loads) == 1
    assert old not in _cached(cache)
    assert len(_cached(cache)) == 1


def test_a_cache_that_cannot_be_written_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package_loads: list[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("MONITOR_CACHE", str(blocker / "monitor"))
    identifier.cache_clear()
    try:
        assert detect_language(SPANISH) == "es"
        identifier.cache_clear()
        assert detect_language(ENGLISH) == "en"
    finally:
        identifier.cache_clear()
    assert len(package_loads) == 2
    assert blocker.read_text() == "not a directory"


def test_where_the_cache_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MONITOR_CACHE", str(tmp_path / "explicit"))
    assert cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("MONITOR_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "monitor"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "monitor"


def test_a_user_without_a_home_loads_the_model_uncached(
    monkeypatch: pytest.MonkeyPatch, package_loads: list[str]
) -> None:
    monkeypatch.delenv("MONITOR_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    identifier.cache_clear()
    try:
        assert cache_dir() is None
        assert detect_language(SPANISH) == "es"
    finally:
        identifier.cache_clear()
    assert package_loads == ["package"]


def _poll(config: Path, cache: Path) -> None:
    result = monitor("--config", str(config), "poll", env={"MONITOR_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr


def test_real_polls_write_the_cache_once_and_read_it_after(tmp_path: Path) -> None:
    """The forkserver loads the model: the first `monitor poll` writes the cache, the
    next reads it, and both tell a Spanish page from an English one."""
    cache = tmp_path / "cache"
    stories = [
        story("es1", "Cuba y EE.UU. hablan", "El Gobierno cubano y Washington hablan.", "es"),
        story("en1", "Cuba and the US talk", "Havana and Washington held talks today."),
    ]
    with FeedServer() as server:
        config = site_config(server, tmp_path, stories[:1], {"relations": RELATIONS})
        _poll(config, cache)
        (written,) = _cached(cache)
        made = written.stat().st_mtime_ns
        config = site_config(server, tmp_path, stories, {"relations": RELATIONS})
        _poll(config, cache)
    assert _cached(cache) == [written]
    assert written.stat().st_mtime_ns == made, "read, not written again"
    with sqlite3.connect(config.parent / "data/monitor.db") as db:
        languages = dict(db.execute("SELECT title, language FROM articles"))
    assert languages == {"Cuba y EE.UU. hablan": "es", "Cuba and the US talk": "en"}
