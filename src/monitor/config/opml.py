"""OPML, the format feed readers import and export subscription lists in. Pure.

``read`` takes the OPML 1.0/2.0 that readers write (Feedly, Inoreader, Miniflux,
FreshRSS, NetNewsWire, Thunderbird…): every ``<outline>`` with an ``xmlUrl`` is a feed,
however deep in folders, and the folders it sits in become its tags. ``write`` gives OPML
2.0 with one ``type="rss"`` outline per feed.

The standard library's XML parser is used: it never fetches external entities, and its
expat refuses entity-expansion bombs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from monitor.errors import ConfigError, Problem
from monitor.text.urls import feed_location
from monitor.types import Feed


@dataclass(frozen=True, slots=True, kw_only=True)
class OpmlFeed:
    """One feed of an OPML file."""

    title: str
    url: str
    #: The folders the outline sits in, outermost first.
    folders: tuple[str, ...] = ()
    language: str | None = None


def read(data: bytes, display: str) -> list[OpmlFeed]:
    """The feeds of an OPML document, in document order."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        line = e.position[0] if e.position else None
        raise ConfigError([Problem(display, line, "", f"not OPML: {e}")]) from e
    if root.tag != "opml":
        raise ConfigError([Problem(display, 1, "", f"not OPML: the root is <{root.tag}>")])
    body = root.find("body")
    if body is None:
        raise ConfigError([Problem(display, None, "", "not OPML: no <body>")])
    found: list[OpmlFeed] = []
    _walk(body, (), found)
    return found


def _walk(node: ET.Element, folders: tuple[str, ...], found: list[OpmlFeed]) -> None:
    for outline in node.findall("outline"):
        title = _attribute(outline, "title") or _attribute(outline, "text")
        url = feed_location(_attribute(outline, "xmlUrl"))
        if url:
            found.append(
                OpmlFeed(
                    title=title or url,
                    url=url,
                    folders=folders,
                    language=_attribute(outline, "language") or None,
                )
            )
        # Readers nest folders as outlines without xmlUrl; some nest feeds in feeds.
        _walk(outline, (*folders, title) if title and not url else folders, found)


def _attribute(outline: ET.Element, name: str) -> str:
    """An attribute's value, its name in any case: exporters write "xmlUrl", "xmlurl"
    and "xmlURL" alike."""
    value = outline.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in outline.attrib.items() if k.lower() == wanted), "")
    return " ".join(value.split())


def write(feeds: list[Feed], *, title: str, now: datetime) -> bytes:
    """OPML 2.0 listing ``feeds``; tags become each outline's ``category``."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now)
    body = ET.SubElement(opml, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.language:
            attributes["language"] = feed.language
        if feed.tags:
            attributes["category"] = ",".join(feed.tags)
        ET.SubElement(body, "outline", attributes)
    ET.indent(opml)
    document: bytes = ET.tostring(opml, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + document + b"\n"
