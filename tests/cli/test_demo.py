"""monitor demo: offline (no network at all where a network namespace can be made), from
any directory, with no config, in seconds; the digest written, the near misses left out."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

from monitor.jobs.demo import _stories


def offline(command: list[str]) -> list[str]:
    """The command in a network namespace of its own (nothing but loopback), if possible."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n", *command]
    return command


def test_the_demo_runs_offline_from_anywhere(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    started = time.monotonic()
    result = subprocess.run(
        offline([sys.executable, "-m", "monitor", "demo", "--dir", str(folder)]),
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    assert "offline: 12 articles" in result.stdout
    data = _stories()
    digest = unescape(next((folder / "data" / "digests").glob("2*.html")).read_text())
    by_slug = {s["slug"]: s for s in data["stories"]}
    for story in data["stories"]:
        if story.get("same_story"):  # a translation: one item with its original
            original = by_slug[story["same_story"]]["title"]
            assert f"  {story['title']}\n" in result.stdout
            assert f"one story with: {original} (one item in the digest)" in result.stdout
            # Not an item of its own; listed under its original with its headline, which
            # says something else in other words.
            assert not re.search(
                rf'class="title"[^>]*>(<a [^>]*>)?{re.escape(story["title"])}', digest
            )
            also = (rf'Also reported by: <a href="[^"]*/{story["slug"]}\.html"[^>]*>Agencia Demo'
                    rf'.*?: “{re.escape(story["title"])}”')  # fmt: skip
            assert re.search(also, digest), also
        elif story["relevant"]:
            assert f"  {story['title']}" in result.stdout
            assert story["title"] in digest, story["title"]
        else:
            assert f"left out: {story['title']}" in result.stdout
    assert "MATCHED (it should not have)" not in result.stdout
    # The folder is a config the user can go on with.
    hits = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(folder / "config"), "hits",
         "--since", "30d", "--json"], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert len(hits.stdout.splitlines()) >= sum(s["relevant"] for s in data["stories"])
