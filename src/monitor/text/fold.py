"""Fold text for matching, and map every match back to the original words.

Folding makes "Díaz-Canel", "DIAZ CANEL" and "Díaz Canel" one spelling: accents are
stripped, every punctuation mark, symbol and space (hyphens, apostrophes, dots, commas)
becomes a space, and the result is lower-cased (a case-kept variant serves case-sensitive
terms). Letters never merge: "EE.UU." folds to "ee uu ", "U.S." to "u s ", "Cuba's" to
"cuba s".

Every character folds to exactly one character, so a position in the folded text is a
position in the original: snippets and explanations show the words as written, at no
cost. The price is that two separators leave two spaces ("EE. UU." → "ee  uu"), which
``spacings`` covers on the term side. The fast path (text in Latin-1 once punctuation
beyond it is turned into spaces: all English and Spanish news) is an encode, a
``bytes.translate`` and a decode, ten times faster than ``str.translate``.
"""

from __future__ import annotations

import bisect
import codecs
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

_WORD = re.compile(r"\S+")
_NOT_WORD = re.compile(r"[^\w\u0300-\u036f]|_")
# A sentence ends at . ! ? … (and closing quotes) followed by space and a capital,
# digit, opening quote or Spanish opening mark; or at a line break (a blank line, in
# hard-wrapped text): a gap to check (``_regex_starts``), for text beyond Latin-1.
_SENTENCE_GAP = re.compile(r"[.!?…][\"'”’»)]*\s+|\n\s*")
_PARAGRAPH_END = re.compile(r"\n\s*\n|\n")
_BLANK_LINE = re.compile(r"\n\s*\n\s*")
# In hard-wrapped text only a blank line ends a paragraph; a lone line break is a space.
_LINE_BREAKS = re.compile(rb"\n[ \n]*")
_WRAP = re.compile(r"[^\s.!?:;\"'”’»)…]\n(?=[a-zà-ÿ])")
_WRAPS_NEEDED = 3


def _fold_char(ch: str) -> str:
    """One character → one character: a letter or digit without accents, else a space."""
    category = unicodedata.category(ch)
    if category[0] in "LN":
        bare = [c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)]
        return bare[0] if bare and bare[0].isalnum() else ch
    if category == "Mn":
        return ch  # a stray combining mark stays part of its word
    return " "


def _table() -> dict[int, str]:
    ranges = [range(0x3000), range(0xFF00, 0xFFF0)]
    table = {}
    for block in ranges:
        for code in block:
            folded = _fold_char(chr(code))
            if folded != chr(code):
                table[code] = folded
    return table


_TABLE = _table()


def _byte_table(fold: str) -> bytes:
    table = bytearray(range(256))
    for code in range(256):
        folded = _TABLE.get(code, chr(code))
        folded = folded.lower() if fold == "lower" else folded
        if len(folded) == 1 and ord(folded) <= 0xFF:
            table[code] = ord(folded)
    return bytes(table)


_LATIN1_CASED = _byte_table("cased")
_LATIN1_LOWER = _byte_table("lower")


class _NotLatin1(Exception):
    """A letter outside Latin-1 with no Latin-1 base letter: take the general path."""


def _latin1_fold(error: UnicodeError) -> tuple[str, int]:
    # Called by str.encode for each run it cannot encode: dashes, curly quotes, €, and
    # letters such as "ā" that have a Latin-1 base letter.
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for ch in error.object[error.start : error.end]:
        folded = _TABLE.get(ord(ch))
        if folded is None:  # beyond the table: emoji and symbols are separators
            folded = ch if ch.isalnum() else " "
        if ord(folded) > 0xFF:
            raise _NotLatin1
        out.append(folded)
    return "".join(out), error.end


codecs.register_error("monitor-fold", _latin1_fold)


def _format_characters(text: str) -> dict[int, None]:
    """The format characters in ``text`` (Unicode category Cf: zero-width spaces and
    joiners, soft hyphens, direction marks), for ``str.translate`` to drop. They are
    invisible in a page and split a word for matching: "Cu\u200bba". Asked of the
    text's own distinct characters, a few dozen: listing every Cf code point up front
    took 90 ms at the start of every command."""
    return {ord(c): None for c in set(text) if c > "\x7f" and unicodedata.category(c) == "Cf"}


def normalize(text: str) -> str:
    """The text as matching, storing and searching read it: composed (NFC: "i\u0301" is
    "í", as text pasted from macOS writes it) and without format characters. Text that
    is already so (nearly all) is returned as it is."""
    if text.isascii():
        return text
    # Format characters first: one between a letter and its accent keeps them apart.
    drop = _format_characters(text)
    if drop:
        text = text.translate(drop)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def fold_cased(text: str) -> str:
    """Accents stripped, separators turned into spaces, length and case unchanged."""
    try:
        return text.encode("latin-1", "monitor-fold").translate(_LATIN1_CASED).decode("latin-1")
    except _NotLatin1:
        pass
    folded = text.translate(_TABLE)
    if not folded.isascii():
        folded = _NOT_WORD.sub(" ", folded)
    return folded


def _fold_lower(text: str) -> str:
    """fold_cased, lower-cased, in one pass when the text allows."""
    try:
        return text.encode("latin-1", "monitor-fold").translate(_LATIN1_LOWER).decode("latin-1")
    except _NotLatin1:
        return _lower(fold_cased(text))


def _marks_table() -> bytes:
    """Latin-1 byte → "." (ends a sentence, or closes one: quotes and brackets), "\n",
    " " (space and other punctuation) or "x" (letters and digits)."""
    table = bytearray(b"x" * 256)
    for code in range(256):
        ch = chr(code)
        if ch in ".!?\"'»)":
            table[code] = ord(".")
        elif ch == "\n":
            table[code] = ord("\n")
        elif ch.isspace() or _TABLE.get(code) == " ":
            table[code] = ord(" ")
    return bytes(table)


_SENTENCE_MARKS = _marks_table()
_OPENERS = frozenset("\"'“‘«(¿¡")
#: Abbreviations written before a name or a number, whose dot ends no sentence ("Sen.
#: Rubio", "on Dec. 5", "No. 2"): titles, and months as AP style writes them.
_ABBREVIATIONS = frozenset(
    {
        "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Adm",
        "Cmdr", "Jr", "Sr", "Sra", "Srta", "Dra", "Prof", "Rev", "Gral", "Pdte", "Lic", "Ing",
        "Jan", "Feb", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "Nos", "Art", "Sec",
    }
)  # fmt: skip


def _opens(first: str) -> bool:
    """Whether a sentence may start with this character, after a full stop."""
    return first.isupper() or first.isdigit() or first in _OPENERS


def _regex_starts(text: str, wrapped: bool) -> list[int]:
    """``_sentence_starts`` for text beyond Latin-1 (a regex: slower, rarely needed)."""
    starts = [0]
    for gap in _SENTENCE_GAP.finditer(text):
        end = gap.end()
        if gap.group().count("\n") >= (2 if wrapped else 1) or (
            gap.group()[0] != "\n"
            and end < len(text)
            and _opens(text[end])
            and not _abbreviation_dot(text, gap.start())
        ):
            starts.append(end)
    return starts


def _abbreviation_dot(text: str, at: int) -> bool:
    """True when the dot at ``at`` closes an abbreviation, not a sentence: an initial
    ("U.S.", "J. F. Kennedy"), a Spanish plural abbreviation of doubled capitals ("EE.
    UU.", "FF. AA."), or a title or month before a name or number ("Sen. Rubio", "Dec.
    5")."""
    if text[at] != ".":
        return False
    start = at
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    word = text[start:at]
    if len(word) == 1:
        return word.isupper()
    if len(word) == 2 and word[0] == word[1]:
        return word.isupper()
    return word in _ABBREVIATIONS


def _sentence_starts(text: str, marks: bytes) -> list[int]:
    # bytes.find runs at memchr speed; a regex over the text is ten times slower.
    found = {0}
    at = marks.find(b". ")
    while at >= 0:
        start = at + 2
        while start < len(marks) and marks[start] == 32:
            start += 1
        if start < len(text) and _opens(text[start]) and not _abbreviation_dot(text, at):
            found.add(start)
        at = marks.find(b". ", start)
    at = marks.find(b"\n")
    while at >= 0:
        found.add(at + 1)
        at = marks.find(b"\n", at + 1)
    return sorted(found)


def _unwrap_marks(marks: bytes) -> bytes:
    """Marks with each lone line break turned into a space; blank lines stay breaks."""
    return _LINE_BREAKS.sub(lambda m: m.group() if m.group().count(b"\n") > 1 else b" ", marks)


def is_hard_wrapped(text: str) -> bool:
    """True when lines were broken mid-sentence (press releases, mail, plain-text
    archives): several breaks fall after a word and before a lower-case one, as a
    wrap does and a paragraph end does not."""
    wraps = _WRAP.finditer(text)
    return all(next(wraps, None) is not None for _ in range(_WRAPS_NEEDED))


def fold_term(term: str, *, case_sensitive: bool = False) -> str:
    """A term or alias as it appears in folded text ("" if nothing is left)."""
    folded = fold_cased(term) if case_sensitive else _fold_lower(term)
    return " ".join(folded.split())


# A hyphen, dot or apostrophe between two letters or digits: "Helms-Burton", "EE.UU.".
_INNER_MARK = re.compile(r"(?<=\w)[-.'’‐‑](?=\w)")
#: The shortest word a slug spelling may leave alone: "Tío" without "í" is "to".
_SLUG_SHORTEST = 4


def slug_forms(term: str, *, prefix: bool = False) -> list[str]:
    """The folded spellings a URL slug may give a term besides its own.

    Slug makers drop what they cannot keep rather than replace it: an apostrophe closes
    up a possessive ("Cuba's" → "cubas", WordPress's way), a hyphen or dot a name
    ("Helms-Burton" → "helmsburton", "EE.UU." → "eeuu"), and the cruder ones leave out
    letters beyond ASCII ("reactivación" → "reactivacin", "Raúl" → "ral"). A spelling
    left with a single word under four letters is no spelling of anything, and a short
    word takes no possessive ("uss" is a ship, not "US's").
    """
    own = fold_term(term)
    forms: list[str] = []
    # Most terms are plain ASCII words, with no spelling but the possessive.
    plain = term.isascii() and not _INNER_MARK.search(term)
    composed = unicodedata.normalize("NFC", term)
    joined = _INNER_MARK.sub("", composed)
    for form in () if plain else (joined, _ascii_letters(composed), _ascii_letters(joined)):
        folded = fold_term(form)
        words = folded.split()
        if folded == own or folded in forms or not words:
            continue
        if len(words) == 1 and len(folded) < _SLUG_SHORTEST:
            continue
        forms.append(folded)
    if not prefix:
        forms += [f"{form}s" for form in [own, *forms] if _takes_possessive(form)]
    return forms


def _takes_possessive(folded: str) -> bool:
    last = folded.rsplit(" ", 1)[-1]
    return len(last) >= _SLUG_SHORTEST and not last.endswith("s")


def _ascii_letters(text: str) -> str:
    return "".join(c for c in text if c.isascii() or not c.isalpha())


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lower-case to two ("İ"); keep positions aligned instead.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def spacings(folded_term: str) -> list[str]:
    """The spellings of a folded term with one or two spaces between its words.

    Folded text keeps one character per original character, so "EE. UU." folds to
    "ee  uu" and "Cuba, New York" to "cuba  new york"; a multi-word term is looked up
    with each gap one or two spaces wide (all gaps alike beyond three words).
    """
    words = folded_term.split(" ")
    gaps = len(words) - 1
    if gaps == 0:
        return [folded_term]
    if gaps > 3:
        return [" ".join(words), "  ".join(words)]
    return _spaced(words, range(gaps))


def _spaced(words: list[str], flexible: Sequence[int]) -> list[str]:
    """``words`` joined by one space, or two at each combination of ``flexible`` gaps."""
    bits = [0] * (len(words) - 1)  # gap → its bit in the mask (0: never wide)
    for bit, gap in enumerate(flexible):
        bits[gap] = 1 << bit
    spellings = []
    for mask in range(2 ** len(flexible)):
        spelled = words[0]
        for gap, word in enumerate(words[1:]):
            spelled += ("  " if mask & bits[gap] else " ") + word
        spellings.append(spelled)
    return spellings


#: Gaps a long term is looked up with both ways, at most (2**5 spellings).
_MOST_FLEXIBLE = 5


def term_spacings(term: str, *, case_sensitive: bool = False) -> list[str]:
    """The spellings of a term in folded text (``spacings`` of ``fold_term``), where a
    term of five words or more also gets both widths at each gap its own punctuation
    makes: "embajada de EE.UU. en La Habana" is "… ee uu  en …" in a text that writes
    it so, and "… ee  uu  en …" in one that writes "EE. UU.". (Its plain spaces stay
    one space: a writer's own comma inside a long name is rare.)"""
    folded = fold_cased(term) if case_sensitive else _fold_lower(term)
    words = folded.split()
    if len(words) <= 4:
        return spacings(" ".join(words))
    inner = [m for m in re.finditer(r"\s+", folded) if m.start() > 0 and m.end() < len(folded)]
    flexible = [gap for gap, run in enumerate(inner) if term[run.start() : run.end()] != " "]
    spellings = _spaced(words, flexible[:_MOST_FLEXIBLE])
    uniform = "  ".join(words)  # every gap wide, as before
    return spellings if uniform in spellings else [*spellings, uniform]


#: "US" and "UN" as words of a term, which AP style and wire copy write "U.S.", "U.N.".
_DOTTED_WORD = re.compile(r"(?<![\w.])U([SN])(?![\w.])")


def dotted_forms(term: str) -> list[str]:
    """The spelling of a term of several words whose "US" and "UN" a text may write with
    dots: ["U.S. ambassador to the U.N."] for "US ambassador to the UN"; none for "US"
    alone, which is a term of its own beside "U.S."."""
    if " " not in term.strip() or not _DOTTED_WORD.search(term):
        return []
    return [_DOTTED_WORD.sub(r"U.\1.", term)]


@dataclass
class FoldedText:
    """One field (title or body), folded for matching.

    ``lower`` and ``cased`` are the folded text with one space added at each end, so
    every word sits between spaces; position ``i`` in them is ``original[i - 1]``.
    """

    original: str
    cased: str = field(init=False)
    lower: str = field(init=False)

    def __post_init__(self) -> None:
        try:
            raw = self.original.encode("latin-1", "monitor-fold")
        except _NotLatin1:
            self.cased = f" {fold_cased(self.original)} "
            self.lower = f" {_lower(self.cased[1:-1])} "
            return
        self.cased = f" {raw.translate(_LATIN1_CASED).decode('latin-1')} "
        self.lower = f" {raw.translate(_LATIN1_LOWER).decode('latin-1')} "

    def to_original(self, index: int) -> int:
        """Position in ``lower``/``cased`` → position in ``original``."""
        return min(max(index - 1, 0), len(self.original))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of the folded span ``[start, end)``."""
        return self.to_original(start), self.to_original(end)

    def word_end(self, index: int) -> int:
        """Folded position where the word containing ``index`` ends."""
        end = self.lower.find(" ", index)
        return len(self.lower) - 1 if end < 0 else end

    @cached_property
    def _words(self) -> list[int]:
        return [m.start() for m in _WORD.finditer(self.lower)]

    @cached_property
    def word_starts(self) -> list[int]:
        """Where each word begins, as offsets in ``original``."""
        return [position - 1 for position in self._words]

    def word_index(self, index: int) -> int:
        """How many words come before folded position ``index``."""
        return bisect.bisect_right(self._words, index) - 1

    @cached_property
    def hard_wrapped(self) -> bool:
        return is_hard_wrapped(self.original)

    @cached_property
    def sentence_starts(self) -> list[int]:
        """Where each sentence begins: after . ! ? followed by space and a capital (or
        digit, or opening quote), but for the dot of an abbreviation ("EE. UU.", "U.S.",
        "Sen."), and after each line break (each blank line, when the text is
        hard-wrapped)."""
        try:
            marks = self.original.encode("latin-1", "monitor-fold").translate(_SENTENCE_MARKS)
        except _NotLatin1:
            return _regex_starts(self.original, self.hard_wrapped)
        if self.hard_wrapped:
            marks = _unwrap_marks(marks)
        return _sentence_starts(self.original, marks)

    @cached_property
    def paragraph_starts(self) -> list[int]:
        ends = _BLANK_LINE if self.hard_wrapped else _PARAGRAPH_END
        return [0] + [m.end() for m in ends.finditer(self.original)]

    def sentence_of(self, original_index: int) -> int:
        return bisect.bisect_right(self.sentence_starts, original_index) - 1

    def paragraph_of(self, original_index: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, original_index) - 1

    def sentence_span(self, number: int) -> tuple[int, int]:
        starts = self.sentence_starts
        end = starts[number + 1] if number + 1 < len(starts) else len(self.original)
        return starts[number], end
