"""Benchmark the poll pipeline against extraction alone, on loopback.

    .venv/bin/python bench/poll.py [--feeds 20 --entries 25] [--unchanged-feeds 500]

Phase 1 serves FEEDS x ENTRIES article pages (~60 KB each, menus, scripts, related links)
and runs, alternately and REPEAT times: trafilatura alone on the same pages with the same
number of workers (the baseline), and a cold `monitor poll` (the real command, in its own
process). It prints articles/s for both and the ratio pipeline / extraction-only, medians.

Phase 2 serves UNCHANGED_FEEDS feeds with LATENCY seconds of latency per request, polls
them once to learn their ETags, then times unchanged cycles (every feed answers 304).

Peak RSS is sampled from /proc for the poll process and for its whole process tree.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from monitor.config.schema import FetchSettings
from monitor.ingest.extract import default_workers, extract_html
from newsserver import NewsServer, Site, article_html


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
    (config / "monitor.yaml").write_text(json.dumps(settings))
    (config / "feeds.yaml").write_text(json.dumps({"feeds": feeds}))
    return config


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; PSS shares copy-on-write pages out fairly."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                values[name] = int(rest.split()[0]) * 1024
    return values["Rss"], values["Pss"]


def tree_memory(pid: int) -> tuple[int, int, int]:
    """(RSS of pid, RSS summed over pid and its descendants, PSS summed the same way)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    own = rss_sum = pss_sum = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            rss, pss = _memory(current)
        except (OSError, KeyError):
            continue
        own = rss if current == pid else own
        rss_sum, pss_sum = rss_sum + rss, pss_sum + pss
        stack.extend(children.get(current, []))
    return own, rss_sum, pss_sum


def run_poll(config: Path, *, sample: bool = False) -> tuple[dict[str, object], list[int]]:
    """Run `monitor poll --json`; returns the report and, if sampled, peak memory.

    Sampling reads /proc every 50 ms, which takes CPU from the run, so timed runs do not
    sample (see tree_memory for the three figures).
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "-q", "poll", "--json"],
        stdout=subprocess.PIPE,
        text=True,
    )
    peaks = [0, 0, 0]

    def sample_memory() -> None:
        while process.poll() is None:
            peaks[:] = [max(a, b) for a, b in zip(peaks, tree_memory(process.pid), strict=True)]
            time.sleep(0.05)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    if sample:
        sampler.start()
    out, _ = process.communicate(timeout=1800)
    if sample:
        sampler.join()
    if process.returncode:
        raise SystemExit(f"monitor poll failed with status {process.returncode}")
    return json.loads(out), peaks


def extraction_only(pages: list[bytes], workers: int) -> float:
    """Seconds for trafilatura alone over ``pages`` with ``workers`` processes."""
    context = get_context("forkserver")
    context.set_forkserver_preload(["monitor.ingest._preload"])
    urls = [f"http://example.org/{i}" for i in range(len(pages))]
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        started = time.monotonic()
        results = list(pool.map(extract_html, pages, urls))
        seconds = time.monotonic() - started
    assert all(r is not None for r in results)
    return seconds


def throughput(args: argparse.Namespace, workers: int) -> dict[str, float]:
    site = Site(feeds=args.feeds, entries=args.entries, hosts=10, latency=args.latency)
    pages = [article_html(f, e) for f in range(site.feeds) for e in range(site.entries)]
    port = free_port()
    base: list[float] = []
    pipe: list[float] = []
    with NewsServer(site, port), tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.repeat):
            base.append(len(pages) / extraction_only(pages, workers))
            config = write_config(
                Path(tmp) / str(round_), site, port, fulltext=True, concurrency=args.concurrency
            )
            report, _ = run_poll(config)
            assert report["new_articles"] == len(pages), report
            pipe.append(len(pages) / float(report["seconds"]))  # type: ignore[arg-type]
            print(
                f"  round {round_ + 1}: extraction-only {base[-1]:.1f}/s, pipeline {pipe[-1]:.1f}/s"
            )
        config = write_config(
            Path(tmp) / "memory", site, port, fulltext=True, concurrency=args.concurrency
        )
        _, memory = run_poll(config, sample=True)
    ratios = [p / b for p, b in zip(pipe, base, strict=True)]
    return {
        "pages": len(pages),
        "page_kb": statistics.median(len(p) for p in pages) / 1024,
        "baseline": statistics.median(base),
        "pipeline": statistics.median(pipe),
        "ratio": statistics.median(ratios),
        "rss_own": memory[0] / 2**20,
        "rss_tree": memory[1] / 2**20,
        "pss_tree": memory[2] / 2**20,
    }


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=25)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--unchanged-feeds", type=int, default=500)
    parser.add_argument("--unchanged-latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=FetchSettings().concurrency)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workers = default_workers()
    print(
        f"cores available: {workers}; extraction workers: {workers}; concurrency {args.concurrency}"
    )
    t = throughput(args, workers)
    print(
        f"cold cycle: {t['pages']:.0f} articles (median page {t['page_kb']:.0f} KB)\n"
        f"  extraction-only  {t['baseline']:7.1f} articles/s (median of {args.repeat})\n"
        f"  pipeline         {t['pipeline']:7.1f} articles/s (median of {args.repeat})\n"
        f"  ratio pipeline / extraction-only: {t['ratio']:.2f} (target >= 0.85)\n"
        f"  peak memory (an extra, sampled run): poll process RSS {t['rss_own']:.0f} MB;"
        f" with its workers PSS {t['pss_tree']:.0f} MB (RSS summed {t['rss_tree']:.0f} MB,"
        " counting shared pages once per process); target <= 400 MB"
    )
    seconds = unchanged(args)
    print(
        f"unchanged cycle: {args.unchanged_feeds} feeds at {args.unchanged_latency * 1000:.0f} ms"
        f" latency: median {statistics.median(seconds):.2f}s "
        f"(runs: {', '.join(f'{s:.2f}' for s in seconds)}; target < 1 s)"
    )


if __name__ == "__main__":
    main()
