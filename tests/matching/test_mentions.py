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


SLUG = Matcher([
    Watchlist(
        name="w", title="W",
        groups=(
            Group(name="cuba", terms=(
                Term(name="Cuba", aliases=("Cuba", "cuban*")),
                Term(name="Díaz-Canel", aliases=("Díaz-Canel",)),
                Term(name="Raúl Castro", aliases=("Raúl Castro",)),
            )),
            Group(name="law", terms=(Term(name="Helms-Burton", aliases=("Helms-Burton",)),)),
            US,
        ),
        rule=AllOf(items=(GroupRef(group="cuba"), GroupRef(group="us"))),
        exclusions=(),
    ),
    Watchlist(
        name="law", title="Law", groups=(US, Group(name="law", terms=(
            Term(name="Helms-Burton", aliases=("Helms-Burton",)),)),
        ), rule=GroupRef(group="law"),
    ),
])  # fmt: skip


@pytest.mark.parametrize(
    ("title", "watchlist"),
    [
        # WordPress closes up a possessive's apostrophe.
        ("us to lift cubas designation as state sponsor of terrorism", "w"),
        # Cruder slug makers also close up hyphens and drop letters beyond ASCII.
        ("eeuu endurece sanciones entre ellas la reactivacin de la helmsburton", "law"),
        ("diazcanel recibe a congresistas de estados unidos", "w"),
        ("daz canel critica a estados unidos", "w"),
        ("ral castros meeting with us envoy", "w"),
    ],
)
def test_a_slug_spells_names_as_slug_makers_do(title: str, watchlist: str) -> None:
    hits = SLUG.match(title, "", None)
    assert watchlist in [h.watchlist for h in hits]


@pytest.mark.parametrize(
    "title",
    [
        # Only a title that has lost its case is a slug.
        "US to lift Cubas designation as state sponsor of terrorism",
        "Eeuu: la Helmsburton",
        # Nothing of a slug's spellings counts in a text.
        "",
    ],
)
def test_slug_spellings_count_in_a_caseless_title_only(title: str) -> None:
    text = "Biden: cubas and the helmsburton law, diazcanel for ral castros."
    assert not SLUG.match(title, text if not title else "", None)


def test_a_slug_spelling_is_at_least_four_letters_and_short_words_take_no_s() -> None:
    # "uss" is a ship, not "US's".
    assert not SLUG.match("uss cole sails past cuba", "", None)


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
