"""Plain text from untrusted HTML fragments (feed titles and summaries).

Feed HTML is hostile input: scripts, styles and comments are dropped with their content,
entities are decoded, and line breaks survive only where blocks end. Uses the standard
library's tokenizer, which never raises on malformed markup; what it would rescan from
every ``<`` to the end is escaped first (``_closable``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head"})
_BLOCK = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
     "blockquote", "section", "article", "header", "footer", "pre", "hr", "dd", "dt"}
)  # fmt: skip
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")
# C0/C1 controls other than tab and newline; they break terminals and mail headers.
# U+FFFE and U+FFFF are no characters at all, and XML cannot hold them either.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
# What XML 1.0 cannot hold: lxml refuses to write it, and a reader refuses a file with it.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _closable(fragment: str) -> str:
    """``fragment`` with CDATA sections unwrapped (a feed that wraps its HTML twice: the
    markup inside is the summary), and with what can never close written as text: every
    ``<`` after the last ``>``, and every comment opened after the last ``-->``. The
    standard library's tokenizer shows them as text too, but only at the end, where it
    looks for the close from each of them to the end of the input again: quadratic
    (CPython gh-135462, fixed in later releases than many systems have). 100 KB of
    ``<a `` took it 84 s of CPU, and a feed summary may be 5 MB."""
    if "<![CDATA[" in fragment:
        fragment = fragment.replace("<![CDATA[", "").replace("]]>", "")
    last = fragment.rfind(">")
    head, tail = fragment[: last + 1], fragment[last + 1 :].replace("<", "&lt;")
    start = head.find("<!--", head.rfind("-->") + 1)
    if start >= 0:
        head = head[:start] + head[start:].replace("<!--", "&lt;!--")
    return head + tail


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def parse_html_declaration(self, i: int) -> int:
        """``<![`` opens a bogus comment, closed by the next ``>``, as browsers read it
        outside SVG and MathML. The standard library reads a marked section, and raises
        AssertionError on a keyword it does not know (``<![foo[``, ``<![ b``): one such
        summary failed its whole feed."""
        if self.rawdata.startswith("<![", i):
            return self.parse_bogus_comment(i)
        return super().parse_html_declaration(i)


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, one paragraph per line."""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    parser = _TextParser()
    parser.feed(_closable(fragment))
    parser.close()
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    text = _CONTROLS.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()


def one_line(text: str) -> str:
    """Collapse every run of whitespace (CR and LF included) into one space."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot hold. Text is cleaned where it comes
    in; this guards what was stored before a source was cleaned, for the writers of XML."""
    return _NOT_XML.sub("", text)
