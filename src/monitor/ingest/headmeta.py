"""A page's title, author and date from its head tags, for entries whose feed lacks them;
and the feeds a page names in its head, for ``feeds add`` given a site's address.

Pure. trafilatura's own metadata pass (htmldate's search of the whole page, author and
category heuristics) costs more than a third of the extraction of a real news page, and
the feed already gives the title and the date of nearly every entry. Publishers put the
rest where machines look: Open Graph and article tags, ``<meta name=author>``, JSON-LD.
Reading those takes a regular expression over the page's head.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

from monitor.text.charsets import WESTERN, meta_charset
from monitor.text.html import one_line

#: How much of the page is searched: heads are rarely longer, JSON-LD sits near the top.
HEAD_BYTES = 200_000

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_META = re.compile(rb"<meta\s[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_TITLE_END = re.compile(rb"</title\s*>", re.IGNORECASE)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_H1_END = re.compile(rb"</h1\s*>", re.IGNORECASE)
_TAG = re.compile(rb"<[^>]*>")
#: "Headline | Site", "Headline - Site": the site's name after the last separator.
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{1,60}$")
#: A first h1 of fewer words is a logo or a section name, not a headline.
H1_MIN_WORDS = 3
_LD_DATE = re.compile(rb'"datePublished"\s*:\s*"([^"]{10,40})"')
_LD_AUTHOR = re.compile(rb'"author"\s*:\s*(?:\[\s*)?\{[^{}]*?"name"\s*:\s*"([^"]{2,100})"')
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

_TITLE_KEYS = ("og:title", "twitter:title")
_AUTHOR_KEYS = (
    "author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author",
)  # fmt: skip
_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "date", "dc.date", "dc.date.issued", "dcterms.created", "parsely-pub-date", "sailthru.date",
    "article.published",
)  # fmt: skip


_LINK = re.compile(rb"<link\s[^>]*>", re.IGNORECASE)
#: The media types a page names its feeds by (``<link rel=alternate type=…>``), the
#: most common first.
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/feed+json",
    "application/rdf+xml",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class HeadMetadata:
    title: str | None = None
    author: str | None = None
    published: datetime | None = None


def head_metadata(page: bytes) -> HeadMetadata:
    """What the head tags (and JSON-LD) of ``page`` say; None for what they do not."""
    top = page[:HEAD_BYTES]
    end = _HEAD_END.search(top)
    head = top[: end.start()] if end else top
    codec = _codec(head)
    metas = _metas(_closed(head), codec)
    title = _first(metas, _TITLE_KEYS) or _h1(top, codec) or _title_tag(head, codec)
    author = _first(metas, _AUTHOR_KEYS)
    if author is None or author.startswith(("http://", "https://")):
        author = _text(found.group(1), codec) if (found := _LD_AUTHOR.search(top)) else None
    published = _date(_first(metas, _DATE_KEYS))
    if published is None and (found := _LD_DATE.search(top)):
        published = _date(_text(found.group(1), codec))
    return HeadMetadata(title=title, author=author, published=published)


def feed_links(page: bytes, base: str) -> tuple[str, ...]:
    """The feeds the page's head names (``<link rel="alternate" type="application/rss+xml"
    href=…>``), as absolute URLs, in the page's order, each once."""
    top = page[:HEAD_BYTES]
    end = _HEAD_END.search(top)
    head = top[: end.start()] if end else top
    codec = _codec(head)
    found: list[str] = []
    for tag in _LINK.finditer(_closed(head)):
        attributes = _attributes(tag.group(), codec)
        rels = attributes.get("rel", "").lower().split()
        kind = attributes.get("type", "").lower().split(";")[0].strip()
        href = attributes.get("href", "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if url not in found:
                found.append(url)
    return tuple(found)


def _closed(data: bytes, closer: re.Pattern[bytes] | None = None) -> bytes:
    """``data`` up to the end of its last ``closer`` (of its last ``>`` by default): what
    is opened after it can never close, and a pattern looking for the close from every
    such opening to the end is quadratic. 200 KB of ``<h1>`` took 38 s, of ``<meta `` 36 s,
    past the workers' deadline for the page."""
    if closer is None:
        return data[: data.rfind(b">") + 1]
    end = 0
    for found in closer.finditer(data):
        end = found.end()
    return data[:end]


def _attributes(tag: bytes, codec: str) -> dict[str, str]:
    """A tag's attributes, names lower-cased, the first of each."""
    found: dict[str, str] = {}
    for m in _ATTRIBUTE.finditer(tag):
        found.setdefault(
            _text(m.group(1), codec).lower(),
            _text(m.group(2) or m.group(3) or m.group(4) or b"", codec),
        )
    return found


def _metas(head: bytes, codec: str) -> dict[str, str]:
    """name or property (lower-cased) → content, the first of each."""
    found: dict[str, str] = {}
    for tag in _META.finditer(head):
        attributes = {
            m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or b""
            for m in _ATTRIBUTE.finditer(tag.group())
        }
        key = attributes.get(b"property") or attributes.get(b"name") or attributes.get(b"itemprop")
        content = attributes.get(b"content")
        if key and content:
            found.setdefault(_text(key, codec).lower(), _text(content, codec))
    return found


def _first(metas: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((metas[k] for k in keys if metas.get(k)), None)


def _h1(page: bytes, codec: str) -> str | None:
    found = _H1.search(_closed(page, _H1_END))
    text = _text(_TAG.sub(b" ", found.group(1)), codec) if found else ""
    return text if len(text.split()) >= H1_MIN_WORDS else None


def _title_tag(head: bytes, codec: str) -> str | None:
    found = _TITLE.search(_closed(head, _TITLE_END))
    title = _text(found.group(1), codec) if found else ""
    return _SITE_SUFFIX.sub("", title) or title or None


def _codec(head: bytes) -> str:
    """What the page's text is in when it is not valid UTF-8: the charset its head
    declares, else cp1252 (what browsers assume of Western pages that say nothing)."""
    return meta_charset(head) or WESTERN


def _text(raw: bytes, codec: str) -> str:
    # Valid UTF-8 with accents is UTF-8 whatever the head says (a CMS's wrong label);
    # anything else is in the page's charset.
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode(codec, "replace")
    # one_line also drops the controls a raw head may hold ("\x1b", U+FFFF): a title
    # is shown in mail and terminals and written into the Atom feeds.
    return one_line(html.unescape(text))


def _date(value: str | None) -> datetime | None:
    """An ISO 8601 date and time (UTC when no offset is given), else its day."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except ValueError:
        pass
    found = _DATE.search(value)
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None
