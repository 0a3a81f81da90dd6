"""Lines of an article that are not its story: photo credits, bylines, sources, "read also".

Pure. Extracted article text still carries them ("Foto: Cubadebate", "Tomado de Prensa
Latina", "Lea también: …", "(Con información de EFE)"), and an outlet's name in a credit
is no evidence that the story is about Cuba. The matcher voids every mention inside such
a line and does not count them in the lead.

A line is boilerplate when it is short (at most ``MAX_WORDS`` words) and starts with one
of the markers below (followed by a colon or a dash, unless it is a marker no sentence of
a story starts with, such as "Tomado de"), or is a bracketed credit; long lines are story,
whatever they start with.
"""

from __future__ import annotations

import re

MAX_WORDS = 16

_MARKERS = (
    # Credits and sources, in Spanish and English.
    r"fotos?", r"foto de", r"imagen", r"imágenes", r"ilustración", r"video", r"vídeo",
    r"fuente", r"fuentes", r"tomado de", r"tomada de", r"con información de",
    r"información de", r"por", r"texto", r"texto y fotos", r"redacción", r"autor", r"autora",
    r"photo", r"photos", r"image", r"credit", r"credits", r"source", r"by", r"written by",
    r"reporting by", r"editing by", r"additional reporting by", r"copyright", r"©",
    # Links to other stories.
    r"lea también", r"lee también", r"leer también", r"ver también", r"vea también",
    r"le puede interesar", r"te puede interesar", r"también le puede interesar",
    r"noticias relacionadas", r"artículos relacionados", r"relacionado", r"relacionados",
    r"más información", r"más noticias", r"read more", r"read also", r"see also",
    r"related", r"related articles", r"more on this", r"also read",
    # Sharing and following.
    r"síguenos", r"siganos", r"síganos", r"comparte", r"compartir", r"follow us",
    r"share this", r"suscríbete", r"subscribe",
)  # fmt: skip
# Markers no sentence of a story starts with: no colon needed after them.
_OWN_LINE = (
    r"tomado de", r"tomada de", r"con información de", r"síguenos en", r"síganos en",
    r"siganos en", r"follow us on", r"lea también", r"lee también", r"vea también",
    r"le puede interesar", r"te puede interesar", r"noticias relacionadas",
    r"artículos relacionados", r"read more", r"read also", r"also read",
)  # fmt: skip
_BULLET = r"^[\s\-–—•*·>|]*"
_START = re.compile(_BULLET + r"(?:" + "|".join(_MARKERS) + r")\b\s*[:.\-–—|]", re.IGNORECASE)
_OWN_START = re.compile(_BULLET + r"(?:" + "|".join(_OWN_LINE) + r")\b", re.IGNORECASE)
# "(Con información de EFE)", "[Tomado de Granma]": a credit on its own.
_CREDIT = re.compile(
    r"^\s*[(\[]\s*(?:con información de|tomado de|tomada de|fuente|source|with|from)\b"
    r"[^)\]]*[)\]]\s*$",
    re.IGNORECASE,
)
# "— Prensa Latina", "- EFE": an outlet's name after a dash, a few words at most.
_DASH_CREDIT = re.compile(r"^\s*[—–-]\s*\S")
DASH_CREDIT_WORDS = 5


def spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets in ``text`` of each boilerplate line, in order."""
    found = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if _boilerplate(line):
            found.append((start, end))
        start = end + 1
    return found


def _boilerplate(line: str) -> bool:
    if not line.strip() or len(line.split()) > MAX_WORDS:
        return False
    if _DASH_CREDIT.match(line):
        return len(line.split()) <= DASH_CREDIT_WORDS + 1
    return bool(_START.match(line) or _OWN_START.match(line) or _CREDIT.match(line))
