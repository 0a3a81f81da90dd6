"""What a cold cycle keeps when extraction workers die under it.

    .venv/bin/python bench/kill_worker.py [--pages DIR] [--feeds 100 --entries 20] [--at 2.4]

Serves FEEDS x ENTRIES article pages on loopback (real ones from --pages DIR in turn, or
built ones) and runs a cold `monitor poll` (the real command, 2 workers). AT seconds
after it starts, and then every EVERY seconds up to KILLS times, one extraction worker
(a child of the forkserver) is SIGKILLed, as the OOM killer would. It prints the exit
status, the feeds that failed, the articles stored and how many have their page's text,
and the pages quarantined. A run with no kill is the reference.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import procs
from newsserver import NewsServer, Site
from poll import free_port, write_config


def workers(pid: int) -> list[int]:
    """The extraction workers below ``pid``: every process below its forkserver."""
    below = procs.descendants(pid)
    servers = [p for p in below if b"forkserver" in _cmdline(p)]
    return [w for s in servers for w in procs.descendants(s)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def run(
    config: Path, at: float | None, every: float, kills: int, rng: random.Random
) -> dict[str, Any]:
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config), "-q", "poll", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    killed = 0
    next_kill = at
    while process.poll() is None and next_kill is not None and killed < kills:
        if time.monotonic() - started >= next_kill and (found := workers(process.pid)):
            os.kill(rng.choice(found), signal.SIGKILL)
            killed += 1
            next_kill += every
        time.sleep(0.01)
    out, err = process.communicate(timeout=1800)
    report = json.loads(out) if out.strip() else {}
    db = sqlite3.connect(config.parent / "data" / "monitor.db")
    stored, from_page = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE text_source = 'page') FROM articles"
    ).fetchone()
    quarantined = db.execute("SELECT count(*) FROM quarantined_pages").fetchone()[0]
    db.close()
    return {
        "status": process.returncode, "killed": killed, "failed": report.get("failed"),
        "stored": stored, "from_page": from_page, "quarantined": quarantined,
        "seconds": time.monotonic() - started, "stderr": err.strip().splitlines()[-1:],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, help="serve these real pages (*.html) in turn")
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--at", type=float, default=2.4, help="first kill, seconds in")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between kills")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    pages = tuple(p.read_bytes() for p in sorted(args.pages.glob("*.html"))) if args.pages else ()
    site = Site(args.feeds, args.entries, hosts=10, latency=0.0, pages=pages)
    port = free_port()
    kind = f"{len(pages)} real pages from {args.pages}" if pages else "built pages"
    print(f"{args.feeds} feeds x {args.entries} entries, {kind}; 2 workers")
    with NewsServer(site, port), tempfile.TemporaryDirectory() as tmp:
        for label, at in (("no kill", None), (f"kills from {args.at:g}s", args.at)):
            config = write_config(Path(tmp) / label.replace(" ", "-"), site, port,
                                  fulltext=True, concurrency=20)  # fmt: skip
            settings = json.loads((config / "monitor.yaml").read_text())
            settings["extract"]["workers"] = 2
            (config / "monitor.yaml").write_text(json.dumps(settings))
            r = run(config, at, args.every, args.kills, random.Random(args.seed))
            print(
                f"  {label:<16} workers killed {r['killed']}, exit {r['status']}, feeds failed "
                f"{r['failed']}, articles stored {r['stored']} of {args.feeds * args.entries}, "
                f"with the page's text {r['from_page']}, quarantined {r['quarantined']}, "
                f"{r['seconds']:.1f} s {r['stderr'] if r['status'] else ''}"
            )


if __name__ == "__main__":
    main()
