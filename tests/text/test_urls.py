"""text.urls: which URLs can be fetched, and one canonical spelling per article URL."""

from __future__ import annotations

import base64
from urllib.parse import urljoin

import pytest

from monitor.text.urls import (
    as_browsers_read,
    canonical_url,
    feed_location,
    host_of,
    is_http_url,
    url_problem,
)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTPS://News.Example.ORG:443/a?utm_source=x&id=3#top", "https://news.example.org/a?id=3"),
        ("http://example.org", "http://example.org/"),
        ("http://example.org:8080/p?fbclid=1&gclid=2", "http://example.org:8080/p"),
        ("https://example.org/p?b=2&a=1", "https://example.org/p?b=2&a=1"),
        (
            "https://www.google.com/url?rct=j&sa=t&url=https://cubadebate.cu/n/1%3Futm_medium%3Dx&ct=ga",
            "https://cubadebate.cu/n/1",
        ),
        ("ftp://example.org/file", "ftp://example.org/file"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_old_google_news_links_are_unwrapped() -> None:
    target = b"https://www.14ymedio.com/cuba/dialogo.html"
    token = base64.urlsafe_b64encode(
        b"\x08\x13\x22" + bytes([len(target)]) + target + b"\xd2\x01\x00"
    )
    url = f"https://news.google.com/rss/articles/{token.decode().rstrip('=')}?oc=5"
    assert canonical_url(url) == target.decode()


def test_opaque_google_news_links_stay() -> None:
    url = "https://news.google.com/rss/articles/AU_yqLPq8m3mNn0cd4?oc=5"
    assert canonical_url(url) == "https://news.google.com/rss/articles/AU_yqLPq8m3mNn0cd4"


def test_http_url_checks() -> None:
    assert is_http_url("https://a.example/x")
    assert not is_http_url("javascript:alert(1)")
    assert not is_http_url("file:///etc/passwd")
    assert not is_http_url("/relative")
    assert host_of("https://A.Example:8443/x") == "a.example"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://0177.0.0.1/x", "'0177.0.0.1' is a non-standard spelling of the address 127.0.0.1"),
        ("http://2130706433/", "'2130706433' is a non-standard spelling of the address 127.0.0.1"),
        ("http://127.1/", "'127.1' is a non-standard spelling of the address 127.0.0.1"),
        ("http://0x7f.1/", "'0x7f.1' is a non-standard spelling of the address 127.0.0.1"),
        ("http://256.1.1.1/x", "'256.1.1.1' is not a valid IP address"),
        ("http://user:pass@host.example/x", "has a user name or password in it"),
        ("http://xn--a.example/x", "'xn--a.example' is not a valid host name"),
        (
            "http://" + "a" * 300 + ".example/x",
            "'" + "a" * 80 + "' is not a valid host name (a label",
        ),
        ("http://a..b/", "'a..b' is not a valid host name"),
        ("http://exa\x01mple.com/x", "has spaces or control characters in it"),
        ("http://ex ample.com/", "has spaces or control characters in it"),
        ("http://[::1/x", "is not a well-formed URL"),
        ("http://example.com:99999/x", "is not a well-formed URL"),
        ("javascript:alert(1)", "only http and https URLs are fetched"),
        ("data:text/html,<b>x</b>", "only http and https URLs are fetched"),
        ("file:///etc/passwd", "only http and https URLs are fetched"),
        ("http:///x", "has no host"),
        ("http://example.org/" + "a" * 5000, "longer than 4,000 characters"),
    ],
)
def test_unusable_urls_say_why(url: str, problem: str) -> None:
    found = url_problem(url) or ""
    assert found.startswith(problem), found


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cubadebate.cu/noticias/2026/02/01/x/",
        "http://127.0.0.1:8080/feed.xml",
        "http://[::1]:80/",
        "http://café.example/a",
        "http://xn--caf-dma.example/",
        "http://example.com./x",
        "https://my_blog.example.org/p",
        "HTTP://EXAMPLE.ORG/Mixed?Case=1",
    ],
)
def test_usable_urls(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("link", "read"),
    [
        ("https://x.example/foto 1.html", "https://x.example/foto%201.html"),
        ("\t /a b?q=c d \n", "/a%20b?q=c%20d"),
        ("https://x.example/a%20b", "https://x.example/a%20b"),
        ("https://x.example/más", "https://x.example/más"),
    ],
)
def test_links_as_browsers_read_them(link: str, read: str) -> None:
    assert as_browsers_read(link) == read
    assert url_problem(canonical_url(urljoin("https://x.example/", read))) is None
    if " " in link.strip():
        assert url_problem(link.strip()) == "has spaces or control characters in it"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("feed://www.granma.cu/feed", "http://www.granma.cu/feed"),
        ("FEED://www.granma.cu/feed", "http://www.granma.cu/feed"),
        ("feed:https://www.granma.cu/feed", "https://www.granma.cu/feed"),
        ("  https://www.granma.cu/feed ", "https://www.granma.cu/feed"),
        ("https://feed.example/feed:1", "https://feed.example/feed:1"),
    ],
)
def test_a_subscribe_links_feed_scheme_is_http(written: str, read: str) -> None:
    assert feed_location(written) == read
