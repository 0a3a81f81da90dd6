"""HTTP for feeds and article pages: polite, capped, and never hanging.

The only module importing httpx and aiohttp. Two long-lived clients share the limits: one
for feeds (configured by the user, so any address goes), httpx over aiohttp; and one for
article pages (URLs from feed content, so untrusted: only public addresses unless
allowed), aiohttp alone, since a cycle fetches hundreds of pages and httpx's layer cost
more CPU per page than aiohttp itself. Both answer alike: one redirect loop, one cap,
one deadline, one translation of errors (``_Answer``, ``_exchange``).

What every request gets:
- a total deadline (httpx timeouts are per read, so a server dripping bytes would hold a
  request forever without ``asyncio.timeout``);
- a byte cap on the *decoded* body while streaming, so a gzip bomb stops early;
- at most ``concurrency`` requests at once and ``per_host`` per host, pages before
  feeds when they wait (``ingest.slots``);
- at most 5 redirects, only to http/https.
Feeds also get conditional GET, and a chain of permanent redirects reports the new URL.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import re
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from httpx_aiohttp.transport import AiohttpResponseStream

from monitor.config.schema import FetchSettings
from monitor.errors import (
    AddressNotAllowed,
    ConnectFailed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    NotAPage,
    ResponseTooLarge,
    TooManyRedirects,
)
from monitor.ingest.resolver import Lookups
from monitor.ingest.slots import HostLimiter, Slots
from monitor.text.html import one_line
from monitor.text.urls import as_browsers_read, host_of, url_problem
from monitor.types import FetchResult

MAX_REDIRECTS = 5
#: Longest response header line taken. aiohttp's default, 8 KiB, refuses the pages of
#: sites whose Content-Security-Policy or Set-Cookie is longer, as real ones are;
#: browsers and curl take far more.
LONGEST_HEADER = 64 * 1024
#: Longest Retry-After we honour; beyond this a server is asking for more than a poll cycle.
MAX_RETRY_AFTER = 24 * 3600.0
_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, */*;q=0.5"
)
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.IGNORECASE)


# Bodies are read in chunks of 256 KiB, not httpx-aiohttp's 16 KiB: a 180 KB page is then
# one chunk instead of twelve, each paying every layer of the stream (docs/performance.md).
# The byte cap is checked per chunk, so a body passes it by at most one chunk.
_CHUNK = 256 * 1024
AiohttpResponseStream.CHUNK_SIZE = _CHUNK

#: What carries the requests: httpx's transport interface, so any httpx transport fits.
HttpTransport = httpx.AsyncBaseTransport


class Fetcher:
    """Fetches feeds and pages with one pair of long-lived clients; use ``async with``.

    ``transport`` replaces the network (``httpx.MockTransport`` in tests, an offline
    transport for the demo). It then carries both clients, and the public-address check,
    which lives in the real transport's socket factory, is the transport's business.
    """

    def __init__(self, settings: FetchSettings, transport: HttpTransport | None = None) -> None:
        self._settings = settings
        self._deadline = settings.timeout.total_seconds()
        self._slots = Slots(settings.concurrency)
        self._hosts = HostLimiter(settings.per_host)
        context = httpx.create_ssl_context()
        public_pages = not settings.allow_private_addresses
        self._feeds = _client(settings, transport or _network(settings, context, False))
        # Pages go straight to aiohttp: httpx's layer above it (building the request,
        # its cookie jar, its stream) cost more CPU per page than aiohttp itself, and a
        # cold cycle fetches hundreds of pages (docs/performance.md). A given transport
        # carries pages through httpx like feeds.
        self._session: _Session | None = None
        self._page_client: httpx.AsyncClient | None = None
        self._pages: _Hop
        if transport is None:
            self._session = _Session(lambda: _session(settings, context, public_pages))
            self._pages = self._session.hop
        else:
            self._page_client = _client(settings, transport)
            self._pages = _via_httpx(self._page_client)
        self._feed_hop = _via_httpx(self._feeds)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._feeds.aclose()
        if self._session is not None:
            await self._session.aclose()
        if self._page_client is not None:
            await self._page_client.aclose()

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a feed, conditionally when we hold validators; 304 comes back as a result."""
        headers = {"Accept": _FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._get(self._feed_hop, url, headers, self._settings.feed_max_bytes, False)

    async def fetch_page(self, url: str) -> FetchResult:
        """GET an article page; refuses non-HTML bodies."""
        result = await self._get(
            self._pages, url, {"Accept": _PAGE_ACCEPT}, self._settings.max_bytes, True
        )
        media = (result.content_type or "text/html").split(";")[0].strip().lower()
        if media not in _PAGE_TYPES:
            raise NotAPage(url, f"not an HTML page ({media})")
        return result

    async def _get(
        self, hop: _Hop, url: str, headers: dict[str, str], cap: int, page: bool
    ) -> FetchResult:
        """``page``: an article page, let in before waiting feeds (see ingest.slots)."""
        _check_url(url, url)
        # The host's slot first: waiting for a busy host must not hold one of the slots
        # every other host needs.
        async with self._hosts.slot(host_of(url), urgent=page), self._slots.hold(urgent=page):
            try:
                async with asyncio.timeout(self._deadline):
                    return await _exchange(hop, url, headers, cap)
            except AddressNotAllowed as e:
                raise AddressNotAllowed(url, str(e)) from e
            # Before TimeoutError, which aiohttp's read timeouts are too: they get their
            # own message, and TimeoutError is left to the deadline.
            except (httpx.HTTPError, aiohttp.ClientError) as e:
                raise _translate(url, e) from e
            except TimeoutError as e:
                raise FetchTimeout(url, f"no complete answer within {self._deadline:g}s") from e
            except (httpx.InvalidURL, ValueError, UnicodeError) as e:
                # What url_problem let through and a client still refused to send.
                raise InvalidURL(url, f"cannot be fetched: {one_line(str(e))}"[:300]) from e


@dataclass(frozen=True, slots=True)
class _Answer:
    """One response, whichever client carried it; its headers are read by lower-case name."""

    status: int
    headers: Mapping[str, str]
    url: str
    #: The body's chunks, decoded (gunzipped).
    chunks: Callable[[], AsyncIterator[bytes]]


#: One GET with no redirect followed: a URL and headers → an answer, while in context.
_Hop = Callable[[str, dict[str, str]], AbstractAsyncContextManager[_Answer]]


def _via_httpx(client: httpx.AsyncClient) -> _Hop:
    @asynccontextmanager
    async def hop(url: str, headers: dict[str, str]) -> AsyncIterator[_Answer]:
        async with client.stream("GET", url, headers=headers) as r:
            yield _Answer(r.status_code, r.headers, str(r.url), r.aiter_bytes)

    return hop


def _headers(raw: tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    """Response headers by lower-case name, the first of each, read as httpx reads them:
    UTF-8, else Latin-1. aiohttp keeps a byte that is not UTF-8 as a lone surrogate, which
    a URL then drops: a Spanish site's redirect to ".../año" (ñ in Latin-1) went to
    ".../ao" and a 404."""
    found: dict[str, str] = {}
    for name, value in raw:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
        found.setdefault(name.decode("latin-1").lower(), text)
    return found


class _Session:
    """An aiohttp session made at first use, inside the event loop that uses it."""

    def __init__(self, make: Callable[[], aiohttp.ClientSession]) -> None:
        self._make = make
        self._session: aiohttp.ClientSession | None = None

    @asynccontextmanager
    async def hop(self, url: str, headers: dict[str, str]) -> AsyncIterator[_Answer]:
        if self._session is None:
            self._session = self._make()
        async with self._session.get(url, headers=headers, allow_redirects=False) as r:
            chunks = r.content.iter_chunked
            yield _Answer(r.status, _headers(r.raw_headers), str(r.url), lambda: chunks(_CHUNK))

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


async def _exchange(hop: _Hop, url: str, headers: dict[str, str], cap: int) -> FetchResult:
    """GET ``url``, following at most MAX_REDIRECTS redirects to http(s) URLs."""
    current, permanent = url, True
    for _hop in range(MAX_REDIRECTS + 1):
        async with hop(current, headers) as response:
            status = response.status
            location = response.headers.get("location")
            if status in _REDIRECTS and location:
                permanent = permanent and status in (301, 308)
                current = _redirect_target(url, current, location)
                continue
            if status == 304:
                return _result(url, response, b"", None)
            if not 200 <= status < 300:
                raise HTTPStatusError(url, status, _retry_after(response, status))
            body = await _read_capped(url, response, cap)
            moved = current if permanent and current != url else None
            return _result(url, response, body, moved)
    raise TooManyRedirects(url, f"more than {MAX_REDIRECTS} redirects")


def _redirect_target(url: str, current: str, location: str) -> str:
    target = urljoin(current, as_browsers_read(location))
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise AddressNotAllowed(url, f"redirected to a non-http(s) URL: {target[:200]}")
    _check_url(url, target, redirect=True)
    return target


def _check_url(url: str, target: str, *, redirect: bool = False) -> None:
    """Refuse, before any connection, a URL no client should send (see text.urls)."""
    problem = url_problem(target)
    if problem is None:
        return
    if problem.startswith("only http"):
        raise AddressNotAllowed(url, problem)
    if redirect:
        raise InvalidURL(url, f"redirected to an unusable URL: {problem}")
    raise InvalidURL(url, f"{problem}: refused")


async def _read_capped(url: str, response: _Answer, cap: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise ResponseTooLarge(url, f"body of {int(declared):,} bytes is over the {cap:,} cap")
    chunks, size = [], 0
    # The chunks are decoded (gunzipped) bytes, so the cap holds against gzip bombs.
    async for chunk in response.chunks():
        size += len(chunk)
        if size > cap:
            raise ResponseTooLarge(url, f"body is over the {cap:,} byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def _result(url: str, response: _Answer, body: bytes, moved: str | None) -> FetchResult:
    h = response.headers
    return FetchResult(
        url=url,
        final_url=response.url,
        status=response.status,
        body=body,
        content_type=h.get("content-type"),
        content_language=h.get("content-language"),
        etag=h.get("etag"),
        last_modified=h.get("last-modified"),
        moved_to=moved,
        max_age=_max_age(h.get("cache-control", "")),
    )


def _max_age(cache_control: str) -> float | None:
    match = _MAX_AGE.search(cache_control)
    return float(match[1]) if match else None


def _retry_after(response: _Answer, status: int) -> float | None:
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


def _translate(url: str, e: httpx.HTTPError | aiohttp.ClientError) -> FetchError:
    """httpx's and aiohttp's exceptions → ours, with a message that fits on one line."""
    cause = e.__cause__ if isinstance(e.__cause__, aiohttp.ClientError) else e
    detail = one_line(str(cause)) or type(cause).__name__
    if isinstance(cause, aiohttp.ServerTimeoutError) or (
        isinstance(e, httpx.TimeoutException) and cause is e
    ):
        return FetchTimeout(url, f"timed out: {detail}"[:300])
    if isinstance(e, httpx.UnsupportedProtocol):
        return AddressNotAllowed(url, "only http and https URLs are fetched")
    if isinstance(e, httpx.DecodingError) or _bad_encoding(cause):
        return FetchError(url, "body could not be decoded (bad compression)")
    if isinstance(cause, aiohttp.ClientConnectorError) or isinstance(e, httpx.ConnectError):
        # DNS failures are ClientConnectorDNSError, a subclass: both say "no route there".
        return ConnectFailed(url, f"{type(cause).__name__}: {detail}"[:300])
    return FetchError(url, f"{type(cause).__name__}: {detail}"[:300])


def _bad_encoding(e: BaseException) -> bool:
    # aiohttp says a body it could not gunzip only in its message ("Can not decode
    # content-encoding: gzip"); a truncated chunked body is a transfer-encoding error.
    return isinstance(e, aiohttp.ClientPayloadError) and "content-encoding" in str(e).lower()


class StaticTransport(httpx.AsyncBaseTransport):
    """Answers from fixed responses by URL and never touches the network (``monitor
    demo``); anything else is a 404."""

    def __init__(self, responses: Mapping[str, tuple[bytes, str]]) -> None:
        self._responses = dict(responses)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        found = self._responses.get(str(request.url))
        if found is None:
            return httpx.Response(404, content=b"not found", request=request)
        body, content_type = found
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        return httpx.Response(200, content=body, headers=headers, request=request)


def _network(
    settings: FetchSettings, ssl_context: ssl.SSLContext, public_only: bool
) -> HttpTransport:
    # aiohttp under httpx: the same API for half the CPU per request of httpx's own
    # transport at high concurrency (encode/httpx#3215; docs/performance.md has our figures).
    def session() -> aiohttp.ClientSession:
        return _session(settings, ssl_context, public_only)

    transport: HttpTransport = AiohttpTransport(client=session, verify=ssl_context, trust_env=False)
    return transport


def _session(
    settings: FetchSettings, ssl_context: ssl.SSLContext, public_only: bool
) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=settings.concurrency,
        keepalive_timeout=30.0,
        ssl=ssl_context,
        ttl_dns_cache=300,
        resolver=_Resolver(settings.concurrency),
        socket_factory=_public_socket if public_only else None,
    )
    seconds = settings.timeout.total_seconds()
    # Per connect and per read, as httpx's timeout; the total deadline is _get's.
    timeout = aiohttp.ClientTimeout(
        total=None, connect=seconds, sock_connect=seconds, sock_read=seconds
    )
    # Proxies from the environment are not used: they would carry page requests past
    # the public-address check.
    return aiohttp.ClientSession(
        connector=connector, timeout=timeout, trust_env=False,
        headers={"User-Agent": settings.user_agent},
        max_line_size=LONGEST_HEADER, max_field_size=LONGEST_HEADER,
    )  # fmt: skip


class _Resolver(aiohttp.abc.AbstractResolver):
    """The system's lookups on threads of their own (``ingest.resolver``), so a name
    server that never answers holds none of the event loop's shared threads."""

    def __init__(self, limit: int) -> None:
        self._lookups = Lookups(limit)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[aiohttp.abc.ResolveResult]:
        found = await self._lookups.resolve(host, port, family)
        return [aiohttp.abc.ResolveResult(**address) for address in found]

    async def close(self) -> None:
        pass  # nothing to release: a lookup still running ends by itself


def _client(settings: FetchSettings, transport: HttpTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(settings.timeout.total_seconds()),
        # Redirects are followed in _exchange, one fresh request per hop.
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent},
        trust_env=False,
    )


def _public_socket(addr_info: tuple[Any, ...]) -> socket.socket:
    """Open a socket only towards a public address.

    The check sits where the socket is opened, after name resolution, so it covers every
    redirect hop, IP literals, and DNS answers that change between a check and a connect.
    """
    family, kind, proto, _, address = addr_info
    if not _is_public(str(address[0])):
        raise AddressNotAllowed(
            str(address[0]),
            f"refused to connect to non-public address {address[0]} "
            "(set fetch.allow_private_addresses to allow)",
        )
    return socket.socket(family=family, type=kind, proto=proto)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
