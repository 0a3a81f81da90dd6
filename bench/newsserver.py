"""A loopback news server for benchmarks: many hosts, optional latency, conditional GET.

Runs in its own process so that serving does not share the measured process's GIL. Feeds
are spread over several loopback addresses (127.0.0.2, 127.0.0.3, ...) so that the
per-host limit behaves as it would against many publishers.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

WORDS_EN = (
    "the government said on monday that officials in havana and washington had exchanged "
    "messages about fuel shipments electricity blackouts tourism remittances and the embargo "
    "while analysts warned that the economy faced its worst crisis in decades as hospitals "
    "schools and farms struggled with shortages of diesel food medicine and spare parts"
).split()
WORDS_ES = (
    "el gobierno dijo el lunes que funcionarios en la habana y washington intercambiaron "
    "mensajes sobre envíos de combustible apagones turismo remesas y el bloqueo mientras "
    "analistas advirtieron que la economía enfrenta su peor crisis en décadas y hospitales "
    "escuelas y granjas sufren escasez de diésel alimentos medicinas y piezas de repuesto"
).split()


@dataclass(frozen=True)
class Site:
    feeds: int
    entries: int
    hosts: int
    latency: float
    seed: int = 1
    #: Real pages to serve, in turn, instead of built ones (bench/poll.py --pages).
    pages: tuple[bytes, ...] = ()

    def page(self, feed: int, entry: int) -> bytes:
        if self.pages:
            return self.pages[(feed * self.entries + entry) % len(self.pages)]
        return article_html(feed, entry, self.seed)

    def host(self, feed: int) -> str:
        return f"127.0.0.{2 + feed % self.hosts}"

    def feed_url(self, feed: int, port: int) -> str:
        return f"http://{self.host(feed)}:{port}/feed/{feed}.xml"


def article_html(feed: int, entry: int, seed: int = 1) -> bytes:
    """A ~60 KB page like a news site's: menus, scripts, an article, related links, footer."""
    rng = random.Random(seed * 1_000_003 + feed * 1009 + entry)
    words = WORDS_ES if (feed + entry) % 2 else WORDS_EN
    paragraphs = [
        " ".join(rng.choice(words) for _ in range(rng.randint(60, 110))).capitalize() + "."
        for _ in range(rng.randint(8, 12))
    ]
    menu = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(80))
    related = "".join(
        f'<li><a href="/story/{rng.randint(1, 10**6)}">'
        f"{escape(' '.join(rng.sample(words, 8)))}</a></li>"
        for _ in range(30)
    )
    script = "var config = {" + ",".join(f'"k{i}": {i}' for i in range(1500)) + "};"
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    title = escape(" ".join(rng.sample(words, 9)).capitalize())
    return (
        f'<!DOCTYPE html><html lang="{"es" if words is WORDS_ES else "en"}"><head>'
        f'<meta charset="utf-8"><title>{title} | News</title><script>{script}</script>'
        f"<style>{'.c{color:red}' * 300}</style></head><body><header><nav><ul>{menu}</ul></nav>"
        f"</header><main><article><h1>{title}</h1><p class=byline>By Staff</p>{body}</article>"
        f'<aside><h3>Related</h3><ul>{related}</ul></aside><section class="comments">'
        f"<p>First comment</p></section></main><footer>{menu}</footer></body></html>"
    ).encode()


def feed_xml(site: Site, feed: int, port: int) -> bytes:
    start = datetime(2026, 2, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>Story {feed}-{e}</title>"
        f"<link>http://{site.host(feed)}:{port}/article/{feed}/{e}.html</link>"
        f'<guid isPermaLink="false">{feed}-{e}</guid>'
        f"<pubDate>{format_datetime(start + timedelta(minutes=e))}</pubDate>"
        f"<description>Summary of story {feed}-{e}.</description></item>"
        for e in range(site.entries)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>http://example.org/</link>{items}</channel></rss>"
    ).encode()


async def _serve(site: Site, port: int, ready: multiprocessing.synchronize.Event) -> None:
    # Every answer is built before the server says it is ready, so that serving costs only
    # socket writes and does not take CPU from the process being measured.
    cache = _answers(site, port)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                if site.latency:
                    await asyncio.sleep(site.latency)
                writer.write(_response(cache, path, headers))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    servers = [
        await asyncio.start_server(handle, f"127.0.0.{2 + h}", port, backlog=1024)
        for h in range(site.hosts)
    ]
    ready.set()
    await asyncio.gather(*(s.serve_forever() for s in servers))


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
NOT_MODIFIED = b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 0\r\n\r\n'


def _answers(site: Site, port: int) -> dict[str, bytes]:
    cache = {}
    for feed in range(site.feeds):
        cache[f"/feed/{feed}.xml"] = _ok(
            feed_xml(site, feed, port), "application/rss+xml; charset=utf-8"
        )
        for entry in range(site.entries):
            # Real pages say their own charset; built ones are UTF-8.
            kind = "text/html" if site.pages else "text/html; charset=utf-8"
            cache[f"/article/{feed}/{entry}.html"] = _ok(site.page(feed, entry), kind)
    return cache


def _ok(body: bytes, kind: str) -> bytes:
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\n"
        f'Content-Length: {len(body)}\r\nETag: "v1"\r\n\r\n'
    )
    return head.encode() + body


def _response(cache: dict[str, bytes], path: str, headers: dict[str, str]) -> bytes:
    if path.startswith("/feed/") and headers.get("if-none-match") == '"v1"':
        return NOT_MODIFIED
    return cache.get(path, NOT_FOUND)


def _run(site: Site, port: int, ready: multiprocessing.synchronize.Event) -> None:
    asyncio.run(_serve(site, port, ready))


class NewsServer:
    """Start the server in a child process; ``with NewsServer(site, port):``."""

    def __init__(self, site: Site, port: int) -> None:
        self.site, self.port = site, port
        context = multiprocessing.get_context("spawn")
        self._ready = context.Event()
        self._process = context.Process(target=_run, args=(site, port, self._ready), daemon=True)

    def __enter__(self) -> NewsServer:
        self._process.start()
        if not self._ready.wait(30):
            raise RuntimeError("news server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.kill()
        self._process.join(5)
