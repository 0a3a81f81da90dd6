"""Feed dates written in Spanish, which the feed parser does not read.

RSS asks for RFC 822 dates in English ("Mon, 07 Dec 2026 10:00:00 -0500"). Some
Spanish-language publishers' software writes them in the site's language: "Lun, 07 Dic
2026 10:00:00 -0500", "lunes, 7 de diciembre de 2026 10:00". Unread, such an entry has
no date: the digest cannot say when it was published, and a term of some dates only
(docs/watchlists.md, *Dates*) takes it for today's news.

Pure: the text in, an aware UTC datetime or None out.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("ene", "enero"), ("feb", "febrero"), ("mar", "marzo"), ("abr", "abril"),
            ("may", "mayo"), ("jun", "junio"), ("jul", "julio"), ("ago", "agosto"),
            ("sep", "set", "sept", "septiembre", "setiembre"), ("oct", "octubre"),
            ("nov", "noviembre"), ("dic", "diciembre"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip

_DATE = re.compile(
    r"""^(?:[a-z]+\.?,?\s+)?                    # the weekday: "lun,", "lunes,"
    (?P<day>\d{1,2})\s+(?:de\s+)?
    (?P<month>[a-z]+)\.?\s+(?:de(?:l)?\s+)?
    (?P<year>\d{4})
    (?:[\s,]+(?:a\s+las\s+)?
       (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\s*h(?:rs?)?)?
    )?
    \s*(?P<zone>[+-]\d{2}:?\d{2}|gmt|utc|z)?\s*$""",
    re.VERBOSE,
)


def spanish_date(text: str) -> datetime | None:
    """The moment a date written in Spanish names, in UTC; None when ``text`` is not one.

    A date without a time is its midnight, and one without a zone is taken as UTC, as
    the feed parser takes English ones.
    """
    found = _DATE.match(_folded(text))
    if found is None or found["month"] not in _MONTHS:
        return None
    try:
        return datetime(
            int(found["year"]), _MONTHS[found["month"]], int(found["day"]),
            int(found["hour"] or 0), int(found["minute"] or 0), int(found["second"] or 0),
            tzinfo=_zone(found["zone"]),
        ).astimezone(UTC)  # fmt: skip
    except ValueError:  # "31 de febrero", "25:00"
        return None


def _folded(text: str) -> str:
    """Lower case without accents ("Mié" → "mie", "Sáb" → "sab")."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _zone(zone: str | None) -> timezone:
    if zone is None or zone in ("gmt", "utc", "z"):
        return UTC
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-offset if zone[0] == "-" else offset)
