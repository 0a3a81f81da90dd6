"""extract.py: article text from real-looking pages, and a pool that survives bad pages."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ExtractError, PageBreaksWorkers
from monitor.ingest.extract import ExtractorPool, extract_html
from monitor.ingest.language import detect_language
from monitor.ingest.workers import START_AT_LEAST
from monitor.types import PageNeeds
from tests.support.config import DATA
from tests.support.workers import misbehave

PAGES = sorted((DATA / "pages").glob("*.html"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_article_text_and_metadata(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text())
    page = extract_html(path.read_bytes(), f"https://example.org/{path.name}")
    assert page is not None
    for phrase in expected["must_contain"]:
        assert phrase in page.text, phrase
    for phrase in expected["must_not_contain"]:
        assert phrase not in page.text, phrase
    assert page.title == expected["title"]
    assert page.author == expected["author"]
    assert page.published is not None
    assert page.published.date().isoformat() == expected["published"]
    assert page.language == expected["language"]


@pytest.mark.parametrize(
    "html",
    [b"", b"<html><body></body></html>", b"\x00\xff\xfe binary", b"<div>" * 5000],
    ids=["empty", "blank", "binary", "deep"],
)
def test_pages_without_an_article_give_none(html: bytes) -> None:
    assert extract_html(html, "https://example.org/x") is None


#: The characters XML forbids, which lxml gives trafilatura for their HTML references.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _article_with(reference: str) -> bytes:
    sentence = f"Cuba y Estados Unidos negocian{reference}un acuerdo sobre el petróleo. "
    return (
        f"<html><head><title>Acuerdo{reference}petrolero</title></head><body><article>"
        f"<h1>Acuerdo</h1><p>{sentence * 10}</p><p>Sigue&#8217;s &#x1F600; &#12345;</p>"
        "</article></body></html>"
    ).encode()


@pytest.mark.parametrize("code", [*range(1, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])
def test_a_reference_to_a_character_xml_forbids_loses_nothing(code: int) -> None:
    # Before, one "&#27;" anywhere in the article made trafilatura discard the page.
    for reference in (f"&#{code};", f"&#x{code:X};", f"&#x{code:04x};", f"&#{code} "):
        page = extract_html(_article_with(reference), "https://example.org/a")
        assert page is not None, reference
        assert page.text.count("sobre el petróleo") == 10, reference
        assert not _XML_FORBIDDEN.search(page.text), reference
        # References to other characters are read as before.
        assert "Sigue’s \U0001f600 \u3039" in page.text, reference


@pytest.mark.parametrize(
    ("declared", "content_type"),
    [("", "text/html; charset=ISO-8859-1"), ('<meta charset="zlib">', None), ("", None)],
)
def test_a_page_in_windows_1252_is_read_in_it(declared: str, content_type: str | None) -> None:
    """The project's own English page, served in windows-1252: its one Spanish name came
    out "Nicolįs Maduro" by guesswork, and a ``charset`` naming a codec that is not a
    text encoding raised in the worker, so the article was its feed summary."""
    path = DATA / "pages/oil-en.html"
    html = path.read_text(encoding="utf-8").replace('<meta charset="utf-8">', declared)
    page = extract_html(html.encode("cp1252"), "https://example.org/a", content_type=content_type)
    assert page is not None
    assert "Nicolás Maduro" in page.text
    assert page.title == "White House threatens tariffs on countries that sell oil to Cuba"


def test_language_detection() -> None:
    assert detect_language("El gobierno cubano denunció el bloqueo de Estados Unidos") == "es"
    assert detect_language("The government in Havana denounced the embargo") == "en"
    assert detect_language("Cuba") is None


def _pool_run(*pages: bytes, timeout: float = 2.0, workers: int = 1) -> list[Any]:
    async def main() -> list[Any]:
        async with ExtractorPool(workers, timeout, function=misbehave) as pool:
            results: list[Any] = []
            for html in pages:
                try:
                    results.append(await pool.extract(html, "https://example.org/p"))
                except ExtractError as e:
                    results.append(e)
            return results

    return asyncio.run(main())


def test_a_slow_start_is_not_held_to_the_page_deadline() -> None:
    # The first start waits for the forkserver to load the extractor: on a busy machine,
    # longer than a short page deadline. Before, the page failed "not ready within 1s,
    # twice"; a start now has at least START_AT_LEAST.
    assert START_AT_LEAST >= 30

    async def main() -> Any:
        setup = (time.sleep, (1.5,))  # a start slower than the page deadline
        async with ExtractorPool(1, 1.0, function=misbehave, setup=setup) as pool:
            return await asyncio.wait_for(pool.extract(b"ok", "u"), 30)

    assert asyncio.run(main()).text == "ok"


def test_a_head_of_meta_tags_that_never_close_keeps_the_page() -> None:
    # 180 KB of "<meta " in the head took the head's patterns 30 s of CPU, past the
    # deadline: the page was lost to its summary (and tried again, and lost again).
    article = "<p>" + "Cuba y Estados Unidos hablan del petróleo en La Habana. " * 20 + "</p>"
    html = (
        f"<html><head>{'<meta ' * 30_000}</head><body><article><h1>Cuba talks</h1>"
        f"{article}</article></body></html>"
    ).encode()

    async def main() -> Any:
        async with ExtractorPool(1, 2.0) as pool:
            try:
                return await pool.extract(html, "https://x.example/a", PageNeeds(metadata=True))
            except ExtractError as e:
                return e

    found = asyncio.run(main())
    assert not isinstance(found, ExtractError), found
    assert "petróleo en La Habana" in found.text


def test_a_hung_page_is_cut_off_and_the_pool_goes_on() -> None:
    started = time.monotonic()
    hung, fine = _pool_run(b"hang", b"ok", timeout=1.0)
    assert isinstance(hung, ExtractError)
    assert "took over 1s" in str(hung)
    assert fine.text == "ok"
    assert time.monotonic() - started < 10  # the 60 s sleeper was killed, not waited for


def test_a_crashing_worker_is_replaced() -> None:
    crashed, fine = _pool_run(b"crash", b"ok")
    assert isinstance(crashed, PageBreaksWorkers)
    assert "broke its extraction worker twice" in str(crashed)
    assert fine.text == "ok"


def _concurrently(
    pages: list[bytes], workers: int = 2, kill_after: float | None = None
) -> list[Any]:
    """Extract ``pages`` all at once; with ``kill_after``, SIGKILL one worker then."""

    async def one(pool: ExtractorPool, html: bytes) -> Any:
        try:
            return await pool.extract(html, "https://example.org/p")
        except ExtractError as e:
            return e

    async def main() -> list[Any]:
        async with ExtractorPool(workers, 20.0, function=misbehave) as pool:
            tasks = [asyncio.ensure_future(one(pool, html)) for html in pages]
            if kill_after is not None:
                await asyncio.sleep(kill_after)
                pids = pool.pids()
                assert pids, "the workers should be running"
                os.kill(pids[0], signal.SIGKILL)
            return await asyncio.gather(*tasks)

    return asyncio.run(main())


def test_a_page_that_kills_its_worker_is_the_only_page_lost() -> None:
    # Every page in flight in the pool sees the same BrokenProcessPool; only the one that
    # breaks a worker again, alone, is blamed.
    pages = [b"slow 1", b"crash", b"slow 2", b"slow 3", b"ok"]
    results = _concurrently(pages)
    assert isinstance(results[1], PageBreaksWorkers)
    assert [r.text for i, r in enumerate(results) if i != 1] == [
        "slow 1", "slow 2", "slow 3", "ok"
    ]  # fmt: skip


def test_a_worker_killed_from_outside_loses_no_page() -> None:
    # The OOM killer takes a worker mid-page: the pages in flight are all tried again.
    pages = [f"slow {n}".encode() for n in range(6)]
    results = _concurrently(pages, kill_after=1.5)
    assert [getattr(r, "text", r) for r in results] == [p.decode() for p in pages]


def test_pages_beside_a_hung_one_go_on_in_the_fresh_pool() -> None:
    async def main() -> list[Any]:
        async with ExtractorPool(2, 1.5, function=misbehave) as pool:

            async def one(html: bytes, after: float = 0.0) -> Any:
                await asyncio.sleep(after)
                try:
                    return await pool.extract(html, "u")
                except ExtractError as e:
                    return e

            await pool.extract(b"ok", "u")  # the workers are up
            # "slow" is in flight (1.0 s to 1.6 s) when hang's pool is killed at 1.5 s.
            return list(await asyncio.gather(one(b"hang"), one(b"slow", after=1.0)))

    hung, slow = asyncio.run(main())
    assert isinstance(hung, ExtractError)
    assert not isinstance(hung, PageBreaksWorkers)  # a deadline is not a crash
    assert getattr(slow, "text", slow) == "slow"


def test_an_exception_in_the_worker_becomes_extract_error() -> None:
    raised, fine = _pool_run(b"raise", b"ok")
    assert isinstance(raised, ExtractError)
    assert "ValueError: bad markup" in str(raised)
    assert fine.text == "ok"


def test_workers_are_recycled() -> None:
    async def main() -> list[str]:
        async with ExtractorPool(1, 5.0, max_tasks_per_child=2, function=misbehave) as pool:
            pages = [await pool.extract(b"x", "u") for _ in range(6)]
            return [p.title for p in pages if p is not None and p.title]

    pids = Counter(asyncio.run(main()))
    assert sum(pids.values()) == 6
    assert len(pids) >= 3  # a fresh process at least every two tasks
    assert max(pids.values()) <= 2


ARTICLE = (
    b"<html><head><title>Cuba y Washington</title></head><body><article><h1>Cuba</h1><p>"
    + b"El gobierno cubano y Washington intercambian mensajes sobre el combustible. " * 12
    + b"</p></article></body></html>"
)


def test_the_full_metadata_pass_runs_only_when_asked() -> None:
    url = "https://example.org/2024/03/05/cuba.html"  # a date only the full pass reads
    assert extract_html(ARTICLE, url) is not None
    assert extract_html(ARTICLE, url).published is None  # type: ignore[union-attr]
    full = extract_html(ARTICLE, url, PageNeeds(metadata=True))
    assert full is not None
    assert full.published is not None
    assert full.published.date().isoformat() == "2024-03-05"


def test_language_is_not_detected_when_not_needed() -> None:
    assert extract_html(ARTICLE, "https://example.org/a").language == "es"  # type: ignore[union-attr]
    quiet = extract_html(ARTICLE, "https://example.org/a", PageNeeds(language=False))
    assert quiet is not None
    assert quiet.language is None


def test_a_worker_killed_while_the_pool_starts_fails_no_page() -> None:
    # As the OOM killer would: SIGKILL to the workers as soon as they exist, while the
    # pool is starting. Before, the failed start was remembered and every page after it,
    # of every feed, failed with BrokenProcessPool.
    async def main() -> list[Any]:
        async with ExtractorPool(2, 10.0, function=misbehave) as pool:
            pool.warm()
            pids: list[int] = []
            for _ in range(2000):  # bounded: 20 s at most
                pids = pool.pids()
                if pids:
                    break
                await asyncio.sleep(0.01)
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            return [await pool.extract(f"page {n}".encode(), "u") for n in range(4)]

    pages = asyncio.run(main())
    assert [p.text for p in pages] == [f"page {n}" for n in range(4)]


def test_a_pool_closed_while_its_workers_start_leaves_none_running() -> None:
    # A cycle whose new pages all fail before extraction (refused links) closes the pool
    # while its workers are still starting, in a thread a closing pool cannot stop. Our
    # end of each socket was then closed only by the garbage collector, and with the
    # collection late the worker lived on: the endurance test counted a stray worker.
    async def main() -> list[Any]:
        async with ExtractorPool(2, 10.0, function=misbehave) as pool:
            pool.warm()
            for _ in range(3):
                await asyncio.sleep(0)  # the starts are under way, in their threads
            workers = list(pool._live)
        return [w.process for w in workers]

    gc.disable()  # as when no collection comes in time
    try:
        processes = asyncio.run(main())
        assert len(processes) == 2
        deadline = time.monotonic() + 20
        while any(p.pid is None or p.is_alive() for p in processes):
            assert time.monotonic() < deadline, [p.pid for p in processes]
            time.sleep(0.05)
    finally:
        gc.enable()


def _parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def test_a_killed_forkserver_is_started_again_for_the_next_worker() -> None:
    # The forkserver holds the extractor's whole heap, a first choice for the OOM killer,
    # and the service keeps its pool for days: the workers it starts after must start.
    # Killed just before a worker is asked of it, it dies while forking: that start
    # failed with an error nobody caught, and every page after waited forever.
    async def page(pool: ExtractorPool) -> str:
        found = await asyncio.wait_for(pool.extract(b"x", "u"), 20)
        assert found is not None
        return found.title or ""

    async def main() -> tuple[list[str], int, int]:
        async with ExtractorPool(1, 10.0, max_tasks_per_child=2, function=misbehave) as pool:
            titles = [await page(pool)]
            killed = _parent_of(pool.pids()[0])
            titles.append(await page(pool))  # the worker retires after this one
            os.kill(killed, signal.SIGKILL)
            titles.append(await page(pool))
            server = _parent_of(pool.pids()[0])
            titles += [await page(pool) for _ in range(3)]
            return titles, killed, server

    titles, killed, server = asyncio.run(main())
    assert len(set(titles)) == 3  # a worker per two pages, the last two after the kill
    assert server != killed


def test_a_worker_stuck_in_its_start_fails_the_page_within_the_deadlines() -> None:
    # A worker that never reports ready (its setup stuck) held every page, and the cycle,
    # forever; a start has a deadline now, and is tried again once per start.
    async def main() -> BaseException | None:
        setup = (time.sleep, (3600,))
        pool = ExtractorPool(1, 1.0, function=misbehave, setup=setup, start_timeout=1.0)
        async with pool:
            try:
                await asyncio.wait_for(pool.extract(b"x", "u"), 30)
            except ExtractError as e:
                return e
        return None

    started = time.monotonic()
    error = asyncio.run(main())
    assert str(error) == "extraction workers not ready within 1s, twice"
    assert time.monotonic() - started < 15


def test_a_forkserver_that_stops_answering_is_replaced() -> None:
    async def main() -> tuple[str, str]:
        pool = ExtractorPool(1, 2.0, max_tasks_per_child=1, function=misbehave, start_timeout=5.0)
        async with pool:
            first = await pool.extract(b"x", "u")  # the worker retires after it
            assert first is not None
            server = int(first.author or 0)  # the worker retired: it may be gone
            os.kill(server, signal.SIGSTOP)  # alive, and deaf
            try:
                later = await asyncio.wait_for(pool.extract(b"x", "u"), 30)
            finally:
                with contextlib.suppress(ProcessLookupError):  # killed by the pool
                    os.kill(server, signal.SIGKILL)
            assert later is not None
            return str(server), str(later.author)

    stopped, server = asyncio.run(main())
    assert server != stopped
