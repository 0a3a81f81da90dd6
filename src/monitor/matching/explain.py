"""An evaluation told as text: the verdict, the rule node by node, each term once.

Pure. ``monitor explain`` prints these lines; they are the user's way to see why a text
is (or is not) on a watchlist, so every figure the decision used is shown, and none
twice.
"""

from __future__ import annotations

from collections import Counter

from monitor.matching.mentions import BOILERPLATE, SENSE
from monitor.matching.verdict import Evaluation
from monitor.types import TermHit


def verdict_line(e: Evaluation) -> str:
    """The verdict and its reason, never a bare score that reads as a contradiction."""
    w, score = e.watchlist, f"{e.score:g}"
    minimum = f"min_score {w.min_score:g}"
    if e.hit:
        return f"{w.name}: MATCH: the rule holds and score {score} reaches {minimum}"
    if e.rule_holds:
        return f"{w.name}: no match: the rule holds but score {score} is below {minimum}"
    if e.score >= w.min_score:
        return f"{w.name}: no match: the rule does not hold (score {score} reaches {minimum})"
    return f"{w.name}: no match: the rule does not hold and score {score} is below {minimum}"


def explain_lines(e: Evaluation) -> list[str]:
    lines = [verdict_line(e), "  rule:"]
    lines += [f"    {line}" for line in e.trace]
    if e.terms:
        lines.append("  terms found (each once: where, how often, score):")
        lines += [f"    + {_term(e, found)}" for found in _by_term(e.terms)]
    void = Counter((m.alias, m.field, m.voided_by) for m in e.mentions if m.voided_by is not None)
    if void:
        lines.append("  not counted:")
        for (alias, field, why), times in void.items():
            lines.append(f"    - {alias!r} in the {field}, {times}x: {_reason(why)}")
    if e.hit:
        lines.append(f"  snippet: {e.hit.snippet.marked()}")
    return lines


def _by_term(terms: tuple[TermHit, ...]) -> list[list[TermHit]]:
    """The term hits of each term together (the title's first), strongest term first."""
    found: dict[tuple[str, str], list[TermHit]] = {}
    for t in terms:
        found.setdefault((t.term, t.group), []).append(t)
    return [sorted(fields, key=lambda t: t.field != "title") for fields in found.values()]


def _term(e: Evaluation, fields: list[TermHit]) -> str:
    first = fields[0]
    places = "; ".join(
        f"{t.alias!r} in the {_place(e, t)} at {t.position}, {t.count}x: {t.score:g}"
        for t in fields
    )
    return f"{first.term} [{first.group}] as {places}"


def _place(e: Evaluation, t: TermHit) -> str:
    if t.field == "title":
        return "title"
    return "lead" if t.position < e.lead_end else "body, past the lead"


def _reason(voided_by: str) -> str:
    if voided_by == BOILERPLATE:
        return voided_by
    if voided_by.startswith(SENSE):
        return f"another sense, {voided_by.removeprefix(SENSE)!r}"
    return f"voided by exclusion {voided_by!r}"
