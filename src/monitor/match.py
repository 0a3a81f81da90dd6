"""Watchlists → one compiled matcher; a title and a text → scored, explained hits.

Pure. The only module importing pyahocorasick. How a text is judged, in order:

1. Title and body are folded (fold.py): accents, case, hyphens, apostrophes and dots do
   not matter; terms marked case-sensitive keep case but still ignore accents.
2. Every alias of every term and every exclusion of every watchlist is found in one pass
   of an Aho-Corasick automaton (one for case-folded text, one for case-kept text). Aliases
   match whole words; an alias ending in ``*`` matches words starting with it.
3. A mention lying inside an exclusion match (the watchlist's own, or a shared one from
   ``_common.yaml``) is void: "Mark Cuban" voids "Cuban", "pelo rubio" voids "rubio".
4. Each term scores ``weight × (scoring.title if it is in the title) + weight ×
   scoring.body × its body mentions (at most scoring.max_repeats)``. A group's score is the
   sum over its terms; the watchlist's score is the sum over its distinct terms.
5. The rule is evaluated over the groups. ``within`` asks for one mention of each listed
   group inside one window (words, sentence or paragraph); a title mention is near every
   mention, because a headline frames its whole article.
6. A hit needs the rule to hold and the score to reach ``min_score``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import ahocorasick

from monitor.fold import FoldedText, fold_term
from monitor.rules import (
    AllOf,
    AnyOf,
    Exclusion,
    GroupRef,
    NoneOf,
    Proximity,
    Rule,
    Term,
    Watchlist,
)
from monitor.snippets import best_snippet
from monitor.types import Field, Hit, TermHit

#: Owner of an exclusion that applies to every watchlist.
SHARED = -1


@dataclass(frozen=True, slots=True)
class _TermOwner:
    watchlist: int
    slot: int  # index into _Compiled.terms
    alias: str


@dataclass(frozen=True, slots=True)
class _ExclusionOwner:
    watchlist: int
    phrase: str
    document: bool
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Void:
    """Where an exclusion matched."""

    field: Field
    start: int
    end: int
    phrase: str
    document: bool
    groups: tuple[str, ...]


_Keys = dict[tuple[bool, str], list[_TermOwner | _ExclusionOwner]]


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a term's alias in one field."""

    watchlist: int
    slot: int
    alias: str
    field: Field
    start: int  # folded positions in FoldedText.lower
    end: int
    text_start: int  # original positions
    text_end: int
    voided_by: str | None = None


@dataclass(frozen=True, slots=True)
class _Slot:
    group: str
    term: Term


@dataclass
class _Compiled:
    watchlist: Watchlist
    slots: list[_Slot] = field(default_factory=list)


@dataclass
class Evaluation:
    """Everything the matcher worked out about one watchlist and one text."""

    watchlist: Watchlist
    mentions: list[Mention]
    score: float
    group_scores: dict[str, float]
    rule_holds: bool
    trace: list[str]
    hit: Hit | None


class Matcher:
    """All watchlists compiled into two automata; build once, use for many texts."""

    def __init__(
        self, watchlists: Sequence[Watchlist], shared_exclusions: Sequence[Exclusion] = ()
    ) -> None:
        self.watchlists = tuple(watchlists)
        self.shared_exclusions = tuple(shared_exclusions)
        self._compiled = [_Compiled(w) for w in self.watchlists]
        keys: _Keys = defaultdict(list)
        for index, compiled in enumerate(self._compiled):
            self._add_watchlist(index, compiled, keys)
        for exclusion in shared_exclusions:
            _add_exclusion(keys, SHARED, exclusion)
        self._lower = _automaton({k: v for (cased, k), v in keys.items() if not cased})
        self._cased = _automaton({k: v for (cased, k), v in keys.items() if cased})

    def _add_watchlist(self, index: int, compiled: _Compiled, keys: _Keys) -> None:
        for group in compiled.watchlist.groups:
            for term in group.terms:
                slot = len(compiled.slots)
                compiled.slots.append(_Slot(group.name, term))
                for alias in term.aliases:
                    keys[_key(alias, term.case_sensitive)].append(_TermOwner(index, slot, alias))
        for exclusion in compiled.watchlist.exclusions:
            _add_exclusion(keys, index, exclusion)

    def match(self, title: str, text: str) -> tuple[Hit, ...]:
        """The hits of every watchlist on this text, in watchlist order."""
        return tuple(e.hit for e in self.evaluate(title, text, only_found=True) if e.hit)

    def evaluate(self, title: str, text: str, *, only_found: bool = False) -> list[Evaluation]:
        """Judge the text against every watchlist (``only_found``: those with a mention)."""
        fields = {"title": FoldedText(title), "body": FoldedText(text)}
        mentions: dict[int, list[Mention]] = defaultdict(list)
        exclusions: dict[int, list[_Void]] = defaultdict(list)
        for name, folded in fields.items():
            for found in self._scan(folded, name):  # type: ignore[arg-type]
                if isinstance(found, Mention):
                    mentions[found.watchlist].append(found)
                else:
                    exclusions[found[0]].append(found[1])
        results = []
        for index, compiled in enumerate(self._compiled):
            if only_found and not mentions.get(index):
                continue
            voids = exclusions.get(index, []) + exclusions.get(SHARED, [])
            judged = _apply_voids(compiled, mentions.get(index, []), voids, fields)
            results.append(_judge(compiled, judged, fields))
        return results

    def _scan(self, folded: FoldedText, name: Field) -> Iterator[Mention | tuple[int, _Void]]:
        for automaton, haystack in ((self._lower, folded.lower), (self._cased, folded.cased)):
            if automaton is None:
                continue
            for last, (key, owners) in automaton.iter(haystack):
                start = last - len(key) + 2  # skip the key's leading space
                end = folded.word_end(last) if key[-1] != " " else last
                text_start, text_end = folded.span(start, end)
                for owner in owners:
                    if isinstance(owner, _ExclusionOwner):
                        void = _Void(
                            name, text_start, text_end, owner.phrase, owner.document, owner.groups
                        )
                        yield owner.watchlist, void
                    else:
                        yield Mention(
                            owner.watchlist, owner.slot, owner.alias, name, start, end,
                            text_start, text_end,
                        )  # fmt: skip


def _key(alias: str, case_sensitive: bool) -> tuple[bool, str]:
    folded = fold_term(alias.rstrip("*"), case_sensitive=case_sensitive)
    return case_sensitive, f" {folded}" if alias.endswith("*") else f" {folded} "


def _automaton(keys: dict[str, list[_TermOwner | _ExclusionOwner]]) -> Any:
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, owners in keys.items():
        automaton.add_word(key, (key, tuple(owners)))
    automaton.make_automaton()
    return automaton


def _add_exclusion(keys: _Keys, owner: int, exclusion: Exclusion) -> None:
    key = _key(exclusion.phrase, exclusion.case_sensitive)
    keys[key].append(_ExclusionOwner(owner, exclusion.phrase, exclusion.document, exclusion.groups))


def _apply_voids(
    compiled: _Compiled, mentions: list[Mention], voids: list[_Void], fields: dict[str, FoldedText]
) -> list[Mention]:
    """Void mentions inside an exclusion; a document-scope exclusion also voids the same
    words wherever else they occur in the text."""
    judged = [_void(m, compiled.slots[m.slot].group, voids) for m in mentions]
    words = {
        _surface(m, fields): m.voided_by
        for m in judged
        if m.voided_by and any(v.document and v.phrase == m.voided_by for v in voids)
    }
    if not words:
        return judged
    return [
        replace(m, voided_by=words[_surface(m, fields)])
        if m.voided_by is None and _surface(m, fields) in words
        else m
        for m in judged
    ]


def _surface(mention: Mention, fields: dict[str, FoldedText]) -> str:
    return fields[mention.field].lower[mention.start : mention.end]


def _void(mention: Mention, group: str, voids: list[_Void]) -> Mention:
    for v in voids:
        inside = v.start <= mention.text_start and mention.text_end <= v.end
        if inside and v.field == mention.field and (not v.groups or group in v.groups):
            return replace(mention, voided_by=v.phrase)
    return mention


def _judge(
    compiled: _Compiled, mentions: list[Mention], fields: dict[str, FoldedText]
) -> Evaluation:
    watchlist = compiled.watchlist
    valid = _outermost([m for m in mentions if m.voided_by is None and _counts(compiled, m)])
    tallies = _tally(compiled, valid)
    group_scores: dict[str, float] = defaultdict(float)
    for (group, _name, _field), tally in tallies.items():
        group_scores[group] += tally.score
    by_term: dict[str, float] = {}
    for (_group, name, fld), tally in tallies.items():
        by_term[f"{name}\0{fld}"] = max(by_term.get(f"{name}\0{fld}", 0.0), tally.score)
    score = round(sum(by_term.values()), 2)
    context = _Context(compiled, valid, group_scores, fields)
    trace: list[str] = []
    holds = context.holds(watchlist.rule, trace, 0)
    hit = None
    if holds and score >= watchlist.min_score and valid:
        terms = tuple(t.as_hit() for t in tallies.values())
        hit = Hit(
            watchlist=watchlist.name,
            score=score,
            terms=tuple(sorted(terms, key=lambda t: (-t.score, t.field, t.position))),
            snippet=best_snippet(fields, valid, compiled.slots),
            tags=watchlist.tags,
        )
    return Evaluation(watchlist, mentions, score, dict(group_scores), holds, trace, hit)


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """Drop a mention inside a longer one of the same term ("missile crisis" inside
    "Cuban missile crisis"): one occurrence counts once, whichever aliases it fits."""
    ordered = sorted(mentions, key=lambda m: (m.slot, m.field, m.text_start, -m.text_end))
    kept: list[Mention] = []
    for m in ordered:
        last = kept[-1] if kept else None
        if last and (last.slot, last.field) == (m.slot, m.field) and m.text_end <= last.text_end:
            continue
        kept.append(m)
    return kept


def _counts(compiled: _Compiled, mention: Mention) -> bool:
    return mention.field in compiled.slots[mention.slot].term.fields


@dataclass
class _Tally:
    term: Term
    group: str
    field: Field
    alias: str
    position: int
    count: int = 0
    score: float = 0.0

    def as_hit(self) -> TermHit:
        return TermHit(
            term=self.term.name, group=self.group, alias=self.alias, field=self.field,
            position=self.position, count=self.count, score=round(self.score, 2),
        )  # fmt: skip


def _tally(compiled: _Compiled, mentions: list[Mention]) -> dict[tuple[str, str, Field], _Tally]:
    tallies: dict[tuple[str, str, Field], _Tally] = {}
    scoring = compiled.watchlist.scoring
    for m in sorted(mentions, key=lambda m: (m.field, m.text_start)):
        slot = compiled.slots[m.slot]
        key = (slot.group, slot.term.name, m.field)
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally(slot.term, slot.group, m.field, m.alias, m.text_start)
        tally.count += 1
        if m.field == "title":
            tally.score = slot.term.weight * scoring.title
        else:
            tally.score = slot.term.weight * scoring.body * min(tally.count, scoring.max_repeats)
    return tallies


@dataclass
class _Context:
    compiled: _Compiled
    mentions: list[Mention]
    group_scores: dict[str, float]
    fields: dict[str, FoldedText]

    def holds(self, rule: Rule, trace: list[str], depth: int) -> bool:
        pad = "  " * depth
        if isinstance(rule, GroupRef):
            score = self.group_scores.get(rule.group, 0.0)
            ok = score >= rule.min_score if rule.min_score else score > 0
            need = f" (needs {rule.min_score:g})" if rule.min_score else ""
            trace.append(f"{pad}{'✓' if ok else '✗'} group {rule.group}: score {score:g}{need}")
            return ok
        kind = {AllOf: "all", AnyOf: "any", NoneOf: "none"}[type(rule)]
        line = len(trace)
        trace.append("")
        results = [self.holds(item, trace, depth + 1) for item in rule.items]
        ok = all(results) if kind == "all" else any(results) if kind == "any" else not any(results)
        label = f"{kind} of"
        if isinstance(rule, AllOf) and rule.within and ok:
            ok = self._near([_group_names(i) for i in rule.items], rule.within)
            label += f" within {_window(rule.within)}" + ("" if ok else " (not near each other)")
        trace[line] = f"{pad}{'✓' if ok else '✗'} {label}:"
        return ok

    def _near(self, wanted: list[frozenset[str]], window: Proximity) -> bool:
        """One mention of some group of each set inside one window (title: anywhere)."""
        in_title = {self._group(m) for m in self.mentions if m.field == "title"}
        sets = [groups for groups in wanted if not groups & in_title]
        if not sets:
            return True
        body = self.fields["body"]
        points = sorted(
            (self._place(body, m, window), index)
            for m in self.mentions
            if m.field == "body"
            for index, groups in enumerate(sets)
            if self._group(m) in groups
        )
        return _covered(points, len(sets), window)

    def _group(self, mention: Mention) -> str:
        return self.compiled.slots[mention.slot].group

    @staticmethod
    def _place(body: FoldedText, mention: Mention, window: Proximity) -> int:
        if window.unit == "words":
            return body.word_index(mention.start)
        if window.unit == "sentence":
            return body.sentence_of(mention.text_start)
        return body.paragraph_of(mention.text_start)


def _covered(points: list[tuple[int, int]], wanted: int, window: Proximity) -> bool:
    """Is there a window holding a point of each of the ``wanted`` sets? (sliding window)"""
    span = window.size if window.unit == "words" else 0
    counts: dict[int, int] = defaultdict(int)
    left = 0
    for place, which in points:
        counts[which] += 1
        while points[left][0] < place - span:
            counts[points[left][1]] -= 1
            left += 1
        if sum(1 for n in counts.values() if n > 0) == wanted:
            return True
    return False


def _group_names(rule: Rule) -> frozenset[str]:
    """The groups a proximity item stands for: one group, or any of several."""
    if isinstance(rule, GroupRef):
        return frozenset({rule.group})
    return frozenset(i.group for i in rule.items if isinstance(i, GroupRef))


def _window(window: Proximity) -> str:
    return f"{window.size} words" if window.unit == "words" else f"one {window.unit}"
