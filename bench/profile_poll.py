"""Where the main process of a cold cycle spends its CPU, part by part, on real pages.

    .venv/bin/python bench/profile_poll.py --pages DIR [--feeds 100 --entries 20 --hosts 10]

Runs one cold cycle in this process (the real Poller, fetcher, workers and store, the
default watchlists) against the loopback news server, twice: once plain, for CPU per
article of the whole process, of its main thread and of its other threads (the process
pool's feeder, the resolver); and once under cProfile, whose main-thread time is split
by where it was spent (fetch, parse, extraction IPC, stories, match, store, the event
loop) and scaled to the plain run's main-thread CPU, since profiling slows everything it sees.
The allocator is set up as the ``monitor`` command sets it up (``monitor.heap``).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from monitor.config import load_config
from monitor.config.schema import FetchSettings
from monitor.heap import keep_freed_memory
from monitor.jobs.poll import poll
from newsserver import NewsServer, Site
from poll import free_port, write_config

#: Where a function's file lives → the part of the cycle it belongs to (first match).
PARTS = (
    ("fetch", ("httpx", "httpcore", "aiohttp", "yarl", "multidict", "monitor/ingest/fetch",
               "monitor/ingest/slots", "h11", "ssl.py", "anyio", "idna", "monitor/text/urls")),
    ("parse", ("feedparser", "sgmllib", "monitor/ingest/parse", "xml/", "html/parser")),
    ("extraction IPC", ("concurrent/futures", "multiprocessing", "pickle",
                        "monitor/ingest/extract")),
    ("stories", ("monitor/stories", "monitor/jobs/cluster", "monitor/storage/stories",
                 "numpy")),
    ("match", ("monitor/matching", "monitor/text/fold", "ahocorasick")),
    ("store", ("sqlite", "monitor/storage")),
    ("decide", ("monitor/ingest/decide", "monitor/ingest/due")),
    ("event loop", ("asyncio/", "selectors", "socket.py")),
)  # fmt: skip


def part_of(filename: str) -> str:
    for part, needles in PARTS:
        if any(n in filename for n in needles):
            return part
    return "other"


Key = tuple[str, int, str]


def _attribute(
    stats: dict[Key, Any], key: Key, callers: dict[Key, Any], depth: int
) -> dict[str, float]:
    """The parts a function's own time belongs to, as shares: its file's part, or for a
    built-in (sqlite3's execute, pickle's dumps) the parts of whoever called it."""
    filename = key[0]
    if filename != "~" or not callers or depth > 4:
        return {part_of(filename): 1.0}
    total = sum(c[2] for c in callers.values()) or 1.0
    shares: dict[str, float] = defaultdict(float)
    for caller, timing in callers.items():
        upper = stats.get(caller, (0, 0, 0, 0, {}))[4]
        for part, share in _attribute(stats, caller, upper, depth + 1).items():
            shares[part] += share * timing[2] / total
    return shares


def _main_part(stats: dict[Key, Any], key: Key, callers: dict[Key, Any]) -> str:
    shares = _attribute(stats, key, callers, 0)
    return max(shares, key=lambda part: shares[part])


def cycle(config_dir: Path, profile: cProfile.Profile | None = None) -> tuple[float, float, int]:
    """(process CPU, main thread CPU, articles) of one cold cycle in this process."""
    config = load_config(config_dir)
    process, thread = time.process_time(), time.thread_time()
    if profile:
        profile.enable()
    report = asyncio.run(poll(config))
    if profile:
        profile.disable()
    articles = int(report.as_json()["new_articles"])  # type: ignore[call-overload]
    return time.process_time() - process, time.thread_time() - thread, articles


def main() -> None:
    keep_freed_memory()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, required=True)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--top", type=int, default=0, help="also list the N costliest functions")
    parser.add_argument("--part", help="list only the functions of this part")
    args = parser.parse_args()
    pages = tuple(p.read_bytes() for p in sorted(args.pages.glob("*.html")))
    site = Site(args.feeds, args.entries, hosts=args.hosts, latency=0.0, pages=pages)
    port = free_port()
    concurrency = FetchSettings().concurrency
    with NewsServer(site, port), tempfile.TemporaryDirectory() as tmp:
        plain = write_config(Path(tmp) / "plain", site, port, fulltext=True,
                             concurrency=concurrency)  # fmt: skip
        process_cpu, main_cpu, n = cycle(plain)
        profiled = write_config(Path(tmp) / "profiled", site, port, fulltext=True,
                                concurrency=concurrency)  # fmt: skip
        profile = cProfile.Profile(time.thread_time)  # CPU, not time spent waiting
        cycle(profiled, profile)
    ms = 1000 / n
    print(f"{n} articles; CPU per article in this process: {process_cpu * ms:.2f} ms "
          f"(main thread {main_cpu * ms:.2f} ms, other threads "
          f"{(process_cpu - main_cpu) * ms:.2f} ms)")  # fmt: skip
    parts: dict[str, float] = defaultdict(float)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    for key, (_cc, _nc, tottime, _ct, callers) in stats.items():
        for part, share in _attribute(stats, key, callers, 0).items():
            parts[part] += tottime * share
    total = sum(parts.values())
    print("main thread by part (cProfile shares of the main thread's CPU):")
    for part, seconds in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"  {part:15s} {seconds / total * main_cpu * ms:5.2f} ms  ({seconds / total:4.0%})")
    ranked = sorted(
        (kv for kv in stats.items() if args.part in (None, _main_part(stats, kv[0], kv[1][4]))),
        key=lambda kv: -kv[1][2],
    )[: args.top]
    for (filename, line, name), (_cc, calls, tottime, _ct, _callers) in ranked:
        where = f"{Path(filename).name}:{line}" if filename != "~" else "built-in"
        print(f"    {tottime / total * main_cpu * ms:5.3f} ms  {calls:8d}x  {name} ({where})")


if __name__ == "__main__":
    main()
