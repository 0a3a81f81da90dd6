"""What the mentions of one text add up to, before any watchlist judges them.

Pure. The matcher finds ``Mention``s; ``Evidence.of`` works out once per text which of
them count, how often each term is mentioned in each field, and (on demand) which terms
share a sentence, paragraph or word window. Every watchlist then judges the slots it
owns from the same evidence, so six watchlists cost little more than one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from monitor.matching.model import Proximity, Salience, Scoring, Term
from monitor.text.fold import FoldedText
from monitor.types import Field, Snippet, TermHit


@dataclass(frozen=True, slots=True)
class Slot:
    """One term as one group holds it; watchlists that share the group share the slot."""

    group: str
    term: Term


class Mention:
    """One occurrence of a term's alias in one field.

    ``start``/``end`` are positions in the folded text, ``text_start``/``text_end`` in
    the original text (one less: the folded text starts with a space). A plain class
    with slots rather than a dataclass: a long article has thousands, and its sentence
    and paragraph numbers are looked up lazily.
    """

    __slots__ = (
        "_folded", "_paragraph", "_sentence", "alias", "end", "field", "slot", "start",
        "voided_by",
    )  # fmt: skip

    def __init__(
        self, slot: int, alias: str, field: Field, start: int, end: int, folded: FoldedText
    ) -> None:
        self.slot, self.alias, self.field = slot, alias, field
        self.start, self.end = start, end
        self._folded = folded
        self._sentence = self._paragraph = -1
        #: The exclusion that voided this mention, or None.
        self.voided_by: str | None = None

    @property
    def text_start(self) -> int:
        return self.start - 1

    @property
    def text_end(self) -> int:
        return self.end - 1

    def place(self, window: Proximity) -> int:
        """Which word, sentence or paragraph of its field the mention is in."""
        if window.unit == "sentence":
            if self._sentence < 0:
                self._sentence = self._folded.sentence_of(self.start - 1)
            return self._sentence
        if window.unit == "paragraph":
            if self._paragraph < 0:
                self._paragraph = self._folded.paragraph_of(self.start - 1)
            return self._paragraph
        return self._folded.word_index(self.start)

    def voided(self, phrase: str) -> Mention:
        copy = Mention(self.slot, self.alias, self.field, self.start, self.end, self._folded)
        copy.voided_by = phrase
        return copy


class TermCount(NamedTuple):
    """How often one term (slot) is mentioned in one field, and its first mention.

    A NamedTuple: as immutable as a frozen dataclass and three times cheaper to make,
    which counts at one per term per text.
    """

    times: int
    first: Mention


CountKey = tuple[int, Field]
#: A snippet is the same for every watchlist that chose the same mentions of a sentence.
SnippetKey = tuple[Field, int, tuple[tuple[int, int], ...]]


@dataclass
class Evidence:
    """What the mentions of one text add up to; built by ``of``, read by verdict.py.

    Not frozen: the per-window groupings and the term hits and snippets that one
    watchlist builds are kept for the next watchlist that needs the same ones.
    """

    slots: list[Slot]
    fields: Mapping[str, FoldedText]
    #: Mentions that count, in text order: not void, in a field their term counts in, and
    #: not inside a longer mention of the same term ("missile crisis" inside "Cuban
    #: missile crisis": one occurrence counts once).
    valid: list[Mention]
    counts: dict[CountKey, TermCount] = field(default_factory=dict)
    #: Slots mentioned in the title.
    in_title: set[int] = field(default_factory=set)
    #: The body's boilerplate lines (original offsets): the lead skips them.
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    _leads: dict[tuple[int, int], int] = field(default_factory=dict)
    _places: dict[str, dict[int, frozenset[int]]] = field(default_factory=dict)
    _body_by: dict[str, dict[int, list[Mention]]] = field(default_factory=dict)
    #: Term hits by scoring, then (slot, field): watchlists that score alike share them.
    term_hits: dict[Scoring, dict[CountKey, TermHit]] = field(default_factory=dict)
    snippets: dict[SnippetKey, Snippet] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        slots: list[Slot],
        fields: Mapping[str, FoldedText],
        mentions: list[Mention],
        boilerplate: list[tuple[int, int]] | None = None,
    ) -> Evidence:
        """``mentions`` in text order, void ones included."""
        valid: list[Mention] = []
        reach: dict[CountKey, int] = {}
        tally: dict[CountKey, list[Mention]] = {}
        for m in mentions:
            key = (m.slot, m.field)
            if (
                m.voided_by
                or m.field not in slots[m.slot].term.fields
                or m.end <= reach.get(key, -1)
            ):
                continue
            reach[key] = m.end
            valid.append(m)
            tally.setdefault(key, []).append(m)
        counts = {key: TermCount(len(found), found[0]) for key, found in tally.items()}
        in_title = {slot for slot, field_name in counts if field_name == "title"}
        return cls(slots, fields, valid, counts, in_title, boilerplate or [])

    def lead_end(self, salience: Salience) -> int:
        """Where the body's lead ends (an original offset): its first
        ``salience.lead_words`` words past any boilerplate lines at its top; a text of at
        most ``salience.short_text`` words is all lead."""
        key = (salience.lead_words, salience.short_text)
        found = self._leads.get(key)
        if found is None:
            found = self._leads[key] = _lead_end(self.fields["body"], self.boilerplate, salience)
        return found

    def is_short(self, salience: Salience) -> bool:
        """Is the body at most ``salience.short_text`` words: all lead?"""
        return len(self.fields["body"].word_starts) <= salience.short_text

    def places(self, window: Proximity) -> dict[int, frozenset[int]]:
        """Body sentence (or paragraph, or word) → the slots mentioned there, in order."""
        found = self._places.get(window.unit)
        if found is None:
            found = self._places[window.unit] = {
                place: frozenset(m.slot for m in mentions)
                for place, mentions in sorted(self.body_by(window).items())
            }
        return found

    def body_by(self, window: Proximity) -> dict[int, list[Mention]]:
        """Body sentence (or paragraph, or word) → the mentions there, in text order."""
        found = self._body_by.get(window.unit)
        if found is None:
            grouped: dict[int, list[Mention]] = defaultdict(list)
            for m in self.valid:
                if m.field == "body":
                    grouped[m.place(window)].append(m)
            found = self._body_by[window.unit] = dict(grouped)
        return found


def _lead_end(body: FoldedText, boilerplate: list[tuple[int, int]], salience: Salience) -> int:
    starts = body.word_starts  # original offsets of each word
    if len(starts) <= salience.short_text:
        return len(body.original)
    first = 0
    for start, end in boilerplate:  # boilerplate lines at the very top do not count
        if first < len(starts) and start <= starts[first] < end:
            while first < len(starts) and starts[first] < end:
                first += 1
    last = first + salience.lead_words
    return starts[last] if last < len(starts) else len(body.original)
