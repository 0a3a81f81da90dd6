"""render.py: a multipart email that is safe with hostile input and readable as text."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes, policy
from html.parser import HTMLParser

from monitor.digest.build import Digest, build_digest
from monitor.digest.render import message, pieces, render
from monitor.matching.model import GroupRef, Watchlist
from monitor.types import Snippet, StoredHit
from tests.support.digests import NOW, stored

WATCHLISTS = [
    Watchlist(name="relations", title="US–Cuba relations", groups=(), rule=GroupRef(group="x"))
]
HOSTILE = '<script>alert(1)</script><img src="https://tracker.example/p.gif" onerror="steal()"> Cuba & the United States'


def digest_of(*hits: StoredHit) -> Digest:
    return build_digest(
        hits, watchlists=WATCHLISTS, activity=(), story_times=(), now=NOW,
        timezone="America/New_York", subject="US–Cuba digest {date} ({count} items)", max_items=50,
    )  # fmt: skip


def test_multipart_alternative_with_headers() -> None:
    digest = digest_of(stored("Cuba and the United States resume talks"))
    msg = message(
        digest,
        render(digest),
        sender="monitor@example.org",
        to=("a@example.org", "b@example.org"),
        now=NOW,
    )
    parsed = message_from_bytes(bytes(msg), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert parsed["Subject"] == "US–Cuba digest 2026-02-10 (1 items)"
    assert parsed["To"] == "a@example.org, b@example.org"
    assert parsed["From"] == "monitor@example.org"
    assert parsed["Message-ID"].endswith("@example.org>")
    # Pure: the same digest built at the same time is the same message; other hits or
    # another time make another.
    again = message(digest, render(digest), sender="monitor@example.org", to=("a@x",), now=NOW)
    assert again["Message-ID"] == parsed["Message-ID"]
    later = message(digest, render(digest), sender="monitor@example.org", to=("a@x",),
                    now=NOW + timedelta(seconds=1))  # fmt: skip
    other = replace(digest, hit_ids=(*digest.hit_ids, 999))
    fewer = message(other, render(other), sender="monitor@example.org", to=("a@x",), now=NOW)
    assert len({parsed["Message-ID"], later["Message-ID"], fewer["Message-ID"]}) == 3
    assert parsed["Date"] == "Tue, 10 Feb 2026 12:00:00 +0000"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs


def test_hostile_titles_and_snippets_are_escaped() -> None:
    hit = stored(HOSTILE, snippet=HOSTILE, url="javascript:alert(3)")
    html = render(digest_of(hit)).html
    elements = _Elements()
    elements.feed(html)
    assert "script" not in elements.tags
    assert "img" not in elements.tags
    assert not [name for name, _ in elements.attributes if name.startswith("on")]
    links = [v for name, v in elements.attributes if name in ("href", "src")]
    assert all(v and v.startswith("http") for v in links)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, harmless
    assert "mark" in elements.tags  # the matched words are still marked


def test_the_html_has_inlined_css_and_nothing_remote() -> None:
    html = render(digest_of(stored("Cuba and the United States"))).html
    assert 'style="' in html
    assert "<style" not in html
    assert "<script" not in html
    assert "src=" not in html


def test_the_text_part_reads_on_its_own() -> None:
    hit = stored(
        "Cuba and the United States resume talks",
        snippet="Cuba and the United States resume talks in Havana.",
    )
    text = render(digest_of(hit)).text
    assert "US–Cuba digest 2026-02-10 (1 items)" in text
    assert "US–CUBA RELATIONS (1)" in text
    assert "* Cuba and the United States resume talks" in text
    assert hit.url in text
    assert "*Cuba* and the *United States* resume talks in Havana." in text
    assert "Why: Cuba, United States" in text
    assert "<" not in text.replace("<https", "")


def test_an_empty_digest_says_so() -> None:
    digest = digest_of()
    assert "No new US–Cuba items" in render(digest).text
    assert "No new US–Cuba items" in render(digest).html


def test_snippet_pieces() -> None:
    assert pieces(Snippet(text="Cuba and US", marks=((0, 4), (9, 11)))) == [
        ("Cuba", True), (" and ", False), ("US", True),
    ]  # fmt: skip
