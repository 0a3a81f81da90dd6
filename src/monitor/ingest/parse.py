"""Feed bytes → ParsedFeed: plain-text fields, stable keys, canonical URLs, UTC dates.

RSS, Atom and RDF go to feedparser, JSON Feed to ``jsonfeed``; both give entries of one
shape, made into ``Entry`` here. The only module importing feedparser, and only when a
feed is parsed: a poll parses its feeds in the extraction workers (``read_feed``), where
a feed that takes feedparser minutes (an element of 100,000 attributes is quadratic in
``xml.sax``) meets the workers' deadline instead of stopping the event loop. feedparser gets
bytes and lower-case headers, never a str (a str may be opened as a path or URL) and never
a URL. Its ``bozo`` flag is only a warning: a feed fails only when no entries can be read
from it.

feedparser is not told where the feed came from: it would resolve a bare guid ("12345")
against the feed's URL and call the result a link. Relative links are resolved here, and
every link is checked (``text.urls.url_problem``): an unusable one is stored as no link,
and the entry keeps its summary.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urljoin

from monitor.errors import ParseError
from monitor.ingest import jsonfeed
from monitor.text.charsets import WESTERN, mostly_utf8
from monitor.text.dates import spanish_date
from monitor.text.fold import normalize
from monitor.text.html import html_to_text, one_line
from monitor.text.languages import language_code
from monitor.text.urls import as_browsers_read, canonical_url, is_http_url, url_problem
from monitor.types import Entry, ParsedFeed

#: Dates before this are parse errors (feedparser turns odd formats into odd years).
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
#: How far ahead of the clock a date may be before we call it wrong (time-zone slop).
FUTURE_SLACK = timedelta(days=2)
MAX_TITLE = 1_000
MAX_SUMMARY = 100_000

_XML_DECL = re.compile(rb"^(\s*<\?xml[^>]*?encoding=[\"'])([A-Za-z0-9._-]+)([\"'])")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)
#: An anchor that can name a part of a page: letters, digits and a few marks, no "=".
_PART = re.compile(r"[A-Za-z0-9][\w.:-]{0,99}")
#: Anchors of places every page has, and of trackers: not a part of the page's own.
_EVERY_PAGE = ("comment", "respond", "more", "main", "content", "top", "disqus", "ixzz")
#: The Western single-byte charsets a CMS may claim for what is in fact UTF-8.
_SINGLE_BYTE = re.compile(r"(?:iso[-_]?8859|latin|l[1-9]$|windows[-_]?125|cp125|(?:us[-_]?)?ascii)")


@cache
def _feedparser() -> Any:
    """feedparser, imported on first use: the monitor's own process parses no feed in a
    poll, and never pays for the import."""
    import feedparser

    return feedparser


def load() -> None:
    """Import feedparser now (the workers' forkserver, before it forks them)."""
    _feedparser()


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why a body is not a feed, sent back from a worker (the error, as a value)."""

    message: str


def read_feed(
    body: bytes,
    url: str,
    scope: str,
    now: datetime,
    content_type: str | None,
    content_language: str | None,
) -> ParsedFeed | Unreadable:
    """``parse_feed`` as a worker runs it: a body that is no feed is an answer, not a
    failure of the worker."""
    try:
        return parse_feed(
            body, url=url, scope=scope, now=now, content_type=content_type,
            content_language=content_language,
        )  # fmt: skip
    except ParseError as e:
        return Unreadable(str(e))


def parse_feed(
    body: bytes,
    *,
    url: str,
    scope: str,
    now: datetime,
    content_type: str | None = None,
    content_language: str | None = None,
) -> ParsedFeed:
    """Parse one feed document.

    Args:
        body: the raw (decoded from gzip, not from charset) response body.
        url: the final URL the body came from; relative links resolve against it.
        scope: namespace for guids that are not URLs and for hashed keys (the feed's id),
            so "123" from two feeds stays two entries.
        now: the clock, to reject dates in the future.

    Raises:
        ParseError: the body holds no readable entries (HTML page, truncated XML, empty).
    """
    if jsonfeed.looks_like_json(body):
        return _json_feed(body, url, scope, now)
    body, content_type = _repair_encoding(body, content_type)
    headers = {}
    if content_type:
        headers["content-type"] = content_type
    if content_language:
        headers["content-language"] = content_language
    # Sanitising and URI resolution are most of feedparser's time; we strip HTML ourselves.
    try:
        doc = _feedparser().parse(
            body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as e:  # feedparser can fail in odd ways on hostile input
        raise ParseError(url, f"feed parser failed: {type(e).__name__}: {one_line(str(e))}") from e
    warning = _bozo(doc)
    if not doc.entries:
        if doc.bozo or not doc.get("version"):
            raise ParseError(url, f"not a readable feed ({warning or 'no RSS, Atom or RDF found'})")
        return ParsedFeed(title=_feed_title(doc), language=_language(doc), entries=())
    entries = [e for e in (_entry(raw, url, scope, now) for raw in doc.entries) if e is not None]
    return ParsedFeed(
        title=_feed_title(doc),
        language=_language(doc),
        entries=_shared(_unique(entries)),
        warning=warning,
    )


def _json_feed(body: bytes, url: str, scope: str, now: datetime) -> ParsedFeed:
    try:
        feed, items = jsonfeed.read(body)
    except jsonfeed.NotJsonFeed as e:
        raise ParseError(url, f"not a readable feed ({e})"[:300]) from e
    entries = [e for e in (_entry(raw, url, scope, now) for raw in items) if e is not None]
    language = feed["language"].strip().split("-")[0].split("_")[0].lower()[:3] or None
    title = one_line(feed["title"])[:MAX_TITLE]
    return ParsedFeed(title=title, language=language, entries=_shared(_unique(entries)))


def _bozo(doc: Any) -> str | None:
    if not doc.bozo:
        return None
    exc = doc.get("bozo_exception")
    name = type(exc).__name__ if exc is not None else "bozo"
    return one_line(f"{name}: {exc}")[:300]


def _feed_title(doc: Any) -> str:
    return one_line(html_to_text(doc.feed.get("title", "")))[:MAX_TITLE]


def _language(doc: Any) -> str | None:
    value = doc.feed.get("language")
    return language_code(value) if isinstance(value, str) else None


def _entry(raw: Any, base: str, scope: str, now: datetime) -> Entry | None:
    guid = one_line(raw.get("id")) if isinstance(raw.get("id"), str) else ""
    url = _link(raw, guid, base)
    title = one_line(html_to_text(raw.get("title", "")))[:MAX_TITLE]
    summary = html_to_text(_longest_content(raw))[:MAX_SUMMARY]
    if not (url or title or summary):
        return None
    updated = _date(raw, "updated_parsed", now)
    read = _date(raw, "published_parsed", now) or updated
    published = read or _written_in_spanish(raw, now)
    author = one_line(raw.get("author", ""))[:200] or None
    source = raw.get("source") or {}
    key = _key(guid, url, title, published, scope)
    # The link the key was made of, with its anchor still on.
    keyed = guid if is_http_url(guid) else "" if guid else str(raw.get("link") or "")
    anchor = _anchor(keyed) if key.startswith("url:") else ""
    return Entry(
        key=f"{key}#{anchor}" if anchor else key,
        former_key=key if anchor else None,
        url=url,
        title=title,
        summary=summary,
        published=published,
        author=author,
        source=one_line(source.get("title", ""))[:200] or None,
        legacy_keys=_legacy_keys(raw, guid, base)
        + _former_keys(raw, guid, url, key, title, read, scope),
        revision=_revision(title, summary, updated),
    )


def _former_keys(
    raw: Any, guid: str, url: str, key: str, title: str, read: datetime | None, scope: str
) -> tuple[str, ...]:
    """The key an entry without a guid had before links with spaces and dates in
    Spanish were read (``read``: its date as read then): with no link it was keyed by its
    title and that date. Under that key it is known, not new."""
    link = raw.get("link")
    spaced = bool(url) and isinstance(link, str) and " " in link.strip()
    if guid or not (spaced or key.startswith("hash:")):
        return ()
    former = _key("", "" if spaced else url, title, read, scope)
    return () if former == key else (former,)


def _anchor(link: str) -> str:
    """The anchor of a link that names a part of its page ("#update-3", "#post-1842"): the
    entries of a live blog differ by it alone, and a canonical link drops it. Not one that
    names a place every page has ("#comments"), nor tracking ("#xtor=RSS-3")."""
    anchor = link.partition("#")[2].strip()
    if not _PART.fullmatch(anchor) or anchor.lower().startswith(_EVERY_PAGE):
        return ""
    return anchor


def _revision(title: str, summary: str, updated: datetime | None) -> str:
    """What a correction changes: the title, the text (so not its markup), the date."""
    stamp = updated.isoformat() if updated else ""
    return hashlib.sha1(f"{title}\n{summary}\n{stamp}".encode()).hexdigest()[:16]


def _link(raw: Any, guid: str, base: str) -> str:
    """The entry's canonical link, or "" when it has none that can be fetched."""
    link = raw.get("link")
    if not isinstance(link, str) or not link.strip():
        return ""
    link = link.strip()
    if raw.get("guidislink") and link == guid and not is_http_url(guid):
        return ""  # a guid that is not a URL ("12345") is not a link either
    try:
        url = canonical_url(urljoin(base, as_browsers_read(link)))
    except ValueError:
        return ""
    return "" if url_problem(url) else url


def _legacy_keys(raw: Any, guid: str, base: str) -> tuple[str, ...]:
    """Keys this entry was stored under before bare guids stopped being read as links."""
    if not raw.get("guidislink") or not guid or is_http_url(guid):
        return ()
    try:
        return ("url:" + canonical_url(urljoin(base, guid)),)
    except ValueError:
        return ()


def _longest_content(raw: Any) -> str:
    candidates = [raw.get("summary", "")]
    candidates += [c.get("value", "") for c in raw.get("content", []) or []]
    return max((c for c in candidates if isinstance(c, str)), key=len, default="")


def _date(raw: Any, field: str, now: datetime) -> datetime | None:
    parsed = raw.get(field)
    if not parsed:
        return None
    try:
        # feedparser gives naive UTC struct_time; timegm (not mktime) keeps it UTC.
        value = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, TypeError):
        return None
    return _plausible(value, now)


def _written_in_spanish(raw: Any, now: datetime) -> datetime | None:
    """The publication date when feedparser could not read it, as when it is written in
    Spanish. Never the update date: it is part of an entry's revision."""
    written = raw.get("published")
    value = spanish_date(written) if isinstance(written, str) else None
    return _plausible(value, now) if value else None


def _plausible(value: datetime, now: datetime) -> datetime | None:
    return None if value < EARLIEST or value > now + FUTURE_SLACK else value


def _key(guid: str, url: str, title: str, published: datetime | None, scope: str) -> str:
    if guid and is_http_url(guid):
        return "url:" + canonical_url(guid)
    if guid:
        return f"guid:{scope}:{guid[:500]}"
    if url:
        return "url:" + url
    stamp = published.isoformat() if published else ""
    digest = hashlib.sha1(f"{title}\n{stamp}".encode()).hexdigest()
    return f"hash:{scope}:{digest}"


def _unique(entries: list[Entry]) -> tuple[Entry, ...]:
    """The entries once each: the same entry twice in a document is kept once, and
    entries that share a link and nothing else that names them (a feed that links every
    item to its home page) are told apart by their titles."""
    titles: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        titles[entry.key].add(entry.title)
    entries = [
        replace(e, key=f"{e.key}#{_title_id(e.title)}", former_key=e.key)
        if len(titles[e.key]) > 1 and e.key.startswith("url:") and e.former_key is None
        else e
        for e in entries
    ]
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            kept.append(entry)
    return tuple(kept)


def _shared(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """The entries, those whose link another entry under another title gives too marked
    so. Before, each was matched on that one page: thirty briefs linking to a home page
    that named Cuba and the US were thirty hits, whatever each said. One article listed
    twice under its one title still has its page."""
    titles: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.url:
            titles[entry.url].add(entry.title)
    return tuple(replace(e, shares_link=True) if len(titles[e.url]) > 1 else e for e in entries)


def _title_id(title: str) -> str:
    return "t-" + hashlib.sha1(normalize(title).encode()).hexdigest()[:12]


def _repair_encoding(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """Fix bodies that claim UTF-8 (or claim nothing) but are not valid UTF-8.

    feedparser then guesses a single-byte encoding for the whole feed, which garbles
    every item of a UTF-8 feed with one bad byte (kurtmckee/feedparser PR #421). We decide
    instead: mostly valid UTF-8 → replace the bad bytes; no valid multi-byte sequence at
    all → it is Latin-1/cp1252 mislabelled. A UTF-16 body (a byte-order mark, or the
    zero bytes of UTF-16 ASCII) is UTF-16 whatever its label says. Either way feedparser
    then gets UTF-8.
    """
    utf16 = _utf16(body)
    if utf16 is not None:
        return _as_utf8(body.decode(utf16, "replace").lstrip("\ufeff"), content_type)
    declared = _declared_charset(body, content_type)
    if declared not in (None, "utf-8", "utf8"):
        if _SINGLE_BYTE.match(declared) and not body.isascii() and _valid_utf8(body):
            # A UTF-8 feed labelled Latin-1 or cp1252 (a CMS's wrong setting): text in a
            # single-byte charset with accents is almost never valid UTF-8, and read as
            # one, "Díaz-Canel" would be "DÃ­az-Canel" and match nothing.
            return _as_utf8(body.decode("utf-8"), content_type)
        return body, content_type
    if _valid_utf8(body):
        return body, content_type
    utf8 = mostly_utf8(body)
    fixed = body.decode("utf-8", "replace") if utf8 else body.decode(WESTERN, "replace")
    return _as_utf8(fixed, content_type)


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf16(body: bytes) -> str | None:
    head = body[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head[:4] == b"<\x00?\x00" or head[:2] == b"<\x00":
        return "utf-16-le"
    if head[:4] == b"\x00<\x00?" or head[:2] == b"\x00<":
        return "utf-16-be"
    return None


def _as_utf8(text: str, content_type: str | None) -> tuple[bytes, str]:
    fixed = _XML_DECL.sub(rb"\1utf-8\3", text.encode("utf-8"), count=1)
    media = (content_type or "application/xml").split(";")[0].strip()
    return fixed, f"{media}; charset=utf-8"


def _declared_charset(body: bytes, content_type: str | None) -> str | None:
    if content_type:
        match = _CHARSET.search(content_type)
        if match:
            return match[1].lower()
    decl = _XML_DECL.match(body[:300])
    return decl[2].decode("ascii").lower() if decl else None
