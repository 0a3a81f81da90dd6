"""Language tags as feeds and people write them, read as the code watchlists use.

Pure; standard library only. Watchlists name languages by ISO 639-1 code (``es``,
``en``), and a term or sense limited to ``es`` counts only in text whose language is
exactly ``es``. Feeds and people write the same language as ``ES``, ``es-CU``, ``es_CU``
(a POSIX locale), ``es-419`` (Latin American Spanish) or ``spa``: each is ``es``. A
feed configured as ``es-CU`` was taken at its word before, and its Spanish-only terms
never counted.
"""

from __future__ import annotations

import re

#: A primary language subtag, then any subtags (a region of letters or digits, a script).
_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
#: The three-letter codes (ISO 639-2 and 639-3) of the languages the watchlists speak.
_THREE_LETTERS = {"spa": "es", "eng": "en"}


def language_code(tag: str) -> str | None:
    """The watchlists' code for a language tag ("es-CU" → "es"); None if not a tag."""
    found = _TAG.match(tag)
    if found is None:
        return None
    code = found[1].lower()
    return _THREE_LETTERS.get(code, code)
