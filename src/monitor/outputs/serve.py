"""``monitor serve``: the Atom feeds of ``data/feeds/`` over HTTP, for any feed reader.

Only the feeds, nothing else of the archive, so it can listen beyond loopback (a reader
on a phone) without showing the database. GET and HEAD of ``/NAME.atom`` (also under
``/feeds/``, the address ``monitor browse`` gives them) and an index at ``/``. Each
answer carries an ETag and Last-Modified, and a reader that asks again with them gets
304 Not Modified: polling every few minutes costs a stat. The ETag is compared as HTTP
says (RFC 9110): among a list, weakly, since a proxy that compresses the feed hands the
reader ``W/"…"``; ``If-Modified-Since`` counts when there is no ``If-None-Match``. The
feeds are replaced atomically by each cycle, so a file is read whole, old or new.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from monitor.errors import MonitorError

_NAME = re.compile(r"^/(?:feeds/)?([A-Za-z0-9_-][A-Za-z0-9_.-]*\.atom)$")
ATOM = "application/atom+xml; charset=utf-8"


def serve(
    folder: Path, *, host: str, port: int, ready: Callable[[str], None] = lambda _url: None
) -> None:
    """Serve ``folder``'s feeds until interrupted."""
    try:
        httpd = ThreadingHTTPServer((host, port), _handler(folder))
    except OSError as e:
        raise MonitorError(f"cannot serve on {host}:{port}: {e.strerror or e}") from e
    httpd.daemon_threads = True
    shown = f"[{host}]" if ":" in host else host
    ready(f"http://{shown}:{httpd.server_address[1]}")
    try:
        httpd.serve_forever(poll_interval=0.5)
    finally:
        httpd.server_close()


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    kind: str | None
    data: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _reply(folder: Path, path: str, asked: Message) -> _Reply:
    """The answer to a GET of ``path``: the index, a feed (or 304), or 404."""
    path = path.split("?", 1)[0]
    if path in ("/", "/feeds/", "/feeds"):
        return _Reply(200, "text/html; charset=utf-8", _index(folder))
    match = _NAME.match(path)
    try:
        if match is None:
            raise FileNotFoundError(path)
        file = folder / match[1]
        data, mtime = file.read_bytes(), file.stat().st_mtime
    except OSError:
        return _Reply(404, "text/plain; charset=utf-8", b"no such feed\n")
    tag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
    modified = formatdate(mtime, usegmt=True)
    if _unchanged(tag, int(mtime), asked):
        return _Reply(304, None, b"", (("ETag", tag), ("Last-Modified", modified)))
    return _Reply(200, ATOM, data, (("ETag", tag), ("Last-Modified", modified)))


def _unchanged(tag: str, mtime: int, asked: Message) -> bool:
    """Does the reader hold this version, by its conditional headers?"""
    listed = asked.get("If-None-Match")
    if listed is not None:
        held = {t.strip().removeprefix("W/") for t in listed.split(",")}
        return "*" in held or tag in held
    since = asked.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return mtime <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False  # an unreadable date: send the feed


def _handler(folder: Path) -> type[BaseHTTPRequestHandler]:
    class Feeds(BaseHTTPRequestHandler):
        server_version = "cuba-monitor"

        def log_message(self, format: str, *args: object) -> None:
            pass  # a reader polling every minute is not news

        def do_HEAD(self) -> None:
            self._send(_reply(folder, self.path, self.headers), body=False)

        def do_GET(self) -> None:
            self._send(_reply(folder, self.path, self.headers), body=True)

        def _send(self, reply: _Reply, *, body: bool) -> None:
            self.send_response(reply.status)
            if reply.kind:
                self.send_header("Content-Type", reply.kind)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.data)))
            self.end_headers()
            if body and reply.status != 304:
                self.wfile.write(reply.data)

    return Feeds


def _index(folder: Path) -> bytes:
    names = sorted(p.name for p in folder.glob("*.atom")) if folder.is_dir() else []
    items = "".join(f'<li><a href="{html.escape(n)}">{html.escape(n)}</a></li>' for n in names)
    empty = "<p>No feeds yet: they are written after the first poll cycle.</p>"
    page = (
        "<!doctype html><meta charset=utf-8><title>US–Cuba news monitor: feeds</title>"
        f"<h1>Atom feeds</h1>{f'<ul>{items}</ul>' if names else empty}"
    )
    return page.encode("utf-8")
