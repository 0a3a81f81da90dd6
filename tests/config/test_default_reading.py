"""The default watchlists read news as a bilingual analyst would.

One test per class of mistake a bag of words makes on real news, each with a text written
for these tests and, beside it, the close text that must still match: a test of what
counts, never of a fixed score.
"""

from __future__ import annotations

from functools import cache

import pytest

from monitor.config import load_config
from monitor.matching.explain import explain_lines
from monitor.matching.matcher import Matcher
from tests.support.config import REPO


@cache
def matcher() -> Matcher:
    config = load_config(REPO / "config")
    assert config.problems == ()
    return Matcher(config.watchlists, config.shared_exclusions)


def hits(title: str, text: str = "", language: str | None = None) -> set[str]:
    return {h.watchlist for h in matcher().match(title, text, language)}


def explained(watchlist: str, title: str, text: str, language: str | None) -> str:
    found = next(e for e in matcher().evaluate(title, text, language, explain=True)
                 if e.watchlist.name == watchlist)  # fmt: skip
    return "\n".join(explain_lines(found))


def long_text(*paragraphs: str, filler: int = 12) -> str:
    """An article of several hundred words: the given paragraphs among neutral ones."""
    neutral = (
        "El equipo trabajó durante meses en los laboratorios de la provincia, donde los "
        "especialistas revisaron cada muestra con cuidado y compararon los resultados con "
        "los de años anteriores, según explicaron a la prensa local."
    )
    middle = [neutral] * filler
    return "\n\n".join([*middle[:2], *paragraphs[:1], *middle[2:], *paragraphs[1:]])


# Senses: a word that is not the term in a common phrase.


def test_sin_embargo_is_however_not_the_embargo() -> None:
    title = "Cuba y EE.UU. mantienen vuelos regulares"
    text = (
        "Las aerolíneas de Estados Unidos mantienen sus vuelos a La Habana. Sin embargo, "
        "las tarifas subieron en diciembre."
    )
    assert "sanctions-and-law" not in hits(title, text, "es")
    assert "another sense, 'sin embargo'" in explained("sanctions-and-law", title, text, "es")
    embargo = text.replace(
        "Sin embargo, las tarifas", "El embargo de Washington encarece las tarifas"
    )
    assert "sanctions-and-law" in hits(title, embargo, "es")


def test_a_road_block_in_mexico_is_not_the_blockade() -> None:
    title = "Transportistas cubanos y estadounidenses atrapados en la autopista"
    text = (
        "Un bloqueo de carreteras en Veracruz dejó varados a camioneros, entre ellos "
        "cubanos residentes en Estados Unidos."
    )
    assert "sanctions-and-law" not in hits(title, text, "es")
    blockade = "El bloqueo de Estados Unidos contra Cuba cumple 64 años"
    assert "sanctions-and-law" in hits(blockade, "", "es")


def test_the_mariel_power_plant_is_not_the_boatlift() -> None:
    title = "Avería en la termoeléctrica del Mariel deja sin luz a Artemisa"
    text = (
        "La termoeléctrica del Mariel salió del sistema. Los técnicos reparan la caldera, "
        "informó la Unión Eléctrica de Cuba."
    )
    assert "migration" not in hits(title, text, "es")
    assert "another sense, 'termoeléctrica del Mariel'" in explained("migration", title, text, "es")
    boatlift = "Mariel, 1980: 125,000 Cubans left for Florida"
    assert "migration" in hits(boatlift, "", "en")


# Boilerplate: an outlet's name in a credit is no evidence.


def test_credits_and_related_links_are_not_evidence() -> None:
    title = "Exposición de pintura abre en Matanzas"
    story = "La muestra reúne cuarenta obras de artistas jóvenes de la provincia."
    boilerplate = (
        "Foto: Cubadebate / Estados Unidos\n"
        "Lea también: EE.UU. y Cuba conversan sobre migración\n"
        "(Con información de Prensa Latina)"
    )
    assert hits(title, f"{story}\n{boilerplate}", "es") == set()
    assert "a boilerplate line" in explained(
        "us-cuba-relations", title, f"{story}\n{boilerplate}", "es"
    )
    told = f"{story} La embajada de Estados Unidos en La Habana prestó dos cuadros."
    assert "us-cuba-relations" in hits(title, told, "es")


# Salience: a passing mention in a long article is not the story.


def test_one_passing_mention_of_the_blockade_in_a_long_article_is_not_the_story() -> None:
    title = "Científicos cubanos presentan una vacuna contra el dengue"
    passing = "Los investigadores lograron el avance a pesar del bloqueo de Estados Unidos."
    text = long_text("La vacuna será probada en Cuba durante el próximo año.", passing)
    assert hits(title, text, "es") == set()
    lead = long_text(passing, filler=0) + "\n\n" + long_text()
    assert hits(title, lead, "es") == set()  # a long text must name both sides itself
    said = passing.replace("Los investigadores", "Los investigadores cubanos")
    lead = long_text(said, filler=0) + "\n\n" + long_text()
    assert hits(title, lead, "es") & {"us-cuba-relations", "sanctions-and-law"}
    assert hits(title, passing, "es") & {"us-cuba-relations", "sanctions-and-law"}  # a summary


def test_a_history_paragraph_naming_obama_is_a_passing_mention() -> None:
    title = "Cuban baseball league opens its season in Pinar del Río"
    history = "Obama attended a game in Havana in 2016, a visit still remembered in the stands."
    text = long_text("The season opener drew 20,000 Cuban fans.", history)
    assert hits(title, text, "en") == set()
    assert "a passing mention" in explained("us-cuba-relations", title, text, "en")


# Topics that share the words but not the subject.


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Guantanamo detainee transferred to Oman after 20 years in US custody",
            "The Pentagon said the detainee, held at the US naval base in Cuba, was released.",
        ),
        (
            "New study finds no brain injuries in Havana syndrome patients",
            "Doctors at the National Institutes of Health in the United States scanned the brains "
            "of 80 patients and found no injury.",
        ),
        (
            "Gobierno de Colombia y ELN reanudan diálogos de paz en La Habana",
            "Las delegaciones se reunieron en La Habana; Estados Unidos envió un observador.",
        ),
        (
            "Cuba y México firman acuerdo sobre la deuda de Pemex",
            "La Habana y Ciudad de México acordaron plazos; el peso frente al dólar "
            "estadounidense no afecta el pago.",
        ),
    ],
)
def test_topics_that_share_the_words_but_not_the_subject(title: str, text: str) -> None:
    assert hits(title, text) == set()


def test_a_us_election_reported_by_a_cuban_outlet_is_not_a_us_cuba_story() -> None:
    title = "Elecciones en Estados Unidos: demócratas ganan el Senado"
    text = (
        "Prensa Latina. Los demócratas lograron la mayoría en el Senado de Estados Unidos "
        "tras una campaña marcada por la economía y la inflación."
    )
    assert hits(title, text, "es") == set()
    about_cuba = text + " El nuevo Senado revisará la política hacia Cuba y el bloqueo."
    assert hits(title, long_text(about_cuba, filler=0), "es")


# Misses that must be hits.


def test_a_lower_case_url_slug_title_still_names_the_us() -> None:
    assert "energy-and-oil" in hits("cuba us oil blockade tanker turned away", "", "en")
    # In a title with its case kept, "us" is the pronoun.
    assert hits("Cuba beat us in the final, says Japan's coach", "", "en") == set()


def test_eua_and_eu_mean_the_united_states_in_spanish_only() -> None:
    assert "us-cuba-relations" in hits("EUA y Cuba reanudan el diálogo migratorio", "", "es")
    assert "us-cuba-relations" in hits("Cuba acusa a EU de asfixiar su economía", "", "es")
    # In English "EU" is the European Union.
    assert "us-cuba-relations" not in hits("EU and Cuba sign a cooperation accord", "", "en")


def test_a_chinese_spy_base_in_cuba_is_a_us_security_story() -> None:
    assert "security-and-history" in hits("China is building a spy base in Cuba", "", "en")
    assert "security-and-history" in hits(
        "Imágenes satelitales muestran bases de espionaje chinas en Cuba", "", "es"
    )
    assert "security-and-history" not in hits("China opens a trade office in Cuba", "", "en")


def test_chnv_parole_stories_are_migration() -> None:
    assert "migration" in hits("DHS ends CHNV parole for 530,000 Cubans and others", "", "en")
    assert "migration" in hits(
        "Fin del parole humanitario: qué pasa con los cubanos que llegaron con CHNV", "", "es"
    )


def test_hard_wrapped_press_releases_are_read_by_sentence() -> None:
    title = "Statement on the protests"
    text = (
        "The United States stands with the people of Cuba as they\n"
        "demand their freedom. We call on the regime in Havana to\n"
        "release those detained and we will continue to\n"
        "hold it accountable.\n\n"
        "We will keep working with partners across the hemisphere."
    )
    assert "us-cuba-relations" in hits(title, text, "en")
