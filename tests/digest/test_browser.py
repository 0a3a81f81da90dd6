"""The HTML digest in a real browser (headless Chromium): it lays out and shows every item.

Chromium comes from Debian's chromium package, which .ci/run installs. Without it this test
is skipped, unless MONITOR_REQUIRE_BROWSER is set (as CI does), when it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from monitor.digest.build import build_digest
from monitor.digest.render import render
from monitor.matching.model import GroupRef, Watchlist
from tests.support.digests import NOW, stored

CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=1000,1600",
]  # fmt: skip
TITLES = [
    "EE.UU. amenaza con aranceles a quien venda crudo a La Habana",
    "Cuba offers meaningful dialogue with the United States",
    "Coast Guard returns 40 Cuban rafters",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("MONITOR_REQUIRE_BROWSER"),
    reason="chromium is not installed (set MONITOR_REQUIRE_BROWSER to make this a failure)",
)


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM, "chromium is required (MONITOR_REQUIRE_BROWSER is set)"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def digest_page(tmp_path: Path) -> Path:
    watchlists = [
        Watchlist(name="energy", title="Energy and oil", groups=(), rule=GroupRef(group="x")),
        Watchlist(name="relations", title="US–Cuba relations", groups=(), rule=GroupRef(group="x")),
    ]
    hits = [
        stored(TITLES[0], watchlist="energy", terms=("EE.UU.", "La Habana"), score=9),
        stored(TITLES[1], terms=("Cuba", "United States")),
        stored(TITLES[2], terms=("Cuban", "Coast Guard")),
    ]
    digest = build_digest(
        hits, watchlists=watchlists, activity=(), story_times=[("energy", NOW)], now=NOW,
        timezone="America/New_York", subject="US–Cuba digest {date}", max_items=10,
    )  # fmt: skip
    path = tmp_path / "digest.html"
    path.write_text(render(digest).html, encoding="utf-8")
    return path


def test_the_digest_shows_every_item(digest_page: Path, tmp_path: Path) -> None:
    result = chromium("--dump-dom", digest_page.as_uri(), profile=tmp_path / "p1")
    dom = result.stdout
    for title in TITLES:
        assert title in dom
    assert dom.count("<mark") >= 6
    assert "Energy and oil" in dom


def test_the_digest_lays_out_as_a_centred_column(digest_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    chromium(f"--screenshot={shot}", digest_page.as_uri(), profile=tmp_path / "p2")
    image = Image.open(shot).convert("RGB")
    assert image.size == (1000, 1600)
    background = image.getpixel((5, 5))
    content = [
        (x, y)
        for y in range(0, image.height, 4)
        for x in range(0, image.width, 4)
        if image.getpixel((x, y)) != background
    ]
    assert len(content) > 10_000  # not blank
    xs = [x for x, _ in content]
    left, right = min(xs), max(xs)
    assert 550 <= right - left <= 720  # the 680-pixel page, not the full window
    assert abs((left + right) / 2 - 500) < 40  # centred
    colours = {image.getpixel(p) for p in content[::7]}
    assert len(colours) > 20  # text, marks, bars: not one flat colour
