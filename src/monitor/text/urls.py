"""Article URLs: which ones can be fetched, and one canonical spelling per article.

``url_problem`` says why a URL from a feed cannot be used (or None): only http(s), a host
that is a valid domain name (IDNA 2008, the rules httpx applies) or an IP address in its
standard spelling, no user name or password, a valid port, no spaces or control
characters. An unusable link is stored as no link, so one hostile entry never breaks a
feed. Numeric hosts in other spellings (``0177.0.0.1``, ``127.1``, ``2130706433``,
``0x7f000001``) are refused by name: resolvers read them as addresses a reader of the URL
would not expect.

``feed_location`` reads the ``feed:`` scheme of subscribe links as the http(s) URL it
stands for.

``canonical_url`` removes tracking parameters and fragments, lower-cases scheme and host,
drops default ports, and unwraps the redirect links of Google Alerts
(``google.com/url?url=…``) and old-style Google News
(``news.google.com/rss/articles/<base64>``), whose real URL is inside them.

The only module importing idna.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import idna

_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid",
     "yclid", "_hsenc", "_hsmi", "mkt_tok", "ocid", "cmpid", "smid", "smtyp", "ref_src",
     "ref_url", "at_medium", "at_campaign", "xtor", "__twitter_impression", "s_cid", "ncid"}
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_EMBEDDED_URL = re.compile(rb"https?://[\x21-\x7e]+")


#: Anything inet_aton would read as an IPv4 address: 1 to 4 parts of decimal, octal or hex.
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?$", re.I)
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f]")
#: Letters, digits, hyphens and (as some real sites have) underscores.
_ASCII_HOST = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$", re.I)
MAX_URL = 4_000
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def feed_location(url: str) -> str:
    """A feed's address as sites write it for subscribing, as http(s): the ``feed:``
    scheme of subscribe links (``feed://host/rss`` is ``http://host/rss``,
    ``feed:https://host/rss`` is ``https://host/rss``), spaces around it dropped."""
    url = url.strip()
    if url[:5].lower() != "feed:":
        return url
    rest = url[5:]
    return f"http:{rest}" if rest.startswith("//") else rest


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, in a few words; None when it can."""
    if len(url) > MAX_URL:
        return f"longer than {MAX_URL:,} characters"
    if _UNSAFE.search(url):
        return "has spaces or control characters in it"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        return f"is not a well-formed URL ({e})"
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return "only http and https URLs are fetched"
    if parts.username is not None or parts.password is not None:
        return "has a user name or password in it"
    if port == 0:
        return "has port 0"
    host = parts.hostname or ""
    return _host_problem(host.rstrip(".")) if host else "has no host"


def _host_problem(host: str) -> str | None:
    if ":" in host:  # urlsplit leaves an IPv6 literal without its brackets
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return f"{host!r} is not a valid IPv6 address"
        return None
    if _NUMERIC_HOST.match(host):
        return _numeric_problem(host)
    try:
        # Non-ASCII names are encoded as httpx would; ASCII ones are decoded where they
        # claim to be encoded ("xn--"), which is where a bogus label breaks a client.
        ascii_host = host if host.isascii() else idna.encode(host, uts46=True).decode()
        if "xn--" in ascii_host.lower():
            idna.decode(ascii_host)
    except (idna.IDNAError, UnicodeError, ValueError) as e:
        return f"{host[:80]!r} is not a valid host name ({e})"[:200]
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(0 < len(label) <= 63 for label in labels):
        return f"{host[:80]!r} is not a valid host name (a label is empty or too long)"
    if not _ASCII_HOST.match(ascii_host):
        return f"{host[:80]!r} is not a valid host name"
    return None


def _numeric_problem(host: str) -> str | None:
    try:
        ip = ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return None if str(ip) == host else f"{host!r} is not a standard IP address"
    value = _inet_aton(host)
    if value is None:
        return f"{host!r} is not a valid IP address"
    return f"{host!r} is a non-standard spelling of the address {ipaddress.IPv4Address(value)}"


def _inet_aton(host: str) -> int | None:
    """The address the C resolver reads in ``host`` ("127.1" is 127.0.0.1), or None."""
    try:
        parts = [int(p, 0) if not p.startswith("0") or p[1:2] in "xX" or p == "0" else int(p, 8)
                 for p in host.rstrip(".").split(".")]  # fmt: skip
    except ValueError:
        return None
    *head, last = parts
    if any(p > 255 for p in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for index, part in enumerate(head):
        value += part << (8 * (3 - index))
    return value


def as_browsers_read(link: str) -> str:
    """A link as browsers read it (the WHATWG URL standard): spaces and controls at
    either end dropped, and the spaces inside written ``%20``. Feeds and Location
    headers do carry "/noticias/foto 1.html"; read literally it is no URL at all."""
    return link.strip(_C0_AND_SPACE).replace(" ", "%20")


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def canonical_url(url: str) -> str:
    """The canonical spelling of an http(s) URL; other strings come back stripped."""
    url = url.strip()
    unwrapped = _unwrap(url)
    if unwrapped != url:
        return canonical_url(unwrapped)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return url
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _keep(k)]
    if host == "news.google.com" and "/articles/" in parts.path:
        query = []  # only tracking ("oc=5") and locale parameters; the id is in the path
    canonical = urlunsplit(
        (scheme, netloc, parts.path or "/", urlencode(query, safe=":/@,;$!*'()"), "")
    )
    # Dropping a fragment can leave the space before it at the end: strip it too, so
    # canonicalising a canonical URL changes nothing.
    return canonical.strip()


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _keep(key: str) -> bool:
    key = key.lower()
    return not key.startswith("utm_") and key not in _TRACKING


def _unwrap(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if host.endswith("google.com") and parts.path == "/url":
        params = dict(parse_qsl(parts.query))
        target = params.get("url") or params.get("q") or ""
        return target if target.startswith(("http://", "https://")) else url
    if host == "news.google.com" and "/articles/" in parts.path:
        return _google_news_target(parts.path.rsplit("/", 1)[-1]) or url
    return url


def _google_news_target(token: str) -> str | None:
    # Older article ids are base64 of a small protobuf that holds the URL itself; newer
    # ones ("AU_yqL…") are opaque and stay as they are.
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    found = _EMBEDDED_URL.search(raw)
    return found[0].decode("ascii") if found else None
