"""A Digest → the email: plain text and HTML (CSS inlined) as multipart/alternative.

The only module importing Jinja2 and css-inline. Every feed-derived string reaches the
HTML through Jinja2's autoescape, never as markup; matched words are marked by splitting
the snippet into pieces rather than by inserting tags into it; only http(s) links become
``href``. Mail clients drop <style> blocks, hence the inlining; the HTML has no scripts
and no remote images.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import css_inline
import jinja2

from monitor.digest.build import Digest
from monitor.text.html import one_line
from monitor.types import DigestFile, Snippet

_SPARKS = "▁▂▃▄▅▆▇█"
_BAR_MAX = 28


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    html: str


@functools.cache
def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("monitor.digest", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["pieces"] = pieces
    env.filters["safe_url"] = safe_url
    env.filters["spark"] = spark
    return env


def render(digest: Digest) -> Rendered:
    counts = dict(digest.counts)
    peak = max((n for row in digest.trend for n in row.days), default=0)

    def bar_height(n: int) -> int:
        # An empty day still shows a hairline, so the fourteen days read as a row.
        return 1 if not n else max(3, round(_BAR_MAX * n / peak))

    context: dict[str, Any] = {"digest": digest, "counts": counts, "bar_height": bar_height}
    html = _environment(autoescape=True).get_template("digest.html").render(context)
    text = _environment(autoescape=False).get_template("digest.txt").render(context)
    return Rendered(text=text, html=css_inline.inline(html))


def render_index(files: Sequence[DigestFile]) -> str:
    """The page that lists the digests in a folder, newest first, each a link."""
    return _environment(autoescape=True).get_template("index.html").render(files=files)


def message(
    digest: Digest, rendered: Rendered, *, sender: str, to: tuple[str, ...], now: datetime
) -> EmailMessage:
    """The email: headers from config and clock, text first, HTML as the alternative."""
    msg = EmailMessage()
    msg["Subject"] = one_line(digest.subject)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = email.utils.format_datetime(now)
    msg["Message-ID"] = message_id(digest, sender, now)
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


def message_id(digest: Digest, sender: str, now: datetime) -> str:
    """The digest's Message-ID, from what it is and when it was built: pure, so that the
    same digest built again is known as the same message (its hits, its date)."""
    hits = hashlib.blake2b(",".join(map(str, digest.hit_ids)).encode(), digest_size=6)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<digest.{digest.date}.{stamp}.{hits.hexdigest()}@{domain}>"


def pieces(snippet: Snippet) -> list[tuple[str, bool]]:
    """The snippet as (text, is it a matched word) pieces, for the template to mark."""
    out, last = [], 0
    for start, end in snippet.marks:
        if start > last:
            out.append((snippet.text[last:start], False))
        out.append((snippet.text[start:end], True))
        last = end
    if last < len(snippet.text):
        out.append((snippet.text[last:], False))
    return out


def safe_url(url: str) -> bool:
    """Only http(s) URLs become links; anything else (javascript:, data:) stays text."""
    return url.lower().startswith(("http://", "https://"))


def spark(days: tuple[int, ...]) -> str:
    peak = max(days, default=0)
    if not peak:
        return _SPARKS[0] * len(days)
    return "".join(
        _SPARKS[min(len(_SPARKS) - 1, round((len(_SPARKS) - 1) * n / peak))] for n in days
    )
