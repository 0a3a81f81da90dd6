"""Canonical article URLs: one spelling per article, whatever feed or tracker it came through.

Removes tracking parameters and fragments, lower-cases scheme and host, drops default ports,
and unwraps the redirect links of Google Alerts (``google.com/url?url=…``) and old-style
Google News (``news.google.com/rss/articles/<base64>``), whose real URL is inside them.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid",
     "yclid", "_hsenc", "_hsmi", "mkt_tok", "ocid", "cmpid", "smid", "smtyp", "ref_src",
     "ref_url", "at_medium", "at_campaign", "xtor", "__twitter_impression", "s_cid", "ncid"}
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_EMBEDDED_URL = re.compile(rb"https?://[\x21-\x7e]+")


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
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, safe=":/@,;$!*'()"), ""))


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
