"""What a web page's bytes are written in, decided as browsers decide it, and the page
given on in UTF-8.

Pure; standard library only. The order is the HTML standard's (a byte-order mark, the
HTTP ``Content-Type``, the page's ``<meta charset>``, a default), with two lessons
from real servers:

- valid UTF-8 is UTF-8 whatever a label says: text in a single-byte charset with
  accents is almost never valid UTF-8, and servers label UTF-8 pages "ISO-8859-1" by
  default (Apache's ``AddDefaultCharset``);
- a "UTF-8" label on bytes that are not counts only when most of their accented bytes
  do form UTF-8 (one stray byte pasted into an ad); otherwise it is a server's default
  over a legacy file, and the page's own ``<meta>`` or the default says what it is.

With nothing said, windows-1252 is the default, as browsers assume of Western pages.
Labels are read as the Encoding Standard reads them: "ISO-8859-1", "latin1" and
"us-ascii" all mean windows-1252 (their bytes 0x80-0x9F are curly quotes and dashes,
not control characters).

Before, trafilatura guessed (charset_normalizer): served as windows-1252 with the
charset in the HTTP header only, 34 of the 85 real test pages with accents came out
garbled ("lÚder", "seleçăo", "Muńoz").
"""

from __future__ import annotations

import codecs
import re

#: Where a page's ``<meta>`` may declare its charset: browsers look at the first 1,024
#: bytes; pages with long scripts first put it later, and w3lib looks at 4,096.
META_BYTES = 4096
#: A ``<meta`` tag, to its ``>`` or to the end of what was read of the page.
_META_TAG = re.compile(rb"<meta\s[^>]*(?:>|\Z)", re.IGNORECASE)
_META = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UTF8 = "utf-8"
WESTERN = "cp1252"
#: Labels whose meaning on the web is another codec than Python's (Encoding Standard).
_WEB_MEANING = {"iso8859-1": WESTERN, "ascii": WESTERN, "iso8859-9": "cp1254", "tis-620": "cp874"}
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_UNDECODED = re.compile(r"[\udc80-\udcff]")


def page_in_utf8(page: bytes, content_type: str | None = None) -> bytes:
    """``page`` in UTF-8: as it is when it already is (nearly every page), else decoded
    from what it is written in (see the module's notes)."""
    if page.isascii():
        return page
    for bom, codec in _BOMS:
        if page.startswith(bom):
            return page[len(bom) :].decode(codec, "replace").encode(_UTF8)
    try:
        page.decode(_UTF8)
    except UnicodeDecodeError:
        return page.decode(page_codec(page, content_type), "replace").encode(_UTF8)
    return page


def page_codec(page: bytes, content_type: str | None = None) -> str:
    """The codec of a page that is not valid UTF-8."""
    for said in (header_charset(content_type), meta_charset(page[:META_BYTES])):
        if said is not None and (said != _UTF8 or mostly_utf8(page)):
            return said
    return _UTF8 if mostly_utf8(page) else WESTERN


def header_charset(content_type: str | None) -> str | None:
    """The codec a ``Content-Type`` header names, when Python knows it."""
    found = _HEADER.search(content_type or "")
    return web_codec(found.group(1)) if found else None


def meta_charset(head: bytes) -> str | None:
    """The codec a page's ``<meta charset>`` (or ``http-equiv``) names, when known."""
    # Tag by tag: one pattern looking for "charset" from every "<meta " to the next ">"
    # was quadratic (200 KB of "<meta " and a ">": 77 s).
    for tag in _META_TAG.finditer(head):
        if found := _META.search(tag.group()):
            return web_codec(found.group(1).decode("ascii"))
    return None


def web_codec(label: str) -> str | None:
    """Python's codec for a charset label as the web means it, or None if unknown or
    not a text encoding (a page's ``charset=zlib``, ``rot13`` or ``undefined``)."""
    try:
        name = codecs.lookup(label.strip()).name
        b"\xe9".decode(name, "replace")
    except (LookupError, UnicodeError, ValueError):
        return None
    return _WEB_MEANING.get(name, name)


def mostly_utf8(data: bytes) -> bool:
    """Do most of the non-ASCII bytes form valid UTF-8 sequences? A valid multi-byte
    sequence is improbable in single-byte text, so a tie means UTF-8."""
    text = data.decode(_UTF8, "surrogateescape")
    bad = len(_UNDECODED.findall(text))
    good = len(_NOT_ASCII.findall(text)) - bad
    return good > 0 and good >= bad
