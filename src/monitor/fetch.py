"""HTTP for feeds and article pages: polite, capped, and never hanging.

The only module importing httpx (and httpcore). Two long-lived clients share the limits:
one for feeds (configured by the user, so any address goes) and one for article pages
(URLs from feed content, so untrusted: only public addresses unless allowed).

What every request gets:
- a total deadline (httpx timeouts are per read, so a server dripping bytes would hold a
  request forever without ``asyncio.timeout``);
- a byte cap on the *decoded* body while streaming, so a gzip bomb stops early;
- at most ``concurrency`` requests at once and ``per_host`` per host;
- at most 5 redirects, only to http/https.
Feeds also get conditional GET, and a chain of permanent redirects reports the new URL.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import re
import socket
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpcore
import httpx

from monitor.config.schema import FetchSettings
from monitor.errors import (
    AddressNotAllowed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ResponseTooLarge,
)
from monitor.text import one_line
from monitor.types import FetchResult
from monitor.urls import host_of

MAX_REDIRECTS = 5
#: Longest Retry-After we honour; beyond this a server is asking for more than a poll cycle.
MAX_RETRY_AFTER = 24 * 3600.0
_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)


class Fetcher:
    """Fetches feeds and pages with one pair of long-lived clients; use ``async with``."""

    def __init__(self, settings: FetchSettings) -> None:
        self._settings = settings
        self._deadline = settings.timeout.total_seconds()
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._hosts = _HostLimiter(settings.per_host)
        self._feeds = _client(settings, public_only=False)
        self._pages = _client(settings, public_only=not settings.allow_private_addresses)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._feeds.aclose()
        await self._pages.aclose()

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a feed, conditionally when we hold validators; 304 comes back as a result."""
        headers = {"Accept": _FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._get(self._feeds, url, headers, self._settings.feed_max_bytes)

    async def fetch_page(self, url: str) -> FetchResult:
        """GET an article page; refuses non-HTML bodies."""
        result = await self._get(
            self._pages, url, {"Accept": _PAGE_ACCEPT}, self._settings.max_bytes
        )
        media = (result.content_type or "text/html").split(";")[0].strip().lower()
        if media not in _PAGE_TYPES:
            raise FetchError(url, f"not an HTML page ({media})")
        return result

    async def _get(
        self, client: httpx.AsyncClient, url: str, headers: dict[str, str], cap: int
    ) -> FetchResult:
        async with self._slots, self._hosts.slot(host_of(url)):
            try:
                async with asyncio.timeout(self._deadline):
                    return await _exchange(client, url, headers, cap)
            except TimeoutError as e:
                raise FetchTimeout(url, f"no complete answer within {self._deadline:g}s") from e
            except AddressNotAllowed as e:
                raise AddressNotAllowed(url, str(e)) from e
            except httpx.HTTPError as e:
                raise _translate(url, e) from e


async def _exchange(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], cap: int
) -> FetchResult:
    async with client.stream("GET", url, headers=headers) as response:
        status = response.status_code
        if status == 304:
            return _result(url, response, b"")
        if not 200 <= status < 300:
            raise HTTPStatusError(url, status, _retry_after(response, status))
        body = await _read_capped(url, response, cap)
        return _result(url, response, body)


async def _read_capped(url: str, response: httpx.Response, cap: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise ResponseTooLarge(url, f"body of {int(declared):,} bytes is over the {cap:,} cap")
    chunks, size = [], 0
    # aiter_bytes yields decoded (gunzipped) bytes, so the cap holds against gzip bombs.
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise ResponseTooLarge(url, f"body is over the {cap:,} byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def _result(url: str, response: httpx.Response, body: bytes) -> FetchResult:
    h = response.headers
    return FetchResult(
        url=url,
        final_url=str(response.url),
        status=response.status_code,
        body=body,
        content_type=h.get("content-type"),
        content_language=h.get("content-language"),
        etag=h.get("etag"),
        last_modified=h.get("last-modified"),
        moved_to=_moved_to(response),
        max_age=_max_age(h.get("cache-control", "")),
    )


def _moved_to(response: httpx.Response) -> str | None:
    hops = response.history
    if hops and all(r.status_code in (301, 308) for r in hops):
        return str(response.url)
    return None


def _max_age(cache_control: str) -> float | None:
    match = _MAX_AGE.search(cache_control)
    return float(match[1]) if match else None


def _retry_after(response: httpx.Response, status: int) -> float | None:
    """Seconds from a 429/503 Retry-After given as seconds or as an HTTP-date."""
    value = response.headers.get("retry-after", "").strip()
    if status not in (429, 503) or not value:
        return None
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - datetime.now(UTC)).total_seconds(), 0.0), MAX_RETRY_AFTER)


def _translate(url: str, e: httpx.HTTPError) -> FetchError:
    """httpx's exceptions → ours, with a message that fits on one line."""
    if isinstance(e, httpx.TimeoutException):
        return FetchTimeout(url, f"timed out ({type(e).__name__})")
    if isinstance(e, httpx.TooManyRedirects):
        return FetchError(url, f"more than {MAX_REDIRECTS} redirects")
    if isinstance(e, httpx.UnsupportedProtocol):
        return AddressNotAllowed(url, "only http and https URLs are fetched")
    if isinstance(e, httpx.DecodingError):
        return FetchError(url, "body could not be decoded (bad compression)")
    detail = one_line(str(e)) or type(e).__name__
    return FetchError(url, f"{type(e).__name__}: {detail}"[:300])


def _client(settings: FetchSettings, *, public_only: bool) -> httpx.AsyncClient:
    per_phase = settings.timeout.total_seconds()
    limits = httpx.Limits(
        max_connections=settings.concurrency,
        max_keepalive_connections=settings.concurrency,
        keepalive_expiry=30.0,
    )
    # Proxies from the environment are not used: they would carry page requests past the
    # public-address check below.
    transport = httpx.AsyncHTTPTransport(limits=limits, retries=1, trust_env=False)
    if public_only:
        _guard(transport, limits)
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(per_phase),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": settings.user_agent},
        trust_env=False,
    )


def _guard(transport: httpx.AsyncHTTPTransport, limits: httpx.Limits) -> None:
    # The check must sit where the socket is opened: checking the name before the request
    # would miss redirects and DNS answers that change between check and connect.
    old = transport._pool
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=old._ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        retries=1,
        network_backend=_PublicOnlyBackend(),
    )


class _PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """Connects only to globally routable addresses, to the very address it checked."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await _public_address(host, port)
        return await self._inner.connect_tcp(
            address, port, timeout=timeout, local_address=local_address,
            socket_options=socket_options,
        )  # fmt: skip

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise AddressNotAllowed(path, "unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _public_address(host: str, port: int) -> str:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise httpcore.ConnectError(f"cannot resolve {host}: {e}") from e
    addresses = [str(info[4][0]) for info in infos]
    # Refuse if any answer is private: a name that resolves to both is not trustworthy.
    for address in addresses:
        if not _is_public(address):
            raise AddressNotAllowed(
                host, f"{host} resolves to non-public address {address}; refused "
                "(set fetch.allow_private_addresses to allow)",
            )  # fmt: skip
    return addresses[0]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _HostLimiter:
    """At most ``per_host`` requests at once to each host; forgets idle hosts."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._hosts: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._hosts.get(host, (asyncio.Semaphore(self._per_host), 0))
        self._hosts[host] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._hosts[host]
            if users <= 1:
                del self._hosts[host]
            else:
                self._hosts[host] = (semaphore, users - 1)
