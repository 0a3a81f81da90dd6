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
    r"fotos", r"foto", r"foto de", r"imagen", r"imágenes", r"ilustración", r"video", r"vídeo",
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
# One pattern for every kind, tried once at the start of each line: it fails at the first
# characters of nearly every line. (One re.MULTILINE scan of the whole text is slower:
# the engine tries the alternatives at every position.)
_SPACE = r"[ \t\xa0]"
_BULLET = r"^[ \t\xa0\-–—•*·>|]*"
_CANDIDATE = re.compile(
    "|".join([
        # "Foto: Cubadebate", "Por: Juan Pérez", "Lea también: …"
        rf"(?P<marker>{_BULLET}(?:{'|'.join(_MARKERS)})\b{_SPACE}*[:.\-–—|])",
        # "Tomado de Granma": no colon needed.
        rf"(?P<own>{_BULLET}(?:{'|'.join(_OWN_LINE)})\b)",
        # "(Con información de EFE)", "[Tomado de Granma]": a credit on its own.
        rf"(?P<credit>^{_SPACE}*[(\[]{_SPACE}*(?:con información de|tomado de|tomada de|fuente|"
        rf"source|with|from)\b[^)\]\n]*[)\]]{_SPACE}*$)",
        # "— Prensa Latina", "- EFE": an outlet's name after a dash, a few words at most.
        rf"(?P<dash>^{_SPACE}*[—–-]{_SPACE}*\S)",
    ]),
    re.IGNORECASE,
)  # fmt: skip
DASH_CREDIT_WORDS = 5
# The pattern's many alternatives cost microseconds per line; a set lookup of the line's
# first word rules out nearly every line first.
_FIRST_WORDS = frozenset(m.split()[0] for m in (*_MARKERS, *_OWN_LINE))
_LEAD_SPACE = " \t\xa0"
_BULLETS = " \t\xa0-–—•*·>|"
_OPENERS = "([—–-"


def spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets in ``text`` of each boilerplate line, in order."""
    found = []
    start = 0
    match = _CANDIDATE.match
    for line in text.split("\n"):
        end = start + len(line)
        candidate = match(line) if _may_be(line) else None
        if candidate is not None:
            most = DASH_CREDIT_WORDS + 1 if candidate.lastgroup == "dash" else MAX_WORDS
            if len(line.split()) <= most:
                found.append((start, end))
        start = end + 1
    return found


def _may_be(line: str) -> bool:
    head = line.lstrip(_LEAD_SPACE)
    if not head:
        return False
    if head[0] in _OPENERS:
        return True
    words = head.lstrip(_BULLETS)[:40].split(None, 1)
    return bool(words) and words[0].rstrip(":.|-–—").lower() in _FIRST_WORDS
