"""What of an article tells whether two reports are one story. Pure.

- ``signature``: a MinHash of its word shingles, which estimates how much text two
  articles share (wire copies share most of it, whatever their headlines);
- ``text_hash``: its folded text, hashed, for exact copies;
- ``title_words``: its headline's words, the outlet's name cut off;
- ``numbers``: the figures it gives, written alike in either language ("530,000",
  "530.000" and "530 000" are one number; years are left out: every story has them);
- ``names``: who and what it names, which a translation keeps: the last word of each
  run of capitalised words ("Marco Rubio" and "Rubio" are both "rubio"), and
- ``terms``: its matched watchlist terms, which have one name in every language
  ("EE.UU." and "United States" are both "united states").

Each reads a bounded prefix (the signature and the hash the first ``FOLDED_CHARS``,
figures and names the title and the first ``LEAD_CHARS``), so that a page of 18,000
words costs what a wire story does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime

from monitor.stories import minhash
from monitor.text.fold import fold_term
from monitor.types import StoryFeatures

#: Words of the text a signature reads: enough for a wire story, a bounded cost.
SIGNATURE_WORDS = 400
#: Words per shingle: three in a row rarely repeat by chance.
SHINGLE = 3
#: Characters of the text that are folded for the signature and compared for the same
#: text: more than the signature's words take, in either language.
FOLDED_CHARS = 4000
#: Characters of the text whose figures and names are read: the lead, where a report
#: gives who, where and how many, and which a translation or a rewrite keeps. Names
#: deep in a long article (its background, its links) join stories that are not one.
LEAD_CHARS = 2000

_NUMBER = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+$")
_YEAR = re.compile(r"(?:19|20)\d\d$")
# A run of capitalised words, joined by the particles of Spanish names ("Fernández de
# Cossío", "Vicente de la O Levy"); never across lines (a headline, then its text).
_NAME = re.compile(
    r"(?<![\w-])[A-ZÁÉÍÓÚÑÜ][\w'-]+(?:[^\S\n]+(?:(?:de|del|la|los)[^\S\n]+)*[A-ZÁÉÍÓÚÑÜ][\w'-]*)*"
)
#: Capitalised for their place in a sentence, not for being names.
_FURNITURE = (
    "the this that these those there their they then than after before while when what "
    "which who why how his her its our your but and for from with into over under about "
    "also both each more most many some such other others only even still just here "
    "said says according monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november "
    "december el la los las un una unos unas del al con por para sin sobre tras entre "
    "desde hasta según como pero este esta estos estas ese esa eso ante bajo durante "
    "lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo "
    "junio julio agosto septiembre octubre noviembre diciembre read more lea también "
    "con información"
)
_NOT_NAMES = frozenset(fold_term(word) for word in _FURNITURE.split())
_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{1,40}$")


def features_of(
    title: str, text: str, language: str | None, when: datetime, terms: Iterable[str] = ()
) -> StoryFeatures:
    """The features of one article; ``terms`` are the names of its matched terms."""
    # Every part reads a bounded prefix, so that a long page costs what a short one does.
    count = len(text.split())
    body = fold_term(text[:FOLDED_CHARS]).split()
    words = (
        body if len(body) >= SHINGLE * 4 else fold_term(f"{title} {text[:FOLDED_CHARS]}").split()
    )
    head = words[:SIGNATURE_WORDS]
    shingles = {" ".join(head[i : i + SHINGLE]) for i in range(max(1, len(head) - SHINGLE + 1))}
    # Two texts alike in their first 4,000 characters are one report, whatever follows.
    same = " ".join(body).encode()
    lead = f"{title}\n{text[:LEAD_CHARS]}"
    return StoryFeatures(
        signature=minhash.signature(shingles),
        text_hash=hashlib.blake2b(same, digest_size=12).hexdigest(),
        words=count,
        title_words=title_words(title),
        numbers=numbers(lead),
        names=names(lead),
        terms=frozenset(fold_term(t) for t in terms),
        language=language,
        when=when,
    )


def title_words(title: str) -> frozenset[str]:
    """The headline's folded words, without "- Reuters" or "| CiberCuba" at its end."""
    return frozenset(fold_term(_SUFFIX.sub("", title)).split())


def numbers(text: str) -> frozenset[str]:
    """Figures of two digits or more, thousands separators and decimal commas unified;
    years left out."""
    found = set()
    for raw in set(_NUMBER.findall(text)):
        if _THOUSANDS.match(raw):
            value = re.sub(r"\D", "", raw)
        else:
            value = raw.replace(",", ".")
            value = value[:-2] if value.endswith(".0") else value
        digits = value.replace(".", "")
        if len(digits) >= 2 and not _YEAR.match(value):
            found.add(value)
    return frozenset(found)


def names(text: str) -> frozenset[str]:
    """The last word of each run of capitalised words, folded; a run's first word is
    dropped when it is sentence furniture ("The Pentagon" is "pentagon")."""
    found = set()
    for raw in set(_NAME.findall(text)):
        words = fold_term(raw).split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        if words and len(words[-1]) > 2 and not words[-1].isdigit():
            found.add(words[-1])
    return frozenset(found)
