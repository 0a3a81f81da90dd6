"""headmeta.py: title, author and date from a page's head tags, cheaply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.ingest.headmeta import HEAD_BYTES, feed_links, head_metadata


def page(head: str, body: str = "<p>Text.</p>") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_open_graph_and_article_tags() -> None:
    found = head_metadata(page(
        '<meta property="og:title" content="Cuba y EE.UU. &quot;dialogan&quot;">'
        '<meta name="author" content="María Pérez">'
        "<meta property='article:published_time' content='2026-02-05T14:30:00-05:00'>"
    ))  # fmt: skip
    assert found.title == 'Cuba y EE.UU. "dialogan"'
    assert found.author == "María Pérez"
    assert found.published == datetime(2026, 2, 5, 19, 30, tzinfo=UTC)


def test_json_ld_when_the_tags_are_missing() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
        '"2026-03-01", "author": [{"@type": "Person", "name": "Ana Díaz"}]}</script>'
    )
    found = head_metadata(page("<title>x</title>" + ld))
    assert found.published == datetime(2026, 3, 1, tzinfo=UTC)
    assert found.author == "Ana Díaz"


def test_an_author_that_is_a_link_is_not_a_name() -> None:
    found = head_metadata(page('<meta property="article:author" content="https://fb.com/x">'))
    assert found.author is None


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        ("<title>Cuba responde a Washington | Diario</title>", "", "Cuba responde a Washington"),
        ("<title>Cuba responde - El Sitio</title>", "<h1>Logo</h1>", "Cuba responde"),
        ("<title>Site</title>", "<h1>Cuba <em>responde</em> a Washington</h1>",
         "Cuba responde a Washington"),
        ("<title>Cuba - EE.UU.</title>", "", "Cuba"),
        # Controls and U+FFFF, raw or as references, are no part of a title.
        ('<meta property="og:title" content="Cuba\x1b y\uffff EE.UU.&#8;">', "",
         "Cuba y EE.UU."),
        ("<title>Cuba\x00 responde\x08</title>", "", "Cuba responde"),
    ],
)  # fmt: skip
def test_the_title_the_head_gives(head: str, body: str, title: str) -> None:
    assert head_metadata(page(head, body)).title == title


@pytest.mark.parametrize(
    "html",
    [b"", b"not html at all", b"\xff\xfe\x00garbage", page('<meta name="date" content="soon">')],
)
def test_nothing_usable_is_none(html: bytes) -> None:
    found = head_metadata(html)
    assert found.author is None
    assert found.published is None


def test_only_the_top_of_a_huge_page_is_read() -> None:
    late = b" " * HEAD_BYTES + b'<meta name="author" content="Late">'
    assert head_metadata(b"<html><head>" + late).author is None


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [
        ('<meta charset="windows-1252">', "cp1252"),  # honest
        ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', "latin-1"),
        ("", "cp1252"),  # says nothing: what browsers assume
        ('<meta charset="windows-1252">', "utf-8"),  # a CMS's wrong label
    ],
)
def test_head_tags_are_read_in_the_pages_charset(declared: str, encoding: str) -> None:
    page = (
        f"<html><head>{declared}<title>Díaz-Canel habla | Diario</title>"
        '<meta name="author" content="Redacción Económica"></head><body></body></html>'
    ).encode(encoding)
    found = head_metadata(page)
    assert (found.title, found.author) == ("Díaz-Canel habla", "Redacción Económica")


def test_the_feeds_a_page_names_in_its_head() -> None:
    head = (
        '<link rel="stylesheet" href="/style.css">'
        '<link rel="alternate" type="application/rss+xml" title="Noticias" href="/feed/">'
        "<link rel='alternate' type='application/atom+xml' href='atom.xml?a=1&amp;b=2'>"
        '<LINK REL="Alternate" TYPE="application/feed+json" HREF="https://cdn.example.net/f.json">'
        '<link rel="alternate" hreflang="en" href="/en/">'  # a translation, not a feed
        '<link rel="alternate" type="application/rss+xml" href="/feed/">'  # again
    )
    body = '<link rel="alternate" type="application/rss+xml" href="/in-the-body/">'
    assert feed_links(page(head, body), "https://ex.org/noticias/") == (
        "https://ex.org/feed/",
        "https://ex.org/noticias/atom.xml?a=1&b=2",
        "https://cdn.example.net/f.json",
    )
    assert feed_links(page("<title>No feeds</title>"), "https://ex.org/") == ()


#: Runs of what opens and never closes, in a head of 180 KB: each took the patterns that
#: looked for the close from every opening to the end 20 to 77 s of CPU.
NEVER_CLOSED = ["<meta ", "<meta charset", '<meta a="x" ', "<meta a=", "<link ", "<h1>",
                "<title>", "<title>x "]  # fmt: skip


@pytest.mark.parametrize(
    ("unit", "suffix"),
    [(u, s) for u in NEVER_CLOSED for s in ("", ">", "</title>", "</h1>")
     if not (u.startswith("<title") and s == "</title>")],  # that one closes: a title
)  # fmt: skip
def test_a_head_of_tags_that_never_close_says_nothing(unit: str, suffix: str) -> None:
    junk = unit * (180_000 // len(unit)) + suffix
    assert head_metadata(page(junk)) == head_metadata(page(""))
    assert feed_links(page(junk), "https://x.example/") == ()


def test_tags_after_a_run_that_never_closes_are_still_read() -> None:
    junk = "<title>" * 1000 + "<meta " * 1000
    found = head_metadata(page(junk + '<meta name="author" content="Ana Díaz">'))
    assert found.author == "Ana Díaz"
    links = feed_links(
        page('<link <link <link rel="alternate" type="application/rss+xml" href="/rss">'),
        "https://x.example/",
    )
    assert links == ("https://x.example/rss",)
