"""match.py and verdict.py: what counts as a mention, how it scores, why it matched."""

from __future__ import annotations

import pytest

from monitor.matching.matcher import Matcher
from monitor.matching.model import (
    AllOf,
    AnyOf,
    Exclusion,
    Group,
    GroupRef,
    NoneOf,
    Proximity,
    Rule,
    Scoring,
    Term,
    Watchlist,
)

CUBA = Group(
    name="cuba",
    terms=(
        Term(name="Cuba", aliases=("Cuba", "cuban*", "La Habana", "Havana")),
        Term(name="Díaz-Canel", aliases=("Díaz-Canel",), weight=2),
    ),
)
US = Group(
    name="us",
    terms=(
        Term(name="United States", aliases=("United States", "Estados Unidos", "EE.UU.")),
        Term(name="US", aliases=("US",), case_sensitive=True),
        Term(name="Rubio", aliases=("Rubio",), case_sensitive=True),
    ),
)
OIL = Group(name="oil", terms=(Term(name="oil", aliases=("oil", "crudo", "petróleo")),))


def watchlist(rule: Rule, *, min_score: float = 1, **kwargs: object) -> Watchlist:
    return Watchlist(
        name="w",
        title="W",
        groups=(CUBA, US, OIL),
        rule=rule,
        min_score=min_score,
        **kwargs,  # type: ignore[arg-type]
    )


BOTH = AllOf(items=(GroupRef(group="cuba"), GroupRef(group="us")))


def match(
    w: Watchlist, title: str, text: str = "", shared: tuple[Exclusion, ...] = ()
) -> list[str]:
    hits = Matcher([w], shared).match(title, text)
    return [h.snippet.marked() for h in hits]


@pytest.mark.parametrize(
    "title",
    [
        "EE.UU. amenaza con aranceles a quien venda crudo a La Habana",
        "EE. UU. y CUBA",
        "Diaz Canel habla con Estados Unidos",
        "DÍAZ-CANEL y Estados-Unidos",
        "Cuba’s talks with the US",
        "Cubans protest as US acts",
    ],
)
def test_accents_case_hyphens_dots_and_apostrophes_do_not_matter(title: str) -> None:
    assert match(watchlist(BOTH), title)


@pytest.mark.parametrize(
    "title",
    ["Cubanet meets the United States", "Cubana airline and the United States"],
)
def test_prefix_wildcards_match_word_starts(title: str) -> None:
    assert match(watchlist(BOTH), title)


@pytest.mark.parametrize(
    "title",
    ["Incubator in the United States", "Scuba diving in the United States", "Havanas"],
)
def test_whole_words_only(title: str) -> None:
    assert not match(watchlist(BOTH), title)


def test_case_sensitive_terms() -> None:
    w = watchlist(BOTH)
    assert match(w, "Cuba and the US")
    assert not match(w, "Cuba told us nothing")
    assert not match(w, "Cuba: un modelo rubio")
    assert match(w, "Cuba: Rubio habla")


def test_a_title_in_capitals_has_lost_its_case() -> None:
    """A headline in capitals cannot show a name's case: "RUBIO" is read as Rubio."""
    w = watchlist(BOTH)
    assert match(w, "RUBIO SAYS CUBA MUST FREE PRISONERS")
    assert match(w, "Rubio says Cuba must free prisoners")
    assert not match(w, "Cuba: un modelo RUBIO y alto")  # not all capitals: case counts
    assert not match(w, "Noticias del día", "Cuba y un modelo RUBIO.")  # a body keeps case


def test_exclusions_void_the_mentions_inside_them() -> None:
    w = watchlist(BOTH, exclusions=(Exclusion(phrase="Mark Cuban"),))
    assert not match(w, "Mark Cuban buys a team in the United States")
    assert match(w, "Mark Cuban in Havana: the United States reacts")  # Havana still counts
    shared = (Exclusion(phrase="Cuba libre"),)
    assert not match(watchlist(BOTH), "A Cuba libre in the United States", shared=shared)


def test_document_scope_exclusions_void_the_same_words_everywhere() -> None:
    scoped = (Exclusion(phrase="Mark Cuban", document=True),)
    plain = (Exclusion(phrase="Mark Cuban"),)
    text = "Mark Cuban spoke. Cuban said the United States must act."
    assert match(watchlist(BOTH), "Owner", text, shared=plain)
    assert not match(watchlist(BOTH), "Owner", text, shared=scoped)


def test_group_scoped_exclusions_void_only_those_groups() -> None:
    crisis = Group(
        name="crisis", terms=(Term(name="missile crisis", aliases=("Cuban missile crisis",)),)
    )
    w = Watchlist(
        name="w", title="W", groups=(CUBA, US, crisis),
        rule=AllOf(items=(GroupRef(group="crisis"), GroupRef(group="us"))),
        exclusions=(Exclusion(phrase="Cuban missile crisis", groups=("cuba",)),),
    )  # fmt: skip
    hit = Matcher([w]).match("The Cuban missile crisis and the US", "")[0]
    assert [t.term for t in hit.terms if t.group == "cuba"] == []
    assert "missile crisis" in hit.term_names


def test_sentence_proximity_and_the_title_is_near_everything() -> None:
    near = watchlist(AllOf(items=BOTH.items, within=Proximity(unit="sentence")))
    assert match(near, "News", "Cuba and the United States talk. Nothing else.")
    assert not match(near, "News", "Cuba waits. The United States talks.")
    assert match(near, "Cuba waits", "The United States talks. Later more.")


@pytest.mark.parametrize("us", ["EE.UU.", "EE. UU.", "EE.\u00a0UU.", "EE.\u202fUU."])
@pytest.mark.parametrize("beyond_latin1", ["", " Erdoğan no habló."])
def test_an_abbreviation_with_spaces_stays_in_its_sentence(us: str, beyond_latin1: str) -> None:
    """Fundéu's spelling "EE. UU." (DW, France 24) read as a sentence ending at "EE."
    put the US in one sentence and Cuba in the next: the article matched nothing."""
    near = watchlist(AllOf(items=BOTH.items, within=Proximity(unit="sentence")))
    text = f"Cuba ve sanciones. El Gobierno de {us} las anunció contra Cuba.{beyond_latin1}"
    (hit,) = Matcher([near]).match("Noticias", text)
    assert {t.term for t in hit.terms} == {"Cuba", "United States"}
    assert hit.snippet.marked().startswith("El Gobierno de")


@pytest.mark.parametrize(
    "text",
    [
        "La Embajada de EE.UU. en La Habana cerró.",  # the alias as written
        "La Embajada de EE. UU. en La Habana cerró.",
        "La Embajada de EE.UU en La Habana cerró.",
        "The U.S. Embassy in Havana closed.",
        "The U. S. embassy in Havana closed.",
        "The US Embassy in Havana closed.",
    ],
)
def test_long_aliases_match_as_they_are_written_and_with_us_dotted(text: str) -> None:
    """An alias of five words or more with a dot inside never matched its own spelling
    in a text (the dot and the space after it fold to two spaces); "US" in an alias
    missed AP style's "U.S."."""
    embassy = Term(
        name="US embassy in Havana",
        aliases=("US embassy in Havana", "embajada de EE.UU. en La Habana"),
    )
    w = Watchlist(
        name="w", title="W", groups=(Group(name="e", terms=(embassy,)),), rule=GroupRef(group="e")
    )
    (hit,) = Matcher([w]).match("", text)
    assert [t.term for t in hit.terms] == ["US embassy in Havana"]


def test_word_and_paragraph_proximity() -> None:
    words = watchlist(AllOf(items=BOTH.items, within=Proximity(unit="words", size=3)))
    assert match(words, "x", "Cuba said the United States")
    assert not match(words, "x", "Cuba said on Monday in a long speech that the United States")
    para = watchlist(AllOf(items=BOTH.items, within=Proximity(unit="paragraph")))
    assert match(para, "x", "Cuba waits. The United States talks.")
    assert not match(para, "x", "Cuba waits.\nThe United States talks.")


def test_any_none_and_group_minimums() -> None:
    w = watchlist(
        AllOf(
            items=(
                GroupRef(group="cuba", min_score=2),
                AnyOf(items=(GroupRef(group="us"), GroupRef(group="oil"))),
                NoneOf(items=(GroupRef(group="us"),)),
            )
        )
    )
    assert match(w, "Cuba oil")  # title mention: 3 points ≥ 2
    assert not match(w, "x", "Cuba oil")  # one body mention: 1 point < 2
    assert match(w, "x", "Cuba oil. Havana again.")
    assert not match(w, "Cuba oil and the United States")  # none: us


def test_scoring_weights_title_bonus_repeats_and_min_score() -> None:
    rule = AllOf(items=BOTH.items)
    w = watchlist(rule, scoring=Scoring(title=3, body=1, max_repeats=2))
    hit = Matcher([w]).match("Díaz-Canel", "Cuba Cuba Cuba Cuba and the United States")[0]
    points = {(t.term, t.field): t.score for t in hit.terms}
    assert points == {("Díaz-Canel", "title"): 6, ("Cuba", "body"): 2, ("United States", "body"): 1}
    assert hit.score == 9
    assert not match(watchlist(rule, min_score=10), "Díaz-Canel", "Cuba and the United States")


def test_field_scoped_terms() -> None:
    title_only = Group(
        name="us", terms=(Term(name="US", aliases=("United States",), fields=("title",)),)
    )
    w = Watchlist(name="w", title="W", groups=(CUBA, title_only), rule=BOTH)
    assert Matcher([w]).match("The United States", "Cuba")
    assert not Matcher([w]).match("x", "Cuba and the United States")


def test_hits_explain_themselves() -> None:
    text = "Background first. Díaz-Canel said Estados Unidos cut the crudo supply to Cuba.\nMore."
    hit = Matcher([watchlist(BOTH)]).match("Energía", text)[0]
    assert hit.snippet.text == "Díaz-Canel said Estados Unidos cut the crudo supply to Cuba."
    assert (
        hit.snippet.marked()
        == "[Díaz-Canel] said [Estados Unidos] cut the [crudo] supply to [Cuba]."
    )
    first = next(t for t in hit.terms if t.term == "Díaz-Canel")
    assert (first.alias, first.field, first.position, first.count) == ("Díaz-Canel", "body", 18, 1)
    assert text[first.position : first.position + 10] == "Díaz-Canel"


def test_long_sentences_are_cut_around_the_words() -> None:
    text = "word " * 200 + "Cuba and the United States" + " tail" * 200 + "."
    snippet = Matcher([watchlist(BOTH)]).match("x", text)[0].snippet
    assert snippet.text.startswith("…")
    assert snippet.text.endswith("…")
    assert len(snippet.text) < 500
    assert snippet.marked().count("[") == 2


def test_explain_traces_the_rule_and_the_voided_mentions() -> None:
    w = watchlist(BOTH, exclusions=(Exclusion(phrase="Mark Cuban"),))
    evaluation = Matcher([w]).evaluate("Mark Cuban and the US", "", explain=True)[0]
    assert evaluation.hit is None
    assert evaluation.trace == ("✗ all of:", "  ✗ group cuba: score 0", "  ✓ group us: score 3")
    assert [(m.alias, m.voided_by) for m in evaluation.mentions] == [
        ("cuban*", "Mark Cuban"),
        ("US", None),
    ]


def test_one_text_many_watchlists() -> None:
    a = watchlist(BOTH)
    b = Watchlist(
        name="oil",
        title="Oil",
        groups=(CUBA, OIL),
        rule=AllOf(items=(GroupRef(group="cuba"), GroupRef(group="oil"))),
        tags=("energy",),
    )
    hits = Matcher([a, b]).match("Cuba oil for the US", "")
    assert [(h.watchlist, h.tags) for h in hits] == [("w", ()), ("oil", ("energy",))]
