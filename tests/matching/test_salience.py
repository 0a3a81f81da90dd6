"""Salience: where a relation is shown decides whether ``within`` holds."""

from __future__ import annotations

import pytest

from monitor.matching.matcher import Matcher
from monitor.matching.model import (
    AllOf,
    Group,
    GroupRef,
    Proximity,
    Rule,
    Salience,
    Term,
    Watchlist,
)

CUBA = Group(name="cuba", terms=(Term(name="Cuba", aliases=("Cuba", "Havana", "cuban*")),))
US = Group(name="us", terms=(Term(name="United States", aliases=("United States", "Washington")),))
MEDICINE = Group(name="medicine", terms=(Term(name="vaccine", aliases=("vaccine", "dengue")),))
SENTENCE = Proximity(unit="sentence")
RELATION = AllOf(items=(GroupRef(group="cuba"), GroupRef(group="us")), within=SENTENCE)

FILLER = "The team worked for months in the laboratories of the province, checking samples. "


def watchlist(rule: Rule = RELATION, salience: Salience | None = None) -> Watchlist:
    return Watchlist(
        name="w", title="W", groups=(CUBA, US, MEDICINE), rule=rule,
        salience=salience or Salience(),
    )  # fmt: skip


def hit(title: str, text: str, w: Watchlist | None = None) -> bool:
    return bool(Matcher([w or watchlist()]).match(title, text))


def why(title: str, text: str, w: Watchlist | None = None) -> str:
    [e] = Matcher([w or watchlist()]).evaluate(title, text, explain=True)
    return "\n".join(e.trace)


def article(*sentences: str, filler: int = 30) -> str:
    """About 400 words: the sentences spread through neutral ones, none in the lead."""
    gap = FILLER * (filler // (len(sentences) + 1))
    parts = [FILLER * 5]
    for s in sentences:
        parts += [s, gap]
    return " ".join([*parts, gap])


PASSING = "They did it despite the blockade by the United States on Cuba."


def test_all_in_the_title_holds() -> None:
    assert hit("Cuba and the United States talk", article())
    assert "in the title" in why("Cuba and the United States talk", article())


def test_a_relation_in_the_lead_holds() -> None:
    text = PASSING + " " + article()
    assert hit("A new vaccine", text)
    assert "in the lead" in why("A new vaccine", text)


def test_a_title_side_is_near_everything_in_a_short_text() -> None:
    summary = "Washington said so on Monday. The talks went on for a week."
    assert hit("Cuba answers", summary)
    assert "in the lead, with the title" in why("Cuba answers", summary)


def test_a_long_text_must_say_the_relation_itself() -> None:
    """A side named only in the title of a long article, and the other in its lead,
    is an article about something else (Cuba's revolution and Mandela, the US
    government "in contrast" in its third sentence)."""
    lead = "Washington said so on Monday. " + article()
    assert not hit("Cuba answers", lead)
    assert "the title counts only with a short one" in why("Cuba answers", lead)
    said = "Washington said so on Monday about Cuba. " + article()
    assert hit("Cuba answers", said)
    assert "in the lead" in why("Cuba answers", said)
    far = article("Washington said so on Monday.")  # the only US mention, deep in the text
    assert not hit("Cuba answers", FILLER * 10 + far)


def test_one_window_past_the_lead_is_a_passing_mention() -> None:
    text = article("Cuban doctors tested the vaccine.", PASSING)
    assert not hit("A vaccine against dengue", text)
    assert "a passing mention" in why("A vaccine against dengue", text)


def test_repeated_windows_past_the_lead_hold() -> None:
    text = article(
        PASSING, "Havana asked Washington to lift it.", "Cuba and the United States met."
    )
    assert hit("A vaccine against dengue", FILLER * 4 + text)
    assert "in 3 sentences" in why("A vaccine against dengue", FILLER * 4 + text)


def test_a_long_text_needs_more_windows() -> None:
    two = article(PASSING, "Havana asked Washington to lift it.", filler=40)
    assert hit("A vaccine against dengue", FILLER * 4 + two)
    padded = FILLER * 4 + two + " " + FILLER * 200  # about 2,500 words: two is too few
    assert not hit("A vaccine against dengue", padded)
    lenient = watchlist(salience=Salience(words_per_repeat=5000))
    assert hit("A vaccine against dengue", padded, lenient)


def test_a_short_text_is_all_lead() -> None:
    text = "A vaccine was tested. " * 20 + PASSING
    assert hit("A vaccine", text)
    assert not hit("A vaccine", text, watchlist(salience=Salience(short_text=10)))


def test_lead_words_set_the_lead() -> None:
    text = FILLER * 6 + PASSING + " " + article()
    assert not hit("A vaccine", text)
    assert hit("A vaccine", text, watchlist(salience=Salience(lead_words=200)))


def test_boilerplate_at_the_top_does_not_use_up_the_lead() -> None:
    credit = "Photo: " + "Agency " * 12 + "\n"
    text = credit + FILLER * 2 + PASSING + " " + article()
    assert hit("A vaccine", text, watchlist(salience=Salience(lead_words=40)))


@pytest.mark.parametrize(
    ("where", "title", "text", "expected"),
    [
        ("title", "Cuba today", "", True),
        ("title", "Today", "Cuba is named in the text.", False),
        ("lead", "Today", "Cuba is named in the text. " + article(), True),
        ("lead", "Today", article() + " Cuba is named deep in the text.", False),
        ("anywhere", "Today", article() + " Cuba is named deep in the text.", True),
    ],
)
def test_where_limits_a_group_to_the_title_or_lead(
    where: str, title: str, text: str, expected: bool
) -> None:
    w = watchlist(GroupRef(group="cuba", where=where))  # type: ignore[arg-type]
    assert hit(title, text, w) is expected
