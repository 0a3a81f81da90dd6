"""Explanations: a verdict that gives its reason, each term once, a short "why"."""

from __future__ import annotations

import pytest

from monitor.matching.explain import explain_lines
from monitor.matching.matcher import Matcher
from monitor.matching.model import AllOf, Group, GroupRef, Term, Watchlist

CUBA = Group(name="cuba", terms=(
    Term(name="Cuba", aliases=("Cuba", "cuban*")),
    Term(name="Havana", aliases=("Havana",)),
    Term(name="Díaz-Canel", aliases=("Díaz-Canel",), weight=2),
))  # fmt: skip
US = Group(name="us", terms=(Term(name="United States", aliases=("United States",)),))
OIL = Group(name="oil", terms=(Term(name="oil", aliases=("oil", "fuel"), weight=3),))


def evaluate(title: str, text: str, *, min_score: float, rule: AllOf | None = None) -> str:
    rule = rule or AllOf(items=(GroupRef(group="cuba"), GroupRef(group="us")))
    w = Watchlist(name="w", title="W", groups=(CUBA, US, OIL), rule=rule, min_score=min_score)
    [e] = Matcher([w]).evaluate(title, text, explain=True)
    return "\n".join(explain_lines(e))


@pytest.mark.parametrize(
    ("title", "min_score", "verdict"),
    [
        ("Cuba and the United States", 1, "w: MATCH: the rule holds and score 6 reaches min_score 1"),
        ("Cuba and the United States", 9, "w: no match: the rule holds but score 6 is below min_score 9"),
        ("Cuba and Havana", 4, "w: no match: the rule does not hold (score 6 reaches min_score 4)"),
        ("Cuba", 4, "w: no match: the rule does not hold and score 3 is below min_score 4"),
    ],
)  # fmt: skip
def test_the_verdict_gives_its_reason(title: str, min_score: float, verdict: str) -> None:
    assert evaluate(title, "", min_score=min_score).splitlines()[0] == verdict


def test_each_term_is_listed_once_with_where_and_how_often() -> None:
    text = (
        "Cuba spoke. " + "Filler words here. " * 60 + "Cuba and the United States met. Cuba left."
    )
    lines = evaluate("Cuba talks", text, min_score=1)
    [cuba] = [line for line in lines.splitlines() if "+ Cuba [cuba]" in line]
    assert "'Cuba' in the title at 0, 1x: 3; 'Cuba' in the lead at 0, 3x: 3" in cuba
    assert "+ United States [us] as 'United States' in the body, past the lead" in lines
    assert "terms found" in evaluate("Cuba", "", min_score=9)  # a miss shows its terms too


def test_why_names_the_strongest_term_of_each_group_first() -> None:
    rule = AllOf(items=(GroupRef(group="cuba"), GroupRef(group="us"), GroupRef(group="oil")))
    w = Watchlist(name="w", title="W", groups=(CUBA, US, OIL), rule=rule)
    title = "Díaz-Canel: Cuba and Havana short of oil as the United States acts"
    [hit] = Matcher([w]).match(title, "")
    assert len(hit.terms) == 5
    assert hit.why() == ("oil", "Díaz-Canel", "United States", "Cuba")
    assert hit.why(2) == ("oil", "Díaz-Canel")
