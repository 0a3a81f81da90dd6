"""A real HTTP server on 127.0.0.1 for tests: feeds, pages, and misbehaving servers."""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    #: Answer 304 when the request's If-None-Match equals this.
    etag: str | None = None
    #: Send the body gzip-compressed (Content-Encoding: gzip).
    gzip: bool = False
    #: Send the body in chunks of this many bytes, sleeping ``drip_delay`` between them.
    drip: int = 0
    drip_delay: float = 0.0
    #: Sleep this long before answering.
    delay: float = 0.0
    #: Send the body deflate-compressed (Content-Encoding: deflate).
    deflate: bool = False
    #: Misbehave: "truncate" (promise more bytes than sent, then hang up), "reset" (hang up
    #: with a TCP reset before answering), "no_length" (no Content-Length: the body ends
    #: when the connection closes).
    fault: str | None = None


class FeedServer:
    """Serves ``routes`` by path; records every request. Use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        #: Every request's path, in the order they arrived.
        self.order: list[str] = []
        self.request_headers: dict[str, dict[str, str]] = {}
        self.peak_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes | str = b"", **kwargs: object) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (caps, deadlines) are what many tests do on purpose


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            path = self.path
            server.hits[path] += 1
            server.order.append(path)
            server.request_headers[path] = {k.lower(): v for k, v in self.headers.items()}
            route = server.routes.get(path)
            server._enter()
            try:
                if route is None:
                    self._send(404, {"Content-Type": "text/plain"}, b"not found")
                else:
                    self._answer(route)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (deadline, cap): that is what some tests want
            finally:
                server._leave()

        def _answer(self, route: Route) -> None:
            if route.delay:
                time.sleep(route.delay)
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self._send(304, {"ETag": route.etag}, b"")
                return
            if route.fault == "reset":
                self._reset()
                return
            headers = {"Content-Type": route.content_type, **route.headers}
            if route.etag:
                headers["ETag"] = route.etag
            body = route.body
            if route.gzip:
                headers["Content-Encoding"] = "gzip"
                body = gzip.compress(body, compresslevel=9)
            if route.deflate:
                headers["Content-Encoding"] = "deflate"
                body = zlib.compress(body, 9)
            if route.fault in ("truncate", "no_length"):
                self._send_faulty(route.status, headers, body, route.fault)
                return
            self._send(route.status, headers, body, route.drip, route.drip_delay)

        def _reset(self) -> None:
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True

        def _send_faulty(
            self, status: int, headers: dict[str, str], body: bytes, fault: str
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if fault == "truncate":
                self.send_header("Content-Length", str(len(body) * 2))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True

        def _send(
            self, status: int, headers: dict[str, str], body: bytes, drip: int = 0, pause: float = 0
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status == 304 or not body:
                return
            step = drip or len(body)
            for start in range(0, len(body), step):
                self.wfile.write(body[start : start + step])
                self.wfile.flush()
                if drip:
                    time.sleep(pause)

    return Handler
