"""Fuzzing the pure stages with hypothesis: hostile bytes and text never raise anything but
the errors each stage documents. Examples it found once are kept as @example."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from monitor.config import load_config
from monitor.errors import ParseError
from monitor.ingest.extract import extract_html
from monitor.ingest.parse import parse_feed
from monitor.matching.matcher import Matcher
from monitor.text.fold import FoldedText, fold_term
from monitor.text.html import html_to_text, one_line
from monitor.text.urls import canonical_url, url_problem
from tests.support.config import REPO

NOW = datetime(2026, 2, 1, tzinfo=UTC)
# Derandomized: the same examples on every run, so CI never fails on a new draw; run
# with more examples (and derandomize off) to hunt, and keep what is found as @example.
FAST = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    b"<item><title>Cuba &amp; EE.UU.</title><link>https://a.example/1</link>"
    b"<guid>g1</guid><pubDate>Sun, 01 Feb 2026 10:00:00 GMT</pubDate>"
    b"<description>&lt;p&gt;Texto&lt;/p&gt;</description></item></channel></rss>"
)
MATCHER = Matcher(load_config(REPO / "config").watchlists)


def parse(body: bytes) -> None:
    try:
        parsed = parse_feed(body, url="https://a.example/feed", scope="feed1", now=NOW)
    except ParseError:
        return
    for entry in parsed.entries:
        assert "\n" not in entry.title
        assert entry.url == "" or url_problem(entry.url) is None


@FAST
@given(st.binary(max_size=2000))
@example(b"<rss><channel><item><link>http://[::1</link></item></channel></rss>")
@example(b"\xff\xfe<\x00r\x00s\x00s\x00")
def test_parse_random_bytes(body: bytes) -> None:
    parse(body)


@FAST
@given(st.data())
def test_parse_mutated_feeds(data: st.DataObject) -> None:
    body = bytearray(FEED)
    for _ in range(data.draw(st.integers(1, 12))):
        at = data.draw(st.integers(0, len(body) - 1))
        how = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        if how == "flip":
            body[at] = data.draw(st.integers(0, 255))
        elif how == "drop":
            del body[at]
        else:
            body[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    parse(bytes(body))


@FAST
@given(st.text(max_size=300))
@example("http://0177.0.0.1/x")
@example("http://user:pass@host.example/x")
@example("http://xn--a.example/")
@example(" #")  # "https://example.org/ #" kept a trailing space: not idempotent
def test_urls(text: str) -> None:
    for value in (text, f"http://{text}", f"https://example.org/{text}"):
        canonical = canonical_url(value)
        assert canonical_url(canonical) == canonical
        problem = url_problem(value)
        assert problem is None or "\n" not in problem


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.text(max_size=3000))
def test_extraction_of_random_html(text: str) -> None:
    for html in (text, f"<html><body><article><p>{text}</p></article></body></html>"):
        page = extract_html(html.encode("utf-8", "surrogatepass"), "https://a.example/x")
        assert page is None or page.text.strip()


@FAST
@given(st.text(max_size=2000))
def test_html_fragments_to_text(fragment: str) -> None:
    text = html_to_text(fragment)
    assert "<script" not in text.lower() or "<script" in fragment.lower()
    assert "\n" not in one_line(text)


@FAST
@given(st.text(max_size=500), st.text(max_size=3000))
@example("İstanbul ǅ ß ﬃ", "EE. UU. y Cuba, New York; Cuba libre")
def test_folding_and_matching_random_unicode(title: str, text: str) -> None:
    folded = FoldedText(text)
    assert len(folded.lower) == len(folded.cased) == len(text) + 2
    fold_term(title)
    for hit in MATCHER.match(title, text):
        assert hit.score > 0
        for start, end in hit.snippet.marks:
            assert 0 <= start < end <= len(hit.snippet.text)
    for evaluation in MATCHER.evaluate(title, text, explain=True):
        assert evaluation.trace
