"""urls.py: one canonical spelling per article URL."""

from __future__ import annotations

import base64

import pytest

from monitor.text.urls import canonical_url, host_of, is_http_url


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
