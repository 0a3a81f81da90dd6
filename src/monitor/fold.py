"""Fold text for matching, and map every match back to the original words.

Folding makes "Díaz-Canel", "DIAZ CANEL" and "diaz  canel" one spelling: accents are
stripped, every run of punctuation, symbols and spaces (hyphens, apostrophes, dots,
commas) becomes one space, and the result is lower-cased (a second, case-kept variant
serves case-sensitive terms). Letters never merge: "EE.UU." folds to "ee uu", "U.S." to
"u s", "Cuba's" to "cuba s".

Folding is one ``str.translate`` that keeps every character in place, then a squeeze of
space runs; a short table of the squeezed runs maps any position back to the original
text, so snippets and explanations show the words as written.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

_SPACE_RUN = re.compile(r"  +")
_SPACE = re.compile(r" ")
_NOT_WORD = re.compile(r"[^\w\u0300-\u036f]|_")
# A sentence ends at . ! ? … (and closing quotes) followed by space and a capital,
# digit, opening quote or Spanish opening mark; or at a line break.
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"'”’»)]*\s+(?=[\"'“‘«(¿¡]*[A-ZÁÉÍÓÚÑÜ0-9])|\n+"
)  # fmt: skip
_PARAGRAPH_END = re.compile(r"\n\s*\n|\n")


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


def fold_cased(text: str) -> str:
    """Accents stripped, separators turned into spaces, length and case unchanged."""
    folded = text.translate(_TABLE)
    if not folded.isascii():
        folded = _NOT_WORD.sub(" ", folded)
    return folded


def fold_term(term: str, *, case_sensitive: bool = False) -> str:
    """A term or alias as it appears in folded text ("" if nothing is left)."""
    folded = " ".join(fold_cased(term).split())
    return folded if case_sensitive else _lower(folded)


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lower-case to two ("İ"); keep positions aligned instead.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@dataclass
class FoldedText:
    """One field (title or body), folded for matching.

    ``lower`` and ``cased`` are the squeezed, space-padded folded text; a match at
    ``[i, j)`` in either maps to ``original[span(i, j)]``.
    """

    original: str
    cased: str = field(init=False)
    lower: str = field(init=False)
    _breaks: list[int] = field(init=False, repr=False)
    _shifts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        padded = f" {fold_cased(self.original)} "
        breaks, shifts, removed = [], [], 0
        for run in _SPACE_RUN.finditer(padded):
            removed += run.end() - run.start() - 1
            breaks.append(run.start() - (removed - (run.end() - run.start() - 1)))
            shifts.append(removed)
        self._breaks, self._shifts = breaks, shifts
        self.cased = _SPACE_RUN.sub(" ", padded)
        self.lower = _lower(self.cased)

    def to_original(self, index: int) -> int:
        """Position in ``lower``/``cased`` → position in ``original``."""
        k = bisect.bisect_left(self._breaks, index)
        shift = self._shifts[k - 1] if k else 0
        return min(max(index + shift - 1, 0), len(self.original))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of the folded span ``[start, end)`` (both inside one word run)."""
        return self.to_original(start), self.to_original(end - 1) + 1

    def word_end(self, index: int) -> int:
        """Folded position where the word containing ``index`` ends."""
        end = self.lower.find(" ", index)
        return len(self.lower) - 1 if end < 0 else end

    @cached_property
    def _spaces(self) -> list[int]:
        return [m.start() for m in _SPACE.finditer(self.lower)]

    def word_index(self, index: int) -> int:
        """How many words come before folded position ``index``."""
        return bisect.bisect_right(self._spaces, index) - 1

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [0] + [m.end() for m in _SENTENCE_END.finditer(self.original)]

    @cached_property
    def paragraph_starts(self) -> list[int]:
        return [0] + [m.end() for m in _PARAGRAPH_END.finditer(self.original)]

    def sentence_of(self, original_index: int) -> int:
        return bisect.bisect_right(self.sentence_starts, original_index) - 1

    def paragraph_of(self, original_index: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, original_index) - 1

    def sentence_span(self, number: int) -> tuple[int, int]:
        starts = self.sentence_starts
        end = starts[number + 1] if number + 1 < len(starts) else len(self.original)
        return starts[number], end
