"""Which mentions count: senses, languages, lower-case titles, boilerplate lines."""

from __future__ import annotations

import pytest

from monitor.matching import boilerplate
from monitor.matching.explain import explain_lines
from monitor.matching.matcher import Matcher
from monitor.matching.model import AllOf, Group, GroupRef, Sense, Term, Watchlist

CUBA = Group(name="cuba", terms=(Term(name="Cuba", aliases=("Cuba", "La Habana", "cuban*")),))
EMBARGO = Term(
    name="embargo",
    aliases=("embargo", "bloqueo"),
    senses=(
        Sense(phrase="sin embargo", languages=("es",)),
        Sense(phrase="bloqueo de carreteras", languages=("es",)),
        Sense(phrase="arms embargo"),
    ),
)
POLICY = Group(name="policy", terms=(EMBARGO,))
US = Group(
    name="us",
    terms=(
        Term(name="United States", aliases=("Estados Unidos",)),
        Term(name="US", aliases=("US",), case_sensitive=True),
        Term(name="EU", aliases=("EU", "EUA"), case_sensitive=True, languages=("es",)),
    ),
)
BOTH = AllOf(items=(GroupRef(group="cuba"), GroupRef(group="policy")))
RELATION = AllOf(items=(GroupRef(group="cuba"), GroupRef(group="us")))


def matcher(rule: AllOf = BOTH) -> Matcher:
    return Matcher([Watchlist(name="w", title="W", groups=(CUBA, POLICY, US), rule=rule)])


def hit(title: str, text: str = "", language: str | None = None, rule: AllOf = BOTH) -> bool:
    return bool(matcher(rule).match(title, text, language))


def test_a_sense_voids_the_word_inside_it() -> None:
    assert not hit("Cuba crece", "Sin embargo, la economía de Cuba creció.", "es")
    assert hit("Cuba crece", "El embargo frena la economía de Cuba.", "es")
    # The phrase voids only the words inside it: the embargo named later still counts.
    assert hit("Cuba", "Sin embargo, el embargo sigue.", "es")


def test_a_sense_of_one_language_applies_to_that_language_and_to_unknown_ones() -> None:
    text = "Cuba: sin embargo, todo sigue."
    assert not hit("x", text, "es")
    assert not hit("x", text, None)
    assert hit("x", text, "en")  # an English text quoting "sin embargo" is not Spanish prose
    assert not hit("Cuba", "An arms embargo on Cuba's neighbour.", "en")  # every language


def test_a_sense_void_is_explained() -> None:
    [e] = matcher().evaluate("Cuba", "Bloqueo de carreteras en Cuba.", "es", explain=True)
    lines = "\n".join(explain_lines(e))
    assert "- 'bloqueo' in the body, 1x: another sense, 'bloqueo de carreteras'" in lines


def test_a_language_only_term_counts_only_in_that_language() -> None:
    assert hit("EU y Cuba", "", "es", RELATION)
    assert hit("EUA sanciona a Cuba", "", "es", RELATION)
    assert not hit("EU and Cuba", "", "en", RELATION)
    assert not hit("EU and Cuba", "", None, RELATION)


def test_a_lower_case_title_has_lost_its_case() -> None:
    assert hit("cuba us oil blockade tanker turned away", "", "en", RELATION)
    assert not hit("Cuba beat us in the final", "", "en", RELATION)
    assert not hit("Cuba", "the coach told us about cuba.", "en", RELATION)


def test_mentions_in_boilerplate_lines_do_not_count() -> None:
    text = "Cuba abre una exposición.\nFoto: Agencia de Estados Unidos"
    assert not hit("Arte", text, "es", RELATION)
    assert hit("Arte", "Cuba abre una exposición con obras de Estados Unidos.", "es", RELATION)


@pytest.mark.parametrize(
    "line",
    [
        "Foto: Cubadebate",
        "Fotos: Prensa Latina / Archivo",
        "Tomado de Granma",
        "Tomado de: Granma",
        "(Con información de EFE)",
        "[Fuente: Reuters]",
        "Lea también: Cuba y EE.UU. conversan",
        "Read more: Cuba talks",
        "— Prensa Latina",
        "Por: Juan Pérez",
        "By: Jane Doe",
        "Síguenos en Telegram",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    text = f"Story.\n{line}\nMore story."
    [(start, end)] = boilerplate.spans(text)
    assert text[start:end] == line


@pytest.mark.parametrize(
    "line",
    [
        "Por la mañana, Cuba y Estados Unidos reanudaron el diálogo.",
        "Fuente de inspiración para una generación, la revolución cumplió 60 años y sus "
        "líderes hablaron durante horas ante miles de personas en la plaza",
        "Cuba — y su capital — recibieron al enviado.",
        "Related to the talks, Havana said nothing.",
    ],
)
def test_story_lines_are_not_boilerplate(line: str) -> None:
    assert boilerplate.spans(f"Story.\n{line}\nMore story.") == []
