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
  ("EE.UU." and "United States" are both "united states");
- ``lead_words``: the words of its lead that are not common, each with how common it
  is (``stories.background``), and ``counts``: what it counts ("27 balsero").

Each reads a bounded prefix (the signature and the hash the first ``FOLDED_CHARS``,
figures and names the title and the first ``LEAD_CHARS``), so that a page of 18,000
words costs what a wire story does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import lru_cache

from monitor.stories import minhash
from monitor.stories.background import zipf
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
#: Characters of the text whose words are read: the first paragraph or two, which say
#: what happened; what follows is background that developments of one subject share.
WORDS_CHARS = 2000

_NUMBER = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+$")
_YEAR = re.compile(r"(?:19|20)\d\d$")
# The number of a law, an order, a section or a resolution names a legal instrument,
# which many events cite ("Executive Order 13902" in every Iran sanctions release).
_INSTRUMENT = re.compile(
    r"(?:order|act|section|sec|§|no|nº|núm|number|número|resolution|resolución|law|ley|"
    r"decree|decreto|title|título|article|artículo|proclamation|proclamación|u\.s\.c|cfr|"
    r"chapter|capítulo|determination|memorandum|nspm|eo)\.?\s*(?:n[oº]\.?\s*)?$",
    re.IGNORECASE,
)
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
# A word written in lower case: what the text says happened ("intercepted", "indultos").
_WORD = re.compile(r"(?<![\w-])[a-záéíóúñü][\w-]{4,}")
#: A capitalised word this common in its language (Zipf, ``stories.background``) is not
#: a name: "Secretary", "Therefore", "Register", "States", "Israel", "General".
COMMON_NAME = 4.0
#: A lower-case word this common tells nothing of the event ("said", "government")...
COMMON_WORD = 5.0
#: ...and one rarer than this tells the most ("intercepted", "indultos"); between the
#: two, a word tells less the more common it is ("ceremony", "flag", "vote").
RARE_WORD = 4.0
#: Letters of a word that identify it: "remittance" and "remittances" are one.
STEM = 7
# A count: a figure and the thing counted ("27 balseros", "553 prisoners").
_COUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s+(?:mil\s+|de\s+)?([a-záéíóúñü]{4,})")
# Runs of digits: figures and counts are looked for only where one starts. A pattern tried
# at every character of a lead costs three times this scan.
_DIGITS = re.compile(r"\d+")
#: Not things counted: ages and spans of time, whose counts differ between reports of
#: one event, and sentence furniture ("278 para").
_TIME_WORDS = (
    "year years ano anos day days dia dias hour horas hours hora month months meses "
    "week weeks semana semanas minute minutes minuto minutos decade decades decada "
    "decadas century siglo siglos percent ciento cent"
)
_MONTH_WORDS = (
    "january february march april may june july august september october november december "
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre "
    "noviembre diciembre"
)
_MONTHS = frozenset(w[:STEM] for w in _MONTH_WORDS.split())
_NOT_COUNTED = frozenset(_TIME_WORDS.split()) | _NOT_NAMES
_SENTENCE_START = re.compile(r"(?:^|[.!?:;«»\"“”(\-–—]\s*|\n)\s*$")
_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{1,40}$")


# Words recur from one article to the next: folding each once saves most of the cost.
_fold_word = lru_cache(maxsize=1 << 16)(fold_term)


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
    # Three words in a row (SHINGLE), or all of a shorter text.
    runs = zip(head, head[1:], head[2:], strict=False) if len(head) > SHINGLE else (head,)
    shingles = {" ".join(run) for run in runs}
    # Two texts alike in their first 4,000 characters are one report, whatever follows.
    same = " ".join(body).encode()
    lead = f"{title}\n{text[:LEAD_CHARS]}"
    return StoryFeatures(
        signature=minhash.signature(shingles),
        text_hash=hashlib.blake2b(same, digest_size=12).hexdigest(),
        words=count,
        title_words=title_words(title),
        numbers=numbers(lead),
        names=names(lead, language),
        terms=frozenset(fold_term(t) for t in terms),
        language=language,
        when=when,
        lead_words=lead_words(f"{title}\n{text[:WORDS_CHARS]}", language),
        counts=counts(lead),
    )


def title_words(title: str) -> frozenset[str]:
    """The headline's folded words, without "- Reuters" or "| CiberCuba" at its end."""
    return frozenset(fold_term(_SUFFIX.sub("", title)).split())


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """The share of their words two headlines have in common (0 when one is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def numbers(text: str) -> frozenset[str]:
    """Figures of two digits or more, thousands separators and decimal commas unified;
    years and the numbers of laws, orders and sections left out."""
    found = set()
    for match in _at_digits(_NUMBER, text):
        raw = match.group()
        if _INSTRUMENT.search(text, max(0, match.start() - 24), match.start()):
            continue
        if _THOUSANDS.match(raw):
            value = re.sub(r"\D", "", raw)
        else:
            value = raw.replace(",", ".")
            value = value[:-2] if value.endswith(".0") else value
        digits = value.replace(".", "")
        if len(digits) >= 2 and not _YEAR.match(value):
            found.add(value)
    return frozenset(found)


def names(text: str, language: str | None = None) -> frozenset[str]:
    """Who and what the text names: of each run of capitalised words, its last word,
    folded ("Marco Rubio" and "Rubio" are "rubio"), or the whole run when its last word
    is a common one ("Asamblea General"). Not names: a common word alone ("Therefore",
    "Secretary"), a heading in capitals ("CONTINUATION"), the first word of a sentence
    that the text also writes in lower case, and sentence furniture ("The Pentagon" is
    "pentagon")."""
    found = set()
    for match in _NAME.finditer(text):
        name, alone = _name_of(match.group(), language)
        if name is None:
            continue
        if alone and _opens_sentence(text, match.start()) and _written_lower(text, match):
            continue
        found.add(name)
    return frozenset(found)


@lru_cache(maxsize=1 << 14)
def _name_of(run: str, language: str | None) -> tuple[str | None, bool]:
    """What ``names`` keeps of a capitalised run wherever it stands (None: nothing), and
    whether it is one word, which a sentence's start may have capitalised: names recur
    from one article to the next."""
    if _heading(run):
        return None, False
    words = _fold_word(run).split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    if not words or len(words[-1]) <= 2 or words[-1].isdigit():
        return None, False
    if zipf(words[-1], language) < COMMON_NAME:
        return words[-1], len(words) == 1
    return (" ".join(words) if len(words) > 1 else None), False


def lead_words(text: str, language: str | None = None) -> dict[str, float]:
    """The words the lead writes in lower case that are not common, by their first
    ``STEM`` letters, each with how common it is (its Zipf frequency, that of its rarest
    form in the lead): what happened ("intercepted", "eavesdropping", "indultos", and
    with less weight "ceremony", "flag")."""
    found: dict[str, float] = {}
    for raw in set(_WORD.findall(text)):
        known = _lead_word(raw, language)
        if known is not None and known[1] < found.get(known[0], COMMON_WORD):
            found[known[0]] = known[1]
    return found


@lru_cache(maxsize=1 << 14)
def _lead_word(raw: str, language: str | None) -> tuple[str, float] | None:
    """A word of a lead as ``lead_words`` keeps it, its stem and Zipf frequency, or None
    when it is common or not a word: the same words recur from one article to the next."""
    word = _fold_word(raw)
    if not word.isalpha():
        return None
    common = zipf(word, language)
    return (word[:STEM], common) if common < COMMON_WORD else None


def counts(text: str) -> frozenset[str]:
    """Figures and what they count, "27 balsero" (the thing by its first ``STEM``
    letters), years and spans of time left out."""
    found = set()
    # Not from inside a figure: "3.14 millas" counts no 14 millas.
    starts = (
        m for m in _at_digits(_COUNT, text) if m.start() == 0 or text[m.start() - 1] not in ".,"
    )
    for number, unit in (m.groups() for m in starts):
        value = re.sub(r"\D", "", number)
        thing = fold_term(unit)
        if thing in _NOT_COUNTED or thing[:STEM] in _MONTHS or _YEAR.match(value):
            continue
        if thing.isalpha():
            found.add(f"{int(value)} {thing[:STEM]}")
    return frozenset(found)


def _at_digits(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` (which starts with a digit) that ``finditer`` finds,
    each after the one before, tried only where a run of digits starts."""
    end = 0
    for run in _DIGITS.finditer(text):
        if run.start() < end:
            continue
        found = pattern.match(text, run.start())
        if found is not None:
            end = found.end()
            yield found


def _written_lower(text: str, match: re.Match[str]) -> bool:
    """Whether the text also writes the word in lower case: a word capitalised only for
    opening a sentence ("Continuation ... the continuation")."""
    return f" {match.group().lower()}" in text


def _heading(run: str) -> bool:
    """A run in capitals that is not an acronym: a heading ("NOTICE", "CONTINUATION OF
    THE NATIONAL EMERGENCY"), not a name."""
    return run.isupper() and (" " in run or len(run) > 5)


def _opens_sentence(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text, max(0, start - 3), start)) or start == 0
