"""Benchmark the poll pipeline against extraction alone, on loopback.

    .venv/bin/python bench/poll.py [--pages DIR [--terciles]] [--feeds N --entries N]
        [--hosts 1,10] [--naive-latency 0.05]

Phase 1 serves FEEDS x ENTRIES article pages: real ones from --pages DIR, served in turn,
or built ones (~60 KB each, menus, scripts, related links) so that it runs from a fresh
clone. For feeds on one host and on many, it runs, alternately and REPEAT times: plain
``trafilatura.extract(html)`` over the same bytes with the same number of warm workers,
started before its timer (the physical limit of a first cycle on this machine); the
monitor's own extraction call the same way; and a cold `monitor poll` (the real command,
in its own process, from process start). It prints articles/s, the ratios of the cold
cycle to both baselines (medians of paired rounds), and, from one more run sampled from
/proc, CPU per article in the main process and in the workers, and peak memory. With
``--terciles`` the real pages are also split by size into thirds, each served alone as its
own run, so that a change that helps big pages and hurts small ones shows.

The naive script: NAIVE_FEEDS feeds of NAIVE_ENTRIES entries over as many hosts, with
NAIVE_LATENCY seconds per request, read by the sequential script anyone would write first
(httpx.get the feed, feedparser.parse it, httpx.get each page, trafilatura.extract it),
then by a cold `monitor poll` over the same server: the ratio of their articles/s.

Phase 2 serves UNCHANGED_FEEDS feeds with LATENCY seconds of latency per request, polls
them once to learn their ETags, then times unchanged cycles (every feed answers 304): the
cycle's own seconds, then the whole `monitor poll` command's wall time for COMMAND_FEEDS
feeds on loopback, process start included.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import feedparser
import httpx
import trafilatura

import procs
from monitor.config.schema import FetchSettings
from monitor.ingest.extract import extract_html
from monitor.ingest.spawning import default_workers
from newsserver import NewsServer, Site
from procs import Sampled


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        return int(s.getsockname()[1])


def write_config(root: Path, site: Site, port: int, *, fulltext: bool, concurrency: int) -> Path:
    config = root / "config"
    config.mkdir(parents=True)
    settings = {
        "fetch": {"allow_private_addresses": True, "concurrency": concurrency},
        "extract": {"workers": 0},
    }
    feeds = [
        {"name": f"feed {i}", "url": site.feed_url(i, port), "fulltext": fulltext}
        for i in range(site.feeds)
    ]
    # The default watchlists: matching is part of a cycle's cost.
    shutil.copytree(Path(__file__).parents[1] / "config" / "watchlists", config / "watchlists")
    (config / "monitor.yaml").write_text(json.dumps(settings))
    (config / "feeds.yaml").write_text(json.dumps({"feeds": feeds}))
    return config


def run_poll(config: Path, *, sample: bool = False) -> tuple[dict[str, object], Sampled]:
    """Run `monitor poll --json`; returns the report and, if sampled, memory and CPU.

    Sampling reads /proc every 100 ms, which takes CPU from the run, so timed runs do not
    sample.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "-q", "poll", "--json"],
        stdout=subprocess.PIPE,
        text=True,
    )
    sampler, found = procs.sample(process) if sample else (None, procs.Sampled())
    out, _ = process.communicate(timeout=1800)
    if sampler:
        sampler.join()
    if process.returncode:
        raise SystemExit(f"monitor poll failed with status {process.returncode}")
    return json.loads(out), found


def plain_extract(html: bytes, url: str) -> bool:
    """The physical limit: trafilatura's own call, with its defaults."""
    return trafilatura.extract(html, url=url) is not None


def own_extract(html: bytes, url: str) -> bool:
    return extract_html(html, url) is not None


class WarmPool:
    """Extraction workers started (and warmed) before any timer, for the baselines."""

    def __init__(self, workers: int) -> None:
        context = get_context("forkserver")
        context.set_forkserver_preload(["monitor.ingest._preload"])
        self.pool = ProcessPoolExecutor(workers, mp_context=context)
        list(self.pool.map(_warm, range(workers * 4)))

    def seconds(self, function: Callable[[bytes, str], bool], pages: list[bytes]) -> float:
        urls = [f"http://example.org/{i}" for i in range(len(pages))]
        started = time.monotonic()
        results = list(self.pool.map(function, pages, urls, chunksize=1))
        seconds = time.monotonic() - started
        assert sum(results) >= len(pages) * 0.9, "most pages must give a text"
        return seconds


def _warm(_: int) -> None:
    plain_extract(b"<html><body><p>" + b"Warm words here. " * 40 + b"</p></body></html>", "x")
    time.sleep(0.05)  # hold this worker so the others get a task too


@dataclass
class Rounds:
    plain: list[float] = field(default_factory=list)
    own: list[float] = field(default_factory=list)
    pipeline: list[float] = field(default_factory=list)

    def ratio(self, against: list[float]) -> float:
        return statistics.median(p / b for p, b in zip(self.pipeline, against, strict=True))


def throughput(args: argparse.Namespace, workers: int, hosts: int, pool: WarmPool) -> None:
    site = Site(args.feeds, args.entries, hosts=hosts, latency=args.latency, pages=args.real)
    pages = [site.page(f, e) for f in range(site.feeds) for e in range(site.entries)]
    port = free_port()
    rounds = Rounds()
    with NewsServer(site, port), tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.repeat):
            rounds.plain.append(len(pages) / pool.seconds(plain_extract, pages))
            rounds.own.append(len(pages) / pool.seconds(own_extract, pages))
            config = write_config(Path(tmp) / str(round_), site, port, fulltext=True,
                                  concurrency=args.concurrency)  # fmt: skip
            report, _ = run_poll(config)
            assert report["new_articles"] == len(pages), report
            rounds.pipeline.append(len(pages) / float(report["seconds"]))  # type: ignore[arg-type]
            print(f"    round {round_ + 1}: plain {rounds.plain[-1]:.1f}/s, own call "
                  f"{rounds.own[-1]:.1f}/s, cold cycle {rounds.pipeline[-1]:.1f}/s")  # fmt: skip
        config = write_config(Path(tmp) / "sampled", site, port, fulltext=True,
                              concurrency=args.concurrency)  # fmt: skip
        _, found = run_poll(config, sample=True)
    per_article = 1000 / len(pages)
    print(
        f"  {hosts} host(s), {len(pages)} articles (median page "
        f"{statistics.median(map(len, pages)) / 1024:.0f} KB), medians of {args.repeat} rounds:\n"
        f"    plain trafilatura.extract  {statistics.median(rounds.plain):7.1f} articles/s\n"
        f"    the monitor's own call     {statistics.median(rounds.own):7.1f} articles/s\n"
        f"    cold cycle (monitor poll)  {statistics.median(rounds.pipeline):7.1f} articles/s\n"
        f"    cold cycle / plain: {rounds.ratio(rounds.plain):.2f} (target >= 0.85);"
        f" / own call: {rounds.ratio(rounds.own):.2f}\n"
        f"    CPU per article (a sampled run): main process {found.main_cpu * per_article:.1f} ms,"
        f" workers {found.children_cpu * per_article:.1f} ms\n"
        f"    peak memory (same run): poll process RSS {found.peaks[0] / 2**20:.0f} MB; with its"
        f" workers PSS {found.peaks[2] / 2**20:.0f} MB (RSS summed {found.peaks[1] / 2**20:.0f}"
        " MB); target <= 400 MB"
    )


def terciles(args: argparse.Namespace, workers: int, hosts: int, pool: WarmPool) -> None:
    """The cold cycle on each third of the real pages by size, each its own run."""
    ordered = sorted(args.real, key=len)
    third = len(ordered) // 3
    parts = [ordered[:third], ordered[third : 2 * third], ordered[2 * third :]]
    for name, part in zip(("smallest", "middle", "largest"), parts, strict=True):
        print(f"  {name} third of the pages ({len(part)} pages):")
        throughput(argparse.Namespace(**{**vars(args), "real": tuple(part)}), workers, hosts, pool)


def naive_script(site: Site, port: int) -> int:
    """The first script anyone writes: one request after the other."""
    stored = 0
    with httpx.Client(timeout=30) as client:
        for feed in range(site.feeds):
            parsed = feedparser.parse(client.get(site.feed_url(feed, port)).content)
            for entry in parsed.entries:
                page = client.get(entry.link)
                stored += trafilatura.extract(page.content, url=entry.link) is not None
    return stored


def naive(args: argparse.Namespace) -> tuple[float, float, int]:
    """Articles/s of the naive script and of a cold cycle over the same latent server."""
    site = Site(args.naive_feeds, args.naive_entries, hosts=args.naive_feeds,
                latency=args.naive_latency, pages=args.real)  # fmt: skip
    port = free_port()
    with NewsServer(site, port), tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        count = naive_script(site, port)
        script = count / (time.monotonic() - started)
        config = write_config(Path(tmp), site, port, fulltext=True, concurrency=args.concurrency)
        report, _ = run_poll(config)
        assert report["new_articles"] == site.feeds * site.entries, report
        cycle = site.feeds * site.entries / float(report["seconds"])  # type: ignore[arg-type]
    return script, cycle, site.feeds * site.entries


def unchanged(args: argparse.Namespace) -> list[float]:
    site = Site(feeds=args.unchanged_feeds, entries=3, hosts=50, latency=args.unchanged_latency)
    port = free_port()
    with NewsServer(site, port), tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp), site, port, fulltext=False, concurrency=args.concurrency)
        warm, _ = run_poll(config)
        assert warm["ok"] == site.feeds, warm
        seconds = []
        for _ in range(args.repeat):
            report, _ = run_poll(config)
            assert report["not_modified"] == site.feeds, report
            seconds.append(float(report["seconds"]))  # type: ignore[arg-type]
    return seconds


def unchanged_command(args: argparse.Namespace) -> list[float]:
    """Wall time of the whole `monitor poll` command, process start included, for an
    unchanged cycle of a few feeds on loopback."""
    site = Site(feeds=args.command_feeds, entries=3, hosts=1, latency=0.0)
    port = free_port()
    with NewsServer(site, port), tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp), site, port, fulltext=True, concurrency=args.concurrency)
        run_poll(config)
        seconds = []
        for _ in range(args.repeat):
            started = time.monotonic()
            report, _ = run_poll(config)
            seconds.append(time.monotonic() - started)
            assert report["not_modified"] == site.feeds, report
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, help="serve these real pages (*.html) in turn")
    parser.add_argument("--feeds", type=int, help="default 20, or 100 with --pages")
    parser.add_argument("--entries", type=int, help="default 25, or 20 with --pages")
    parser.add_argument("--hosts", default="1,10", help="feeds spread over N hosts, each N")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--unchanged-feeds", type=int, default=500)
    parser.add_argument("--unchanged-latency", type=float, default=0.05)
    parser.add_argument("--command-feeds", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=FetchSettings().concurrency)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--terciles", action="store_true", help="also each third of --pages")
    parser.add_argument("--naive-latency", type=float, default=0.05)
    parser.add_argument("--naive-feeds", type=int, default=50)
    parser.add_argument("--naive-entries", type=int, default=4)
    args = parser.parse_args()
    args.real = (
        tuple(p.read_bytes() for p in sorted(args.pages.glob("*.html"))) if args.pages else ()
    )
    args.feeds = args.feeds or (100 if args.real else 20)
    args.entries = args.entries or (20 if args.real else 25)
    workers = default_workers()
    kind = f"{len(args.real)} real pages from {args.pages}" if args.real else "built pages"
    print(f"extraction workers: {workers}; concurrency {args.concurrency}; {kind}")
    print("cold cycle:")
    pool = WarmPool(workers)
    hosts_list = [int(h) for h in args.hosts.split(",")]
    for hosts in hosts_list:
        throughput(args, workers, hosts, pool)
    if args.terciles and args.real:
        print(f"by page size, {hosts_list[-1]} host(s):")
        terciles(args, workers, hosts_list[-1], pool)
    pool.pool.shutdown()
    script, cycle, count = naive(args)
    print(
        f"against the naive script: {count} articles, {args.naive_feeds} hosts at "
        f"{args.naive_latency * 1000:.0f} ms latency: script {script:.1f}/s, cold cycle "
        f"{cycle:.1f}/s: {cycle / script:.1f}x (target >= 8x)"
    )
    seconds = unchanged(args)
    print(
        f"unchanged cycle: {args.unchanged_feeds} feeds at {args.unchanged_latency * 1000:.0f} ms"
        f" latency: median {statistics.median(seconds):.2f}s "
        f"(runs: {', '.join(f'{s:.2f}' for s in seconds)}; target < 1 s)"
    )
    seconds = unchanged_command(args)
    print(
        f"`monitor poll`, unchanged, {args.command_feeds} feeds on loopback, process start"
        f" included: median {statistics.median(seconds):.2f}s"
        f" (runs: {', '.join(f'{s:.2f}' for s in seconds)}; target < 1.5 s)"
    )


if __name__ == "__main__":
    main()
