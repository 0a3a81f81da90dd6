"""``monitor demo``: the whole monitor on bundled sample news, offline, in seconds::

    demo/stories.json | render feeds and pages | fetch.StaticTransport
        | jobs.poll.Poller.run | jobs.send.send_digest (file transport)

The sample news (English and Spanish, written for the project) includes near misses the
default watchlists must leave out: Mark Cuban, Cuba Gooding Jr., the Cuba libre, oil
news with no Cuba in it, Cuban baseball. Everything lands in a folder of its own: a
config/ (the default watchlists, two demo feeds), the database and the digest.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from monitor.config import load_config
from monitor.ingest.extract import ExtractorPool
from monitor.ingest.fetch import Fetcher, StaticTransport
from monitor.jobs.poll import Poller
from monitor.jobs.send import send_digest, transport_for
from monitor.matching.matcher import Matcher
from monitor.storage import Store

HOST = "https://demo.cuba-monitor.invalid"


@dataclass(frozen=True, slots=True)
class DemoReport:
    folder: Path
    config: Path
    articles: int
    #: Matched stories: (title, watchlist titles), in feed order.
    matched: list[tuple[str, list[str]]]
    #: Matched articles placed in the story of another: title → the other's title.
    same_story: dict[str, str]
    #: Stories written as near misses, and whether any watchlist matched them all the same.
    near_misses: list[tuple[str, bool]]
    digest: Path | None
    seconds: float


def _stories() -> dict[str, Any]:
    data = resources.files("monitor").joinpath("demo/stories.json").read_text("utf-8")
    return dict(json.loads(data))


def _page(site: dict[str, Any], story: dict[str, Any]) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in story["paragraphs"])
    return f"""<!DOCTYPE html><html lang="{site["language"]}"><head><meta charset="utf-8">
<title>{escape(story["title"])} | {escape(site["name"])}</title></head><body>
<header><nav><a href="/">Home</a> <a href="/americas">Americas</a> <a href="/sport">Sport</a>
</nav></header><main><article><h1>{escape(story["title"])}</h1>{body}</article>
<aside><h2>Most read</h2><ul><li><a href="/x">Weather</a></li></ul></aside></main>
<footer>© {escape(site["name"])}</footer></body></html>""".encode()


def _feed(site: dict[str, Any], stories: list[dict[str, Any]], now: datetime) -> bytes:
    items = "".join(
        f"<item><title>{escape(s['title'])}</title>"
        f"<link>{HOST}/{site['slug']}/{s['slug']}.html</link>"
        f"<guid>{HOST}/{site['slug']}/{s['slug']}.html</guid>"
        f"<pubDate>{format_datetime(now - timedelta(hours=s['hours_ago']))}</pubDate>"
        f"<description>{escape(s['paragraphs'][0][:200])}</description></item>"
        for s in stories
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(site['title'])}</title><link>{HOST}/{site['slug']}/</link>"
        f"<language>{site['language']}</language>{items}</channel></rss>"
    ).encode()


def _setup(folder: Path, data: dict[str, Any]) -> Path:
    config = folder / "config"
    (config / "watchlists").mkdir(parents=True, exist_ok=True)
    bundled = resources.files("monitor").joinpath("demo/watchlists")
    for entry in bundled.iterdir():
        if entry.name.endswith(".yaml"):
            (config / "watchlists" / entry.name).write_text(entry.read_text("utf-8"), "utf-8")
    feeds = [{"name": s["name"], "url": f"{HOST}/{s['slug']}/feed.xml", "language": s["language"]}
             for s in data["sites"]]  # fmt: skip
    # JSON is YAML: the files are written plainly, and are the user's to edit and rerun.
    (config / "feeds.yaml").write_text(json.dumps({"feeds": feeds}, indent=2, ensure_ascii=False))
    settings = {"extract": {"workers": 1}, "digest": {"since": "30d"}}
    (config / "monitor.yaml").write_text(json.dumps(settings, indent=2))
    return config


def _responses(data: dict[str, Any], now: datetime) -> dict[str, tuple[bytes, str]]:
    sites = {s["slug"]: s for s in data["sites"]}
    responses = {}
    for slug, site in sites.items():
        mine = [s for s in data["stories"] if s["site"] == slug]
        responses[f"{HOST}/{slug}/feed.xml"] = (_feed(site, mine, now), "application/rss+xml")
        for story in mine:
            url = f"{HOST}/{slug}/{story['slug']}.html"
            responses[url] = (_page(site, story), "text/html; charset=utf-8")
    return responses


async def run_demo(folder: Path, now: datetime | None = None) -> DemoReport:
    """Poll the demo feeds once into ``folder`` and write the digest there."""
    started = time.monotonic()
    now = now or datetime.now(UTC)
    data = _stories()
    if folder.exists() and (folder / "data").exists():
        shutil.rmtree(folder / "data")  # a fresh run each time
    config = load_config(_setup(folder, data))
    store = Store.open(config.database)
    try:
        async with (
            Fetcher(config.settings.fetch, transport=StaticTransport(_responses(data, now)))
            as fetcher,
            ExtractorPool(1, 30) as extractor,
        ):  # fmt: skip
            matcher = Matcher(config.watchlists, config.shared_exclusions)
            report = await Poller(config, store, fetcher, extractor, matcher).run()
        outcome = send_digest(config, store, transport_for(config), now)
        titles = {w.name: w.title for w in config.watchlists}
        matched: dict[str, list[str]] = {}
        hits = store.hits(since=now - timedelta(days=30))
        for hit in hits:
            matched.setdefault(hit.title, []).append(titles.get(hit.hit.watchlist, ""))
        first = {h.article_id: h.title for h in hits}
        same_story = {
            h.title: first[h.story_id]
            for h in hits
            if h.story_id is not None and h.story_id != h.article_id and h.story_id in first
        }
    finally:
        store.close()
    stories = data["stories"]
    return DemoReport(
        folder=folder,
        config=config.directory,
        articles=sum(o.new_articles for o in report.outcomes),
        matched=[
            (s["title"], sorted(matched[s["title"]])) for s in stories if s["title"] in matched
        ],
        same_story=same_story,
        near_misses=[(s["title"], s["title"] in matched) for s in stories if not s["relevant"]],
        digest=Path(outcome.delivered_to).with_suffix(".html") if outcome.delivered_to else None,
        seconds=time.monotonic() - started,
    )
