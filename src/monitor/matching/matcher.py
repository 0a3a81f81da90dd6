"""Watchlists → one compiled matcher; a title and a text → scored, explained hits.

Pure. The only module importing pyahocorasick. How a text is judged, in order:

1. Title and body are folded (fold.py): accents, case, hyphens, apostrophes and dots do
   not matter; terms marked case-sensitive keep case but still ignore accents.
2. Every alias of every term and every exclusion of every watchlist is found in one pass
   of one Aho-Corasick automaton over the lower-cased folding; a case-sensitive alias is
   then checked against the case-kept folding at the same place. Aliases match whole
   words; an alias ending in ``*`` matches words starting with it.
3. A mention lying inside an exclusion match (the watchlist's own, or a shared one from
   ``_common.yaml``) is void: "Mark Cuban" voids "Cuban", "pelo rubio" voids "rubio". An
   exclusion with document scope voids the same words everywhere in the text.
4. Each term scores ``weight × (scoring.title if it is in the title) + weight ×
   scoring.body × its body mentions (at most scoring.max_repeats)``. A group's score is the
   sum over its terms; the watchlist's score is the sum over its distinct terms.
5. The rule is evaluated over the groups. ``within`` asks for one mention of each listed
   group inside one window (words, sentence or paragraph); a title mention is near every
   mention, because a headline frames its whole article.
6. A hit needs the rule to hold and the score to reach ``min_score``.

Step 3 ends in evidence.py (which mentions count, how often, where); steps 4-6 live in
verdict.py.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

import ahocorasick

from monitor.matching.evidence import Evidence, Mention, Slot
from monitor.matching.mentions import (
    SHARED,
    ExclusionOwner,
    Found,
    Owner,
    SenseOwner,
    TermOwner,
    apply_voids,
    scan,
)
from monitor.matching.model import Exclusion, Term, Watchlist
from monitor.matching.verdict import Evaluation, hit_of, judge, required_groups
from monitor.text.fold import (
    FoldedText,
    dotted_forms,
    normalize,
    slug_forms,
    term_spacings,
)
from monitor.types import Hit

__all__ = ["Evaluation", "Matcher", "Mention"]

_Keys = dict[str, list[Owner]]


class Matcher:
    """All watchlists compiled into one automaton; build once, use for many texts.

    A term that several watchlists share (a group of ``_common.yaml``) is one slot, found
    once per occurrence; each watchlist then judges the mentions of its own slots.
    """

    def __init__(
        self, watchlists: Sequence[Watchlist], shared_exclusions: Sequence[Exclusion] = ()
    ) -> None:
        self.watchlists = tuple(watchlists)
        self.shared_exclusions = tuple(shared_exclusions)
        self._slots: list[Slot] = []
        self._slot_ids: dict[Slot, int] = {}
        keys: _Keys = defaultdict(list)
        self._members = [self._add_watchlist(i, w, keys) for i, w in enumerate(self.watchlists)]
        self._required = [required_groups(w.rule) for w in self.watchlists]
        for exclusion in shared_exclusions:
            _add_exclusion(keys, SHARED, exclusion)
        self._automaton = self._build(keys)
        self._fingerprint: str | None = None

    @property
    def fingerprint(self) -> str:
        """Names these watchlists and exclusions: two matchers with one fingerprint find
        the same hits (an extraction worker's and the poll's, ``ingest.reading``)."""
        if self._fingerprint is None:
            described = repr((self.watchlists, self.shared_exclusions)).encode()
            self._fingerprint = hashlib.blake2b(described, digest_size=12).hexdigest()
        return self._fingerprint

    def _add_watchlist(self, index: int, watchlist: Watchlist, keys: _Keys) -> frozenset[int]:
        members = set()
        for group in watchlist.groups:
            for term in group.terms:
                slot = Slot(group.name, term)
                if slot not in self._slot_ids:
                    self._slot_ids[slot] = len(self._slots)
                    self._slots.append(slot)
                    slot_id = self._slot_ids[slot]
                    self._add_term(slot_id, term, keys)
                members.add(self._slot_ids[slot])
        for exclusion in watchlist.exclusions:
            _add_exclusion(keys, index, exclusion)
        return frozenset(members)

    @staticmethod
    def _add_term(slot_id: int, term: Term, keys: _Keys) -> None:
        own: set[str] = set()
        slugs: list[tuple[str, TermOwner]] = []
        for alias in term.aliases:
            for key, cased, slug in _keys(alias, term.case_sensitive):
                if slug:
                    slugs.append((key, TermOwner(slot_id, alias, None, slug=True)))
                else:
                    own.add(key)
                    keys[key].append(TermOwner(slot_id, alias, cased))
        # A slug spelling of one alias that is another alias ("EEUU") is found once.
        for key, owner in slugs:
            if key not in own:
                keys[key].append(owner)
        for sense in term.senses:
            for key, cased, slug in _keys(sense.phrase, False):
                keys[key].append(SenseOwner(slot_id, sense, cased, slug=slug))

    def _build(self, keys: _Keys) -> Any:
        if not keys:
            return None
        automaton = ahocorasick.Automaton()
        for key, owners in keys.items():
            groups = frozenset(
                self._slots[o.slot].group for o in owners if isinstance(o, TermOwner)
            )
            automaton.add_word(key, (key, tuple(owners), groups))
        automaton.make_automaton()
        return automaton

    def match(
        self, title: str, text: str, language: str | None = None, *, published: date | None = None
    ) -> tuple[Hit, ...]:
        """The hits of every watchlist on this text, in watchlist order.

        ``language`` (an ISO 639-1 code, when known) decides the terms and senses that
        belong to one language; ``published`` (None: today) the terms of some dates only.
        """
        found = (
            hit_of(self.watchlists[index], self._members[index], evidence)
            for index, evidence, _own in self._judgeable(
                title, text, language, published, only_possible=True
            )
        )
        return tuple(hit for hit in found if hit is not None)

    def evaluate(
        self,
        title: str,
        text: str,
        language: str | None = None,
        *,
        published: date | None = None,
        explain: bool = False,
    ) -> list[Evaluation]:
        """Judge the text against every watchlist; ``explain`` writes down every rule
        node's result and keeps each watchlist's mentions, void ones too."""
        return [
            judge(self.watchlists[index], self._members[index], evidence, own, explain=explain)
            for index, evidence, own in self._judgeable(
                title, text, language, published, keep_mentions=explain
            )
        ]

    def _judgeable(
        self,
        title: str,
        text: str,
        language: str | None,
        published: date | None,
        *,
        only_possible: bool = False,
        keep_mentions: bool = False,
    ) -> Iterator[tuple[int, Evidence, tuple[Mention, ...]]]:
        """Each watchlist to judge, with the evidence it judges (and its own mentions).

        ``only_possible`` skips watchlists whose rule cannot hold for lack of a group.
        """
        fields: dict[str, FoldedText] = {
            "title": FoldedText(normalize(title)),
            "body": FoldedText(normalize(text)),
        }
        automaton = self._automaton
        found: Found = {
            name: list(automaton.iter(folded.lower)) if automaton is not None else []
            for name, folded in fields.items()
        }
        chosen = self._possible(found) if only_possible else range(len(self.watchlists))
        if not chosen:
            return
        # A datetime is a date, but the two do not compare: terms' dates are days.
        day = published.date() if isinstance(published, datetime) else published
        scanned = scan(found, fields, self._slots, language, day)
        mentions = scanned.mentions
        shared = Evidence.of(self._slots, fields, mentions, scanned.boilerplate)
        for index in chosen:
            members = self._members[index]
            voids = scanned.voids.get(index)
            # The watchlist's own mentions are needed only to explain, or when its own
            # exclusions matched (then it gets evidence of its own).
            if not (keep_mentions or voids):
                yield index, shared, ()
                continue
            own = [m for m in mentions if m.slot in members]
            if not voids:
                yield index, shared, tuple(own)
                continue
            own = apply_voids(own, voids, self._slots)
            yield index, Evidence.of(self._slots, fields, own, scanned.boilerplate), tuple(own)

    def _possible(self, found: Found) -> list[int]:
        present: set[str] = set()
        for matches in found.values():
            for _last, payload in matches:
                present |= payload[2]
        if not present:
            return []
        return [
            index
            for index, required in enumerate(self._required)
            if all(needed & present for needed in required)
        ]


def _add_exclusion(keys: _Keys, owner: int, exclusion: Exclusion) -> None:
    for key, cased, slug in _keys(exclusion.phrase, exclusion.case_sensitive):
        keys[key].append(ExclusionOwner(owner, exclusion, cased, slug=slug))


def _keys(alias: str, case_sensitive: bool) -> list[tuple[str, str | None, bool]]:
    """Automaton keys for an alias (lower-cased, space-delimited, open-ended for a
    prefix; one per spacing, and per spelling of its "US" and "UN" with dots), each with the
    case-kept form a case-sensitive alias must show at the match, and whether it is a
    spelling only a URL slug gives."""
    stem = alias.rstrip("*")
    end = "" if alias.endswith("*") else " "
    keys = [
        key
        for spelling in (stem, *dotted_forms(stem))
        for key in _spelled(spelling, end, case_sensitive)
    ]
    return keys + [(f" {form}{end}", None, True) for form in slug_forms(stem, prefix=not end)]


def _spelled(stem: str, end: str, case_sensitive: bool) -> list[tuple[str, str | None, bool]]:
    lowers = term_spacings(stem)
    caseds = term_spacings(stem, case_sensitive=True) if case_sensitive else None
    return [
        (f" {lower}{end}", caseds[i] if caseds else None, False) for i, lower in enumerate(lowers)
    ]
