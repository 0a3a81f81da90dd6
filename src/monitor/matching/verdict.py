"""Judge one watchlist on the evidence of one text: score, rule, hit.

Pure; matcher.py finds the mentions and evidence.py adds them up once per text; this
module decides what they mean for one watchlist (steps 4-6 of the semantics in
matcher.py's docstring), working only on the slots the watchlist owns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.matching import proximity
from monitor.matching.evidence import CountKey, Evidence, Mention, Slot, TermCount
from monitor.matching.model import (
    AllOf,
    AnyOf,
    GroupRef,
    NoneOf,
    Proximity,
    Rule,
    Salience,
    Term,
    Watchlist,
)
from monitor.matching.snippets import snippet_of
from monitor.types import Field, Hit, Snippet, TermHit

SENTENCE = Proximity(unit="sentence")


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything the matcher worked out about one watchlist and one text."""

    watchlist: Watchlist
    #: The watchlist's own mentions, void ones too (only when explaining).
    mentions: tuple[Mention, ...]
    score: float
    rule_holds: bool
    #: The rule, one line per node with ✓ or ✗ (only when asked for, see Matcher.evaluate).
    trace: tuple[str, ...]
    hit: Hit | None
    #: The terms found, each once per field, hit or not (only when explaining).
    terms: tuple[TermHit, ...] = ()
    #: Where the body's lead ends (an offset), to say where a term sits.
    lead_end: int = 0


def judge(
    watchlist: Watchlist,
    members: frozenset[int],
    evidence: Evidence,
    mentions: tuple[Mention, ...],
    *,
    explain: bool = False,
) -> Evaluation:
    """Score and rule for one watchlist, which owns the slots ``members``.

    ``mentions`` are the watchlist's own (void ones too), kept for explanations.
    """
    trace: list[str] | None = [] if explain else None
    score, holds, hit = _decide(watchlist, members, evidence, trace)
    if not explain:
        return Evaluation(watchlist, mentions, score, holds, (), hit)
    counts = {key: value for key, value in evidence.counts.items() if key[0] in members}
    return Evaluation(
        watchlist, mentions, score, holds, tuple(trace or ()), hit,
        terms=_term_hits(watchlist, evidence, counts),
        lead_end=evidence.lead_end(watchlist.salience),
    )  # fmt: skip


def hit_of(watchlist: Watchlist, members: frozenset[int], evidence: Evidence) -> Hit | None:
    """The hit alone: ``judge`` without the explanation, for the matcher's fast path."""
    return _decide(watchlist, members, evidence, None)[2]


def _decide(
    watchlist: Watchlist, members: frozenset[int], evidence: Evidence, trace: list[str] | None
) -> tuple[float, bool, Hit | None]:
    """(score, does the rule hold, the hit); the rule is skipped when the score alone
    rules the text out and no trace is wanted."""
    counts = {key: value for key, value in evidence.counts.items() if key[0] in members}
    group_scores, score = _scores(watchlist, evidence.slots, counts)
    if trace is None and score < watchlist.min_score:
        return score, False, None
    rules = _Rules(evidence, members, group_scores, watchlist.salience)
    holds = rules.holds(watchlist.rule, trace, 0)
    if not (holds and score >= watchlist.min_score and counts):
        return score, holds, None
    hit = Hit(
        watchlist=watchlist.name,
        score=score,
        terms=_term_hits(watchlist, evidence, counts),
        snippet=_snippet(evidence, members),
        tags=watchlist.tags,
    )
    return score, holds, hit


def _score(watchlist: Watchlist, term: Term, field: Field, count: int) -> float:
    """What a term adds to its group's score in one field (``TermHit.score``)."""
    scoring = watchlist.scoring
    if field == "title":
        return term.weight * scoring.title
    return term.weight * scoring.body * min(count, scoring.max_repeats)


def _scores(
    watchlist: Watchlist, slots: list[Slot], counts: dict[CountKey, TermCount]
) -> tuple[dict[str, float], float]:
    """Each group's score, and the watchlist's (each distinct term once per field)."""
    groups: dict[str, float] = defaultdict(float)
    by_term: dict[tuple[str, Field], float] = {}
    for (slot_id, field_name), found in counts.items():
        slot = slots[slot_id]
        score = _score(watchlist, slot.term, field_name, found.times)
        groups[slot.group] += score
        key = (slot.term.name, field_name)
        by_term[key] = max(by_term.get(key, 0.0), score)
    return dict(groups), round(sum(by_term.values()), 2)


def _term_hits(
    watchlist: Watchlist, evidence: Evidence, counts: dict[CountKey, TermCount]
) -> tuple[TermHit, ...]:
    hits = []
    # Term hits depend on the scoring only: watchlists that score alike share them.
    known = evidence.term_hits.setdefault(watchlist.scoring, {})
    for key, found in counts.items():
        hit = known.get(key)
        if hit is None:
            slot_id, field_name = key
            term = evidence.slots[slot_id].term
            hit = known[key] = TermHit(
                term=term.name,
                group=evidence.slots[slot_id].group,
                alias=found.first.alias,
                field=field_name,
                position=found.first.text_start,
                count=found.times,
                score=round(_score(watchlist, term, field_name, found.times), 2),
            )
        hits.append(hit)
    return tuple(sorted(hits, key=_term_order))


def _term_order(term: TermHit) -> tuple[float, str, int]:
    return (-term.score, term.field, term.position)


def _snippet(evidence: Evidence, members: frozenset[int]) -> Snippet:
    """The body sentence whose distinct terms weigh most (the earliest on a tie), else
    the title."""
    best, best_weight = -1, 0.0
    slots = evidence.slots
    for number, slot_ids in evidence.places(SENTENCE).items():
        weights = {slots[s].term.name: slots[s].term.weight for s in slot_ids & members}
        weight = sum(weights.values())
        if weight > best_weight:
            best, best_weight = number, weight
    field_name: Field = "body" if best >= 0 else "title"
    pool = evidence.body_by(SENTENCE)[best] if best >= 0 else evidence.valid
    spans = tuple(
        (m.start - 1, m.end - 1) for m in pool if m.slot in members and m.field == field_name
    )
    key = (field_name, best, spans)
    found = evidence.snippets.get(key)
    if found is None:
        text = evidence.fields[field_name]
        start, end = text.sentence_span(best) if best >= 0 else (0, len(text.original))
        found = evidence.snippets[key] = snippet_of(text.original, start, end, spans)
    return found


class _Rules:
    def __init__(
        self,
        evidence: Evidence,
        members: frozenset[int],
        group_scores: dict[str, float],
        salience: Salience,
    ) -> None:
        self.evidence = evidence
        self.members = members
        self.group_scores = group_scores
        self.salience = salience
        slots = evidence.slots
        self.in_title = {slots[s].group for s in evidence.in_title if s in members}
        self._in_lead: set[str] | None = None

    def holds(self, rule: Rule, trace: list[str] | None, depth: int) -> bool:
        """Evaluate ``rule``; with a ``trace``, also write down why, one line per node."""
        if isinstance(rule, GroupRef):
            return self._group(rule, trace, depth)
        if trace is None:
            ok = self._decide(rule)
        else:
            line = len(trace)
            trace.append("")
            ok = _combine(rule, [self.holds(item, trace, depth + 1) for item in rule.items])
        near = ""
        if isinstance(rule, AllOf) and rule.within and ok:
            found = proximity.near(
                self.evidence, self.members, self.in_title,
                [_group_names(i) for i in rule.items], rule.within, self.salience,
            )  # fmt: skip
            ok, near = found.holds, f" within {_window(rule.within)} ({found.why})"
        if trace is not None:
            trace[line] = f"{_pad(depth, ok)} {_kind(rule)} of{near}:"
        return ok

    def _group(self, rule: GroupRef, trace: list[str] | None, depth: int) -> bool:
        score = self.group_scores.get(rule.group, 0.0)
        ok = score >= rule.min_score if rule.min_score else score > 0
        if ok and rule.where != "anywhere":
            ok = rule.group in self.in_title or (
                rule.where == "lead" and rule.group in self._lead_groups()
            )
        if trace is not None:
            need = f" (needs {rule.min_score:g})" if rule.min_score else ""
            where = f", in the {'title' if rule.where == 'title' else 'title or lead'}"
            where = where if rule.where != "anywhere" else ""
            trace.append(f"{_pad(depth, ok)} group {rule.group}: score {score:g}{need}{where}")
        return ok

    def _lead_groups(self) -> set[str]:
        if self._in_lead is None:
            self._in_lead = proximity.lead_groups(self.evidence, self.members, self.salience)
        return self._in_lead

    def _decide(self, rule: AllOf | AnyOf | NoneOf) -> bool:
        """all/any/none of the items, stopping at the first item that decides."""
        if isinstance(rule, AllOf):
            return all(self.holds(item, None, 0) for item in rule.items)
        found = any(self.holds(item, None, 0) for item in rule.items)
        return found if isinstance(rule, AnyOf) else not found


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
