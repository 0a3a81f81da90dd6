"""JSON Feed (jsonfeed.org, versions 1 and 1.1) → the entries parse.py reads.

Pure. Many blogs and some newsrooms publish a JSON Feed beside, or instead of, RSS;
feedparser reads only XML. Each item is given the shape of a feedparser entry (``id``,
``link``, ``title``, ``summary``, ``content``, ``published_parsed``, ``updated_parsed``,
``author``), so keys, links, dates and corrections are made by one piece of code
whatever the format.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from html import escape
from typing import Any

#: The start of every JSON Feed's ``version``.
VERSION = "https://jsonfeed.org/version/"


class NotJsonFeed(ValueError):
    """JSON that is not a JSON Feed, or a JSON Feed that cannot be read; says why."""


def looks_like_json(body: bytes) -> bool:
    """Whether a feed body is JSON rather than XML: it opens with a brace."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def read(body: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The feed's title and language, and its items as feedparser entries."""
    try:
        doc = json.loads(body.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError) as e:
        raise NotJsonFeed(f"not valid JSON: {e}") from e
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(VERSION):
        raise NotJsonFeed(f"JSON, but not a JSON Feed (no version {VERSION}…)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise NotJsonFeed("a JSON Feed with no list of items")
    feed = {"title": _text(doc.get("title")), "language": _text(doc.get("language"))}
    return feed, [_entry(item) for item in items if isinstance(item, dict)]


def _entry(item: dict[str, Any]) -> dict[str, Any]:
    # Ids are strings by the spec, and numbers in the wild.
    ident = item.get("id")
    html = _text(item.get("content_html"))
    plain = _text(item.get("content_text"))
    content = html or (escape(plain).replace("\n", "<br>") if plain else "")
    return {
        "id": str(ident) if isinstance(ident, str | int) and not isinstance(ident, bool) else "",
        "link": _text(item.get("url")) or _text(item.get("external_url")),
        "title": escape(_text(item.get("title"))),
        "summary": _text(item.get("summary")),
        "content": [{"value": content}] if content else [],
        "published_parsed": _date(item.get("date_published")),
        "updated_parsed": _date(item.get("date_modified")),
        "author": _author(item),
    }


def _author(item: dict[str, Any]) -> str:
    # Version 1.1 has a list of authors, version 1 one author.
    people = item.get("authors")
    if not isinstance(people, list):
        people = [item.get("author")]
    names = [_text(p.get("name")) for p in people if isinstance(p, dict)]
    return ", ".join(n for n in names if n)


def _date(value: Any) -> time.struct_time | None:
    """An RFC 3339 date as feedparser gives one: a UTC struct_time."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).timetuple()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
