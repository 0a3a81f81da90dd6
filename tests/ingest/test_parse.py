"""parse.py: feeds in every dialect and encoding → clean entries (golden files)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.ingest.parse import parse_feed
from monitor.types import Entry, ParsedFeed
from tests.support.config import DATA

NOW = datetime(2026, 2, 10, tzinfo=UTC)
FEEDS = sorted(p for p in (DATA / "feeds").iterdir() if not p.name.endswith(".json"))


def _parse(
    body: bytes, name: str = "feed.xml", content_type: str | None = "application/xml"
) -> ParsedFeed:
    return parse_feed(
        body,
        url=f"https://feeds.example.org/{name}",
        scope="feed1",
        now=NOW,
        content_type=content_type,
    )


@pytest.mark.parametrize("path", FEEDS, ids=lambda p: p.name)
def test_feed_matches_golden(path: Path) -> None:
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text())
    try:
        parsed = _parse(path.read_bytes(), path.name)
    except ParseError:
        assert expected == {"error": "ParseError"}
        return
    got = {
        "title": parsed.title,
        "language": parsed.language,
        "entries": [
            {
                "key": e.key,
                "url": e.url,
                "title": e.title,
                "summary": e.summary,
                "published": e.published.isoformat() if e.published else None,
                "author": e.author,
                "source": e.source,
            }
            for e in parsed.entries
        ],
    }
    assert got == expected


def test_relative_links_resolve_against_the_final_url() -> None:
    entries = _parse((DATA / "feeds/rss2.xml").read_bytes(), "sub/rss2.xml").entries
    assert entries[1].url == "https://feeds.example.org/2026/02/dialogue.html"


def test_html_scripts_and_line_breaks_never_reach_titles() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title><item>
    <title>&lt;img src=x onerror=alert(1)&gt;Cuba\r\nnews&lt;script&gt;evil()&lt;/script&gt;</title>
    <link>https://x.example/1</link></item></channel></rss>"""
    entry = _parse(body).entries[0]
    assert entry.title == "Cuba news"
    assert "\n" not in entry.title
    assert "\r" not in entry.title


def test_controls_and_noncharacters_never_reach_titles_or_summaries() -> None:
    # A feed is not well-formed XML with them, and is read leniently; what it holds
    # goes into mail, terminals and the Atom feeds, which XML cannot carry.
    body = """<rss version="2.0"><channel><title>t</title><item>
    <title>Cuba&#27; y\x1b EE.UU.\uffff</title><link>https://x.example/1</link>
    <description>Texto&#8; sobre\ufffe Cuba</description></item></channel></rss>"""
    entry = _parse(body.encode()).entries[0]
    assert (entry.title, entry.summary) == ("Cuba y EE.UU.", "Texto sobre Cuba")


def test_links_with_spaces_are_read_as_browsers_read_them() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title>
    <item><title>Foto del dia</title><link> /noticias/foto 1.html </link></item>
    <item><title>Con guid</title><link>https://x.example/a b</link><guid>g-1</guid></item>
    </channel></rss>"""
    spaced, guided = _parse(body).entries
    assert spaced.url == "https://feeds.example.org/noticias/foto%201.html"
    assert spaced.key == "url:" + spaced.url
    # Such an entry had no link before, and its key was made of its title and date:
    # under that key it is known, not new.
    unlinked = _parse(body.replace(b"<link> /noticias/foto 1.html </link>", b"")).entries[0]
    assert unlinked.key.startswith("hash:")
    assert spaced.legacy_keys == (unlinked.key,)
    assert (guided.url, guided.key, guided.legacy_keys) == (
        "https://x.example/a%20b",
        "guid:feed1:g-1",
        (),
    )


def test_a_publication_date_in_spanish_is_read() -> None:
    body = """<rss version="2.0"><channel><title>t</title>
    <item><title>Sin enlace</title><description>Texto</description>
    <pubDate>Mié, 04 Feb 2026 10:00:00 -0500</pubDate></item></channel></rss>"""
    entry = _parse(body.encode()).entries[0]
    assert entry.published == datetime(2026, 2, 4, 15, 0, tzinfo=UTC)
    # With no guid and no link, its key holds its date; before, the date was not read,
    # and under that key it is known, not new.
    undated = _parse(body.replace("Mié, 04 Feb 2026 10:00:00 -0500", "unreadable").encode())
    assert undated.entries[0].published is None
    assert entry.legacy_keys == (undated.entries[0].key,) != (entry.key,)


def test_entries_that_give_one_link_under_several_titles_share_it() -> None:
    items = [
        ("b1", "Brief one", "/index.html"), ("b2", "Brief two", "/index.html"),
        ("a1", "One article", "/a.html"), ("a2", "One article", "/a.html"),  # listed twice
        ("c", "Its own page", "/c.html"),
    ]  # fmt: skip
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>{u}</link></item>" for g, t, u in items
    )
    entries = _parse(
        f'<rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()
    ).entries
    assert [(e.title, e.shares_link) for e in entries] == [
        ("Brief one", True), ("Brief two", True),
        ("One article", False), ("One article", False),
        ("Its own page", False),
    ]  # fmt: skip


def test_latin1_and_mislabelled_latin1_read_the_same() -> None:
    honest = _parse((DATA / "feeds/latin1.xml").read_bytes()).entries[0]
    mislabelled = _parse(
        (DATA / "feeds/mislabelled.xml").read_bytes(), content_type="text/xml; charset=utf-8"
    ).entries[0]
    assert honest.title == mislabelled.title == "Díaz-Canel y la crisis energética en Cuba"


def test_one_bad_byte_does_not_garble_a_utf8_feed() -> None:
    entry = _parse((DATA / "feeds/broken_utf8.xml").read_bytes()).entries[0]
    assert entry.title == "Fernández de Cossío habla de diálogo"


def test_entries_without_guid_or_date_get_stable_keys() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title>
    <item><title>Same headline</title></item></channel></rss>"""
    first, second = _parse(body).entries[0], _parse(body).entries[0]
    assert first.key == second.key
    assert first.key.startswith("hash:feed1:")
    other_site = parse_feed(body, url="https://b.example/", scope="b.example", now=NOW)
    assert other_site.entries[0].key != first.key


def test_guid_keys_are_scoped_but_url_guids_are_global() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title>
    <item><guid isPermaLink="false">123</guid><title>a</title></item>
    <item><guid>https://site.example/story?utm_campaign=x</guid><title>b</title></item>
    </channel></rss>"""
    keys = [e.key for e in _parse(body).entries]
    assert keys == ["guid:feed1:123", "url:https://site.example/story"]


def test_dates_are_utc_and_implausible_dates_are_dropped() -> None:
    entries = _parse((DATA / "feeds/rss2.xml").read_bytes()).entries
    assert entries[0].published == datetime(2026, 2, 3, 19, 0, tzinfo=UTC)
    assert entries[3].published is None  # year 2100
    rdf = _parse((DATA / "feeds/rdf.xml").read_bytes()).entries
    assert rdf[1].published is None  # 1970


def test_duplicate_entries_in_one_feed_are_kept_once() -> None:
    item = b"<item><guid>https://x.example/1</guid><title>a</title></item>"
    body = b'<rss version="2.0"><channel><title>t</title>' + item * 3 + b"</channel></rss>"
    assert len(_parse(body).entries) == 1


def test_a_valid_empty_feed_is_not_an_error() -> None:
    parsed = _parse(b'<rss version="2.0"><channel><title>quiet</title></channel></rss>')
    assert parsed.entries == ()
    assert parsed.title == "quiet"


@pytest.mark.parametrize(
    "body",
    [b"", b"garbage \x00\x01 not xml", b"<html><body>Not a feed</body></html>", b"<rss><channel>"],
    ids=["empty", "binary", "html", "truncated"],
)
def test_bodies_without_entries_are_parse_errors(body: bytes) -> None:
    with pytest.raises(ParseError, match="not a readable feed"):
        _parse(body)


def test_google_news_source_is_kept() -> None:
    body = b"""<rss version="2.0"><channel><title>Google News</title><item>
    <title>Cuba y EEUU - Reuters</title><link>https://news.google.com/rss/articles/CBMiXYZ?oc=5</link>
    <source url="https://www.reuters.com">Reuters</source></item></channel></rss>"""
    assert _parse(body).entries[0].source == "Reuters"


def _item(link: str) -> bytes:
    return (
        f"<item><title>Cuba story</title><link>{link}</link>"
        "<description>Cuba and the United States talk.</description></item>"
    ).encode()


@pytest.mark.parametrize(
    "link",
    [
        "http://0177.0.0.1/x",
        "http://256.1.1.1/x",
        "http://user:pass@host.example/x",
        "http://xn--a.example/x",
        "http://" + "a" * 300 + ".example/x",
        "http://exa&#1;mple.com/x",
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "http://[::1/x",
    ],
)
def test_an_unusable_link_is_no_link_and_the_entry_stays(link: str) -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        + _item(link)
        + _item("/ok")
        + b"</channel></rss>"
    )
    bad, good = _parse(body).entries
    assert (bad.url, bad.title, bad.summary) == (
        "",
        "Cuba story",
        "Cuba and the United States talk.",
    )
    assert good.url == "https://feeds.example.org/ok"


def test_a_bare_guid_is_neither_a_link_nor_shared_between_feeds() -> None:
    body = b"""<rss version="2.0"><channel><title>t</title>
    <item><guid>12345</guid><title>a</title><description>Cuba</description></item>
    </channel></rss>"""

    def parsed(scope: str) -> Entry:
        return parse_feed(
            body, url="https://site.example/rss/one.xml", scope=scope, now=NOW
        ).entries[0]

    one, two = parsed("feed1"), parsed("feed2")
    assert (one.key, two.key) == ("guid:feed1:12345", "guid:feed2:12345")
    assert one.url == ""  # not https://site.example/rss/12345
    # Where versions before this one stored it, so it is not stored twice.
    assert one.legacy_keys == ("url:https://site.example/rss/12345",)


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("utf-16", "text/xml; charset=utf-8"),  # with a byte-order mark, mislabelled
        ("utf-16-le", "application/rss+xml; charset=utf-8"),  # no mark, mislabelled
        ("utf-16-be", None),  # no mark, no label
        ("utf-16", "text/xml; charset=utf-16"),  # honest
    ],
)
def test_utf16_feeds_are_read_whatever_their_label(encoding: str, content_type: str | None) -> None:
    text = (
        '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Títulos</title>'
        "<item><title>Díaz-Canel habla</title><link>https://a.example/1</link></item>"
        "</channel></rss>"
    )
    parsed = _parse(text.encode(encoding), content_type=content_type)
    assert (parsed.title, parsed.entries[0].title) == ("Títulos", "Díaz-Canel habla")


def test_the_revision_follows_what_the_feed_says_not_its_markup() -> None:
    def revision(title: str, summary: str, updated: str = "") -> str:
        item = f"<item><guid>g1</guid><title>{title}</title><description>{summary}</description>"
        if updated:
            item += f"<atom:updated>{updated}</atom:updated>"
        body = (
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t'
            f"</title>{item}</item></channel></rss>"
        ).encode()
        return _parse(body).entries[0].revision

    first = revision("Ferry schedule", "Boats at nine.")
    assert first == revision("Ferry schedule", "&lt;p class='x'&gt;Boats at nine.&lt;/p&gt;")
    assert first != revision("Treasury bars ferries", "Boats at nine.")
    assert first != revision("Ferry schedule", "Boats at ten.")
    assert first != revision("Ferry schedule", "Boats at nine.", "2026-02-01T10:00:00Z")


@pytest.mark.parametrize("label", ["windows-1252", "ISO-8859-15", "us-ascii"])
def test_utf8_labelled_as_a_single_byte_charset_reads_as_utf8(label: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{label}"?><rss version="2.0"><channel><title>Títulos'
        "</title><item><title>Díaz-Canel habla del petróleo — y de EE.UU.</title>"
        "<link>https://a.example/1</link></item></channel></rss>"
    )
    for content_type in (None, "application/rss+xml", f"text/xml; charset={label}"):
        parsed = _parse(text.encode("utf-8"), content_type=content_type)
        assert (parsed.title, parsed.entries[0].title) == (
            "Títulos",
            "Díaz-Canel habla del petróleo — y de EE.UU.",
        )
    # What the label says stays true of a feed that is in it.
    honest = text.replace(" — ", " - ").encode("cp1252" if label != "us-ascii" else "ascii",
                                               errors="xmlcharrefreplace")  # fmt: skip
    assert _parse(honest, content_type=None).entries[0].title == (
        "Díaz-Canel habla del petróleo - y de EE.UU."
    )


def test_a_live_blogs_updates_are_one_entry_each() -> None:
    # Updates that link to parts of one page, with no guid or with the part's permalink
    # as guid: a canonical link drops the anchor, which alone tells them apart.
    def blog(guid: bool) -> bytes:
        items = "".join(
            f"<item><title>Update {n}: Cuba</title><link>https://live.example/cuba#update-{n}"
            "</link>" + (f"<guid>https://live.example/cuba#update-{n}</guid>" if guid else "")
            + "</item>"
            for n in (3, 2, 1)
        )  # fmt: skip
        return f'<rss version="2.0"><channel><title>Live</title>{items}</channel></rss>'.encode()

    for body in (blog(guid=False), blog(guid=True)):
        entries = _parse(body).entries
        assert [e.title for e in entries] == ["Update 3: Cuba", "Update 2: Cuba", "Update 1: Cuba"]
        assert [e.key for e in entries] == [
            f"url:https://live.example/cuba#update-{n}" for n in (3, 2, 1)
        ]
        assert {e.url for e in entries} == {"https://live.example/cuba"}
        assert {e.former_key for e in entries} == {"url:https://live.example/cuba"}


@pytest.mark.parametrize("anchor", ["", "#comments", "#respond", "#more-1842", "#xtor=RSS-3"])
def test_an_anchor_every_page_has_or_a_tracker_is_not_part_of_the_key(anchor: str) -> None:
    body = (
        '<rss version="2.0"><channel><title>t</title><item><title>Cuba</title>'
        f"<link>https://a.example/story{anchor}</link></item></channel></rss>"
    ).encode()
    (one,) = _parse(body).entries
    assert (one.key, one.former_key) == ("url:https://a.example/story", None)


def test_entries_that_share_only_a_link_are_told_apart_by_their_titles() -> None:
    # A feed that links every item to its home page, with no guid.
    items = "".join(
        f"<item><title>{title}</title><link>https://site.example/</link></item>"
        for title in (
            "Rubio meets Cuban dissidents",
            "Cuba frees prisoners",
            "Cuba frees prisoners",
        )
    )
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    entries = _parse(body).entries
    assert [e.title for e in entries] == ["Rubio meets Cuban dissidents", "Cuba frees prisoners"]
    assert len({e.key for e in entries}) == 2
    assert {e.former_key for e in entries} == {"url:https://site.example/"}
    assert [e.key for e in _parse(body).entries] == [e.key for e in entries]  # stable


def test_a_summary_with_markup_the_tokenizer_refused_keeps_its_feed() -> None:
    # "<![ b" raised AssertionError in the standard library's tokenizer, and the whole
    # feed failed at every poll; the other entries were never read.
    body = b"""<rss version="2.0"><channel><title>T</title>
    <item><title>Cuba y EE.UU.</title><link>https://a.example/1</link>
    <description>&lt;p&gt;Las conversaciones &lt;![ b ]]&gt; siguen.&lt;/p&gt;</description></item>
    <item><title>Otra</title><link>https://a.example/2</link>
    <description>&lt;![CDATA[&lt;p&gt;Dentro&lt;/p&gt;]]&gt;</description></item>
    </channel></rss>"""
    parsed = _parse(body)
    assert [(e.title, e.summary) for e in parsed.entries] == [
        ("Cuba y EE.UU.", "Las conversaciones siguen."),
        ("Otra", "Dentro"),
    ]
