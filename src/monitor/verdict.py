"""Judge one watchlist on the mentions found in one text: score, rule, hit.

Pure; match.py finds the mentions, this module decides what they add up to (steps 4-6 of
the semantics in match.py's docstring). The per-mention work (which mentions count, how
many times, in which sentence) is done once per text in ``Evidence``; each watchlist then
works on the terms it owns, so six watchlists cost little more than one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from monitor.fold import FoldedText
from monitor.rules import AllOf, AnyOf, GroupRef, NoneOf, Proximity, Rule, Term, Watchlist
from monitor.snippets import snippet_of
from monitor.types import Field, Hit, TermHit

SENTENCE = Proximity(unit="sentence")


@dataclass(frozen=True, slots=True)
class Slot:
    """One term as one group holds it; watchlists that share the group share the slot."""

    group: str
    term: Term


class Mention:
    """One occurrence of a term's alias in one field.

    ``start``/``end`` are positions in the folded text, ``text_start``/``text_end`` in
    the original text (one less: the folded text starts with a space).
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


@dataclass
class Evidence:
    """What the mentions of one text add up to, before any watchlist looks at them."""

    slots: list[Slot]
    fields: Mapping[str, FoldedText]
    #: Mentions that count, in text order: not void, in a field their term counts in, and
    #: not inside a longer mention of the same term ("missile crisis" inside "Cuban
    #: missile crisis": one occurrence counts once).
    valid: list[Mention]
    #: (slot, field) → [how many mentions, the first one]
    counts: dict[tuple[int, Field], list[Any]] = field(default_factory=dict)
    #: Slots mentioned in the title.
    in_title: set[int] = field(default_factory=set)
    _places: dict[str, dict[int, frozenset[int]]] = field(default_factory=dict)
    _body_by: dict[str, dict[int, list[Mention]]] = field(default_factory=dict)
    #: Term hits and snippets built for one watchlist and reused by the next.
    cache: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls, slots: list[Slot], fields: Mapping[str, FoldedText], mentions: list[Mention]
    ) -> Evidence:
        """``mentions`` in text order, void ones included."""
        valid: list[Mention] = []
        reach: dict[tuple[int, str], int] = {}
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
        evidence = cls(slots, fields, valid)
        for m in valid:
            entry = evidence.counts.get((m.slot, m.field))
            if entry is None:
                evidence.counts[(m.slot, m.field)] = [1, m]
            else:
                entry[0] += 1
            if m.field == "title":
                evidence.in_title.add(m.slot)
        return evidence

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


@dataclass
class Evaluation:
    """Everything the matcher worked out about one watchlist and one text."""

    watchlist: Watchlist
    mentions: list[Mention]
    score: float
    group_scores: dict[str, float]
    rule_holds: bool
    #: The rule, one line per node with ✓ or ✗ (only when asked for, see Matcher.evaluate).
    trace: list[str]
    hit: Hit | None


def judge(
    watchlist: Watchlist,
    members: frozenset[int],
    evidence: Evidence,
    mentions: list[Mention],
    *,
    explain: bool = False,
) -> Evaluation:
    """Score and rule for one watchlist, which owns the slots ``members``.

    ``mentions`` are the watchlist's own (void ones too), kept for explanations.
    """
    counts = {key: value for key, value in evidence.counts.items() if key[0] in members}
    group_scores, score = _scores(watchlist, evidence.slots, counts)
    if not explain and score < watchlist.min_score:
        return Evaluation(watchlist, mentions, score, group_scores, False, [], None)
    trace: list[str] | None = [] if explain else None
    rules = _Rules(evidence, members, group_scores)
    holds = rules.holds(watchlist.rule, trace, 0)
    hit = None
    if holds and score >= watchlist.min_score and counts:
        hit = Hit(
            watchlist=watchlist.name,
            score=score,
            terms=_term_hits(watchlist, evidence, counts),
            snippet=_snippet(evidence, members),
            tags=watchlist.tags,
        )
    return Evaluation(watchlist, mentions, score, group_scores, holds, trace or [], hit)


def _points(watchlist: Watchlist, term: Term, field: Field, count: int) -> float:
    scoring = watchlist.scoring
    if field == "title":
        return term.weight * scoring.title
    return term.weight * scoring.body * min(count, scoring.max_repeats)


def _scores(
    watchlist: Watchlist, slots: list[Slot], counts: dict[tuple[int, Field], list[Any]]
) -> tuple[dict[str, float], float]:
    """Each group's score, and the watchlist's (each distinct term once per field)."""
    groups: dict[str, float] = defaultdict(float)
    by_term: dict[tuple[str, Field], float] = {}
    for (slot_id, field_name), (count, _first) in counts.items():
        slot = slots[slot_id]
        points = _points(watchlist, slot.term, field_name, count)
        groups[slot.group] += points
        key = (slot.term.name, field_name)
        by_term[key] = max(by_term.get(key, 0.0), points)
    return dict(groups), round(sum(by_term.values()), 2)


def _term_hits(
    watchlist: Watchlist, evidence: Evidence, counts: dict[tuple[int, Field], list[Any]]
) -> tuple[TermHit, ...]:
    hits = []
    for (slot_id, field_name), (count, first) in counts.items():
        key = ("term", slot_id, field_name, id(watchlist.scoring))
        hit = evidence.cache.get(key)
        if hit is None:
            term = evidence.slots[slot_id].term
            hit = evidence.cache[key] = TermHit(
                term=term.name,
                group=evidence.slots[slot_id].group,
                alias=first.alias,
                field=field_name,
                position=first.text_start,
                count=count,
                score=round(_points(watchlist, term, field_name, count), 2),
            )
        hits.append(hit)
    return tuple(sorted(hits, key=_term_order))


def _term_order(term: TermHit) -> tuple[float, str, int]:
    return (-term.score, term.field, term.position)


def _snippet(evidence: Evidence, members: frozenset[int]) -> Any:
    """The body sentence whose distinct terms weigh most (the earliest on a tie), else
    the title."""
    best, best_weight = -1, 0.0
    slots = evidence.slots
    for number, slot_ids in evidence.places(SENTENCE).items():
        weights = {slots[s].term.name: slots[s].term.weight for s in slot_ids & members}
        weight = sum(weights.values())
        if weight > best_weight:
            best, best_weight = number, weight
    field_name = "body" if best >= 0 else "title"
    pool = evidence.body_by(SENTENCE)[best] if best >= 0 else evidence.valid
    chosen = tuple(m for m in pool if m.slot in members and m.field == field_name)
    key = ("snippet", field_name, best, tuple(id(m) for m in chosen))
    found = evidence.cache.get(key)
    if found is None:
        text = evidence.fields[field_name]
        start, end = text.sentence_span(best) if best >= 0 else (0, len(text.original))
        found = evidence.cache[key] = snippet_of(text.original, start, end, chosen)
    return found


class _Rules:
    def __init__(
        self, evidence: Evidence, members: frozenset[int], group_scores: dict[str, float]
    ) -> None:
        self.evidence = evidence
        self.members = members
        self.group_scores = group_scores
        slots = evidence.slots
        self.in_title = {slots[s].group for s in evidence.in_title if s in members}
        self._units: dict[str, list[set[str]]] = {}

    def holds(self, rule: Rule, trace: list[str] | None, depth: int) -> bool:
        """Evaluate ``rule``; with a ``trace``, also write down why, one line per node."""
        if isinstance(rule, GroupRef):
            score = self.group_scores.get(rule.group, 0.0)
            ok = score >= rule.min_score if rule.min_score else score > 0
            if trace is not None:
                need = f" (needs {rule.min_score:g})" if rule.min_score else ""
                trace.append(f"{_pad(depth, ok)} group {rule.group}: score {score:g}{need}")
            return ok
        if trace is None:
            ok = self._decide(rule)
        else:
            line = len(trace)
            trace.append("")
            ok = _combine(rule, [self.holds(item, trace, depth + 1) for item in rule.items])
        near = ""
        if isinstance(rule, AllOf) and rule.within and ok:
            ok = self._near([_group_names(i) for i in rule.items], rule.within)
            near = f" within {_window(rule.within)}" + ("" if ok else " (not near each other)")
        if trace is not None:
            trace[line] = f"{_pad(depth, ok)} {_kind(rule)} of{near}:"
        return ok

    def _decide(self, rule: AllOf | AnyOf | NoneOf) -> bool:
        """all/any/none of the items, stopping at the first item that decides."""
        if isinstance(rule, AllOf):
            return all(self.holds(item, None, 0) for item in rule.items)
        found = any(self.holds(item, None, 0) for item in rule.items)
        return found if isinstance(rule, AnyOf) else not found

    def _near(self, wanted: list[frozenset[str]], window: Proximity) -> bool:
        """One mention of some group of each set inside one window (title: anywhere)."""
        sets = [groups for groups in wanted if not groups & self.in_title]
        if not sets:
            return True
        if window.unit != "words":
            return any(all(s & groups for s in sets) for groups in self._groups_by(window))
        points = sorted(
            (m.place(window), index)
            for m in self.evidence.valid
            if m.field == "body" and m.slot in self.members
            for index, groups in enumerate(sets)
            if self.evidence.slots[m.slot].group in groups
        )
        return _covered(points, len(sets), window)

    def _groups_by(self, window: Proximity) -> list[set[str]]:
        """The groups mentioned in each sentence (or paragraph) of the body."""
        found = self._units.get(window.unit)
        if found is None:
            slots = self.evidence.slots
            found = self._units[window.unit] = [
                {slots[s].group for s in slot_ids & self.members}
                for slot_ids in self.evidence.places(window).values()
            ]
        return found


def _combine(rule: Rule, results: Iterable[bool]) -> bool:
    if isinstance(rule, AllOf):
        return all(results)
    if isinstance(rule, AnyOf):
        return any(results)
    return not any(results)


def _kind(rule: Rule) -> str:
    return {AllOf: "all", AnyOf: "any", NoneOf: "none"}[type(rule)]


def _pad(depth: int, ok: bool) -> str:
    return f"{'  ' * depth}{'✓' if ok else '✗'}"


def _covered(points: list[tuple[int, int]], wanted: int, window: Proximity) -> bool:
    """Is there a window holding a point of each of the ``wanted`` sets? (sliding window)"""
    span = window.size
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


def required_groups(rule: Rule) -> list[frozenset[str]]:
    """Sets of groups of which the text must mention at least one for ``rule`` to hold.

    A cheap necessary condition: the matcher skips a watchlist whose sets are not all met.
    """
    if isinstance(rule, GroupRef):
        return [frozenset({rule.group})]
    if isinstance(rule, AllOf):
        return [s for item in rule.items for s in required_groups(item)]
    if isinstance(rule, AnyOf):
        options = [required_groups(item) for item in rule.items]
        if any(not o for o in options):
            return []  # one branch needs nothing we can check cheaply
        return [frozenset().union(*(s for o in options for s in o))]
    return []
