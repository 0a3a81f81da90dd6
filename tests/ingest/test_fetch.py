"""ingest.fetch against a real loopback server: politeness, caps, deadlines, refusals."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeVar

import httpx
import pytest

from monitor.config.schema import FetchSettings
from monitor.errors import (
    AddressNotAllowed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    ResponseTooLarge,
)
from monitor.ingest.fetch import Fetcher
from monitor.types import FetchResult
from tests.support.server import FeedServer

T = TypeVar("T")
FEED = b'<rss version="2.0"><channel><title>t</title></channel></rss>'


def run(use: Callable[[Fetcher], Awaitable[T]], **settings: Any) -> T:
    async def main() -> T:
        async with Fetcher(FetchSettings(**settings)) as fetcher:
            return await use(fetcher)

    return asyncio.run(main())


def test_conditional_get_returns_304_with_no_body(server: FeedServer) -> None:
    url = server.add(
        "/feed", FEED, etag='"v1"', headers={"Last-Modified": "Mon, 02 Feb 2026 10:00:00 GMT"}
    )
    first = run(lambda f: f.fetch_feed(url))
    assert first.status == 200
    assert first.etag == '"v1"'
    assert first.body == FEED
    assert first.last_modified == "Mon, 02 Feb 2026 10:00:00 GMT"
    second = run(lambda f: f.fetch_feed(url, etag=first.etag, last_modified=first.last_modified))
    assert second.not_modified
    assert second.body == b""
    sent = server.request_headers["/feed"]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 02 Feb 2026 10:00:00 GMT"
    assert sent["user-agent"].startswith("cuba-monitor/")


def test_permanent_redirects_report_the_new_home(server: FeedServer) -> None:
    new = server.add("/new", FEED)
    server.add("/old", status=301, headers={"Location": "/mid"})
    server.add("/mid", status=308, headers={"Location": new})
    server.add("/temp", status=302, headers={"Location": "/new"})
    moved = run(lambda f: f.fetch_feed(server.url("/old")))
    assert moved.moved_to == new
    assert moved.final_url == new
    assert moved.body == FEED
    temporary = run(lambda f: f.fetch_feed(server.url("/temp")))
    assert temporary.moved_to is None
    assert temporary.final_url == new


def test_redirect_loops_stop(server: FeedServer) -> None:
    server.add("/a", status=302, headers={"Location": "/b"})
    server.add("/b", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="more than 5 redirects"):
        run(lambda f: f.fetch_feed(server.url("/a")))
    assert server.hits["/a"] + server.hits["/b"] == 6


def _gzip_bomb(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * 1_000_000
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


def test_gzip_bomb_is_stopped_at_the_cap(server: FeedServer) -> None:
    bomb = _gzip_bomb(200)
    assert len(bomb) < 300_000
    url = server.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    with pytest.raises(ResponseTooLarge, match="over the 1,000,000 byte cap"):
        run(lambda f: f.fetch_feed(url), feed_max_bytes=1_000_000)
    assert time.monotonic() - started < 5


def test_declared_oversize_is_refused_before_reading(server: FeedServer) -> None:
    url = server.add("/big", b"x" * 200_000, content_type="text/html")
    with pytest.raises(ResponseTooLarge, match="200,000 bytes is over the 100,000 cap"):
        run(lambda f: f.fetch_page(url), max_bytes=100_000, allow_private_addresses=True)


def test_total_deadline_holds_against_a_dripping_server(server: FeedServer) -> None:
    url = server.add("/drip", FEED * 10, drip=10, drip_delay=0.2)
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        run(lambda f: f.fetch_feed(url), timeout="1s")
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}",
        "localhost:{port}",
        "[::1]:9",
        "169.254.169.254",
        "10.1.2.3",
        "192.168.0.1",
    ],
)
def test_pages_on_private_addresses_are_refused(server: FeedServer, host: str) -> None:
    url = server.add("/page.html", "<p>secret</p>", content_type="text/html")
    target = f"http://{host.format(port=server.port)}/page.html"
    with pytest.raises(AddressNotAllowed, match="non-public address"):
        run(lambda f: f.fetch_page(target))
    assert server.hits["/page.html"] == 0
    # The same page is fine when the user allows private addresses, and feeds always are.
    if "{port}" in host:
        assert run(lambda f: f.fetch_page(url), allow_private_addresses=True).status == 200


def test_redirects_only_to_http(server: FeedServer) -> None:
    server.add("/sneaky", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(AddressNotAllowed, match="redirected to a non-http"):
        run(lambda f: f.fetch_feed(server.url("/sneaky")))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(AddressNotAllowed, match="only http and https"):
        run(lambda f: f.fetch_page(url), allow_private_addresses=True)


def test_retry_after_in_seconds_and_as_a_date(server: FeedServer) -> None:
    server.add("/busy", status=429, headers={"Retry-After": "120"})
    later = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    server.add("/down", status=503, headers={"Retry-After": later})
    with pytest.raises(HTTPStatusError) as busy:
        run(lambda f: f.fetch_feed(server.url("/busy")))
    assert busy.value.status == 429
    assert busy.value.retry_after == 120
    with pytest.raises(HTTPStatusError) as down:
        run(lambda f: f.fetch_feed(server.url("/down")))
    assert down.value.retry_after is not None
    assert 3500 < down.value.retry_after <= 3600


def test_server_errors_are_reported_by_status(server: FeedServer) -> None:
    server.add("/oops", status=500)
    with pytest.raises(HTTPStatusError, match="HTTP 500"):
        run(lambda f: f.fetch_feed(server.url("/oops")))


def test_connection_refused_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match=r"Cannot connect to host 127\.0\.0\.1:9"):
        run(lambda f: f.fetch_feed("http://127.0.0.1:9/feed"))


def test_per_host_limit(server: FeedServer) -> None:
    paths = [
        server.add(f"/p{i}.html", "<p>x</p>", content_type="text/html", delay=0.3) for i in range(6)
    ]

    async def all_pages(f: Fetcher) -> list[Any]:
        return await asyncio.gather(*(f.fetch_page(u) for u in paths))

    results = run(all_pages, per_host=2, allow_private_addresses=True)
    assert len(results) == 6
    assert server.peak_in_flight == 2


def test_non_html_pages_are_refused(server: FeedServer) -> None:
    url = server.add("/doc.pdf", b"%PDF-1.7", content_type="application/pdf")
    with pytest.raises(FetchError, match=r"not an HTML page \(application/pdf\)"):
        run(lambda f: f.fetch_page(url), allow_private_addresses=True)


def test_a_given_transport_carries_every_request() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/feed":
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, html="<p>page</p>", headers={"Content-Type": "text/html"})

    async def main() -> tuple[int, bytes]:
        settings = FetchSettings(user_agent="tester/1")
        async with Fetcher(settings, transport=httpx.MockTransport(answer)) as fetcher:
            feed = await fetcher.fetch_feed("https://wire.example/feed", etag='"v1"')
            # The address check belongs to the network transport; a given one decides.
            page = await fetcher.fetch_page("http://10.0.0.1/story")
            return feed.status, page.body

    assert asyncio.run(main()) == (304, b"<p>page</p>")
    assert [r.headers["If-None-Match"] for r in seen[:1]] == ['"v1"']
    assert {r.headers["User-Agent"] for r in seen} == {"tester/1"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://2130706433/", "'2130706433' is a non-standard spelling of the address 127.0.0.1"),
        ("http://127.1/", "'127.1' is a non-standard spelling of the address 127.0.0.1"),
        ("http://256.1.1.1/x", "'256.1.1.1' is not a valid IP address"),
        ("http://user:pw@host.example/", "has a user name or password in it"),
    ],
)
def test_unusable_urls_are_refused_before_connecting_and_say_why(url: str, message: str) -> None:
    with pytest.raises(InvalidURL) as caught:
        run(lambda f: f.fetch_feed(url), allow_private_addresses=True)
    assert str(caught.value) == f"{message}: refused"


def test_a_redirect_to_an_unusable_url_is_refused(server: FeedServer) -> None:
    server.add("/hop", status=302, headers={"Location": "http://0x7f000001/x"})
    with pytest.raises(
        InvalidURL, match="redirected to an unusable URL: '0x7f000001' is a non-standard"
    ):
        run(lambda f: f.fetch_feed(server.url("/hop")))


# Pages go through aiohttp alone, feeds through httpx over aiohttp: the same server
# faults must give the same errors, in the same words, on both.
FAULTS: dict[str, tuple[dict[str, Any], type[FetchError], str]] = {
    "bomb": ({"body": _gzip_bomb(200), "headers": {"Content-Encoding": "gzip"}},
             ResponseTooLarge, "over the 1,000,000 byte cap"),
    "bad gzip": ({"body": b"\x1f\x8b\x08 this is not gzip", "headers": {"Content-Encoding": "gzip"}},
                 FetchError, r"body could not be decoded \(bad compression\)"),
    "bad deflate": ({"body": b"this is not deflate", "headers": {"Content-Encoding": "deflate"}},
                    FetchError, r"body could not be decoded \(bad compression\)"),
    "drip": ({"body": b"<p>x</p>" * 40, "drip": 10, "drip_delay": 0.3}, FetchTimeout, ""),
    "server error": ({"status": 500}, HTTPStatusError, "HTTP 500"),
    "loop": ({"status": 302, "headers": {"Location": "/fault/loop"}}, FetchError, "more than 5 redirects"),
    "truncated": ({"body": b"<p>x</p>" * 100, "fault": "truncate"}, FetchError, ""),
    "reset": ({"body": b"<p>x</p>", "fault": "reset"}, FetchError, ""),
}  # fmt: skip


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_pages_and_feeds_fail_alike(server: FeedServer, fault: str) -> None:
    route, error, message = FAULTS[fault]
    url = server.add(f"/fault/{fault.replace(' ', '-')}", content_type="text/html", **route)
    settings = {"timeout": "1s", "max_bytes": 1_000_000, "feed_max_bytes": 1_000_000,
                "allow_private_addresses": True}  # fmt: skip
    started = time.monotonic()
    with pytest.raises(error, match=message or None) as page:
        run(lambda f: f.fetch_page(url), **settings)
    with pytest.raises(error, match=message or None) as feed:
        run(lambda f: f.fetch_feed(url), **settings)
    assert type(page.value) is type(feed.value)
    assert str(page.value) == str(feed.value)
    assert time.monotonic() - started < 8


def test_pages_send_the_user_agent_ask_for_compression_and_are_gunzipped(
    server: FeedServer,
) -> None:
    html = "<html><body><p>Díaz-Canel</p></body></html>"
    url = server.add("/zipped.html", html, content_type="text/html; charset=utf-8", gzip=True)
    got = run(lambda f: f.fetch_page(url), allow_private_addresses=True, user_agent="probe/1")
    assert got.body.decode() == html
    assert got.content_type == "text/html; charset=utf-8"
    assert got.final_url == url
    sent = server.request_headers["/zipped.html"]
    assert sent["user-agent"] == "probe/1"
    assert "gzip" in sent["accept-encoding"]
    assert sent["accept"].startswith("text/html")


def test_a_page_redirect_is_followed_and_its_final_address_kept(server: FeedServer) -> None:
    url = server.add("/story.html", "<p>x</p>", content_type="text/html")
    old = server.add("/old-story", status=301, headers={"Location": "/story.html"})
    got = run(lambda f: f.fetch_page(old), allow_private_addresses=True)
    assert (got.status, got.final_url, got.url) == (200, url, old)


def test_long_response_headers_are_taken_and_too_long_ones_said(server: FeedServer) -> None:
    # Real news sites send Content-Security-Policy headers of 10-20 KB.
    policy = "default-src 'self' " + " ".join(f"https://cdn{i}.example.com" for i in range(700))
    assert len(policy) > 16_000
    body = "<html><body><p>x</p></body></html>"
    url = server.add("/csp.html", body, content_type="text/html",
                     headers={"Content-Security-Policy": policy})  # fmt: skip
    settings = {"allow_private_addresses": True}
    assert run(lambda f: f.fetch_page(url), **settings).body == body.encode()
    assert run(lambda f: f.fetch_feed(url), **settings).status == 200
    huge = server.add("/huge.html", body, content_type="text/html",
                      headers={"X-Padding": "x" * 100_000})  # fmt: skip
    with pytest.raises(FetchError, match="Got more than 65536 bytes"):
        run(lambda f: f.fetch_page(huge), **settings)


@pytest.mark.parametrize("charset", ["utf-8", "latin-1"])
def test_a_redirect_to_an_address_with_accents_arrives(server: FeedServer, charset: str) -> None:
    # Servers send a Location's "ñ" as UTF-8, or, older Spanish ones, as Latin-1.
    page = server.add("/noticias/a%C3%B1o-nuevo.html", "<p>x</p>", content_type="text/html")
    location = "/noticias/año-nuevo.html".encode(charset).decode("latin-1")  # sent as bytes
    old = server.add(f"/old-{charset}", status=301, headers={"Location": location})
    settings = {"allow_private_addresses": True}
    assert run(lambda f: f.fetch_page(old), **settings).final_url == page
    assert run(lambda f: f.fetch_feed(old), **settings).final_url == page


def test_a_redirect_to_an_address_with_spaces_arrives(server: FeedServer) -> None:
    # Browsers read "foto 1.html" in a Location as "foto%201.html"; so do we (before:
    # "redirected to an unusable URL: has spaces or control characters in it").
    page = server.add("/noticias/foto%201.html", "<p>x</p>", content_type="text/html")
    old = server.add("/old-spaced", status=302, headers={"Location": " /noticias/foto 1.html"})
    settings = {"allow_private_addresses": True}
    assert run(lambda f: f.fetch_page(old), **settings).final_url == page
    assert run(lambda f: f.fetch_feed(old), **settings).final_url == page


def test_name_servers_that_never_answer_hold_up_nothing_else(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some networks cannot resolve granma.cu and other .cu hosts: the system resolver
    # hangs until it gives up. Before, 40 such lookups held every thread the event loop
    # shares, and a healthy host's lookup, a worker's start and an alert waited for them.
    system = socket.getaddrinfo
    answered = threading.Event()

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host).endswith(".unanswered.test"):
            answered.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return system(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    healthy = server.add("/feed", FEED).replace("127.0.0.1", "localhost")

    async def main() -> tuple[int, str, float, list[BaseException | FetchResult]]:
        settings = FetchSettings(timeout=timedelta(seconds=5), allow_private_addresses=True)
        async with Fetcher(settings) as f:
            hanging = [
                asyncio.ensure_future(f.fetch_feed(f"http://h{i}.unanswered.test/feed"))
                for i in range(40)
            ]
            await asyncio.sleep(0.3)  # every lookup under way
            started = time.monotonic()
            status = (await f.fetch_feed(healthy)).status
            ran = await asyncio.to_thread(lambda: "ran")
            waited = time.monotonic() - started
            answered.set()
            return status, ran, waited, await asyncio.gather(*hanging, return_exceptions=True)

    status, ran, waited, hung = asyncio.run(main())
    assert (status, ran) == (200, "ran")
    assert waited < 2
    assert all(isinstance(r, FetchError) for r in hung), hung
