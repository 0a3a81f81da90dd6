"""cluster.py: which story a new report joins, and why; what must stay apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.stories.features import features_of
from monitor.stories.placing import MOST_COMPARED, Stories
from monitor.types import StoryFeatures

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)

TANKER = (
    "A tanker carrying about 700,000 barrels of Venezuelan crude turned back in the "
    "Caribbean on Tuesday after the US Treasury warned shippers of sanctions, ship tracking "
    "data showed. The vessel, the Ocean Mariner, had left the port of Jose five days earlier."
)
TANKER_ES = (
    "Un petrolero con unos 700.000 barriles de crudo venezolano dio la vuelta el martes en el "
    "Caribe después de que el Tesoro de Estados Unidos advirtiera a los navieros, según datos "
    "de seguimiento. El Ocean Mariner había zarpado del puerto de José cinco días antes."
)
TANKER_REWRITE = (
    "US pressure sent the Ocean Mariner back: the ship, loaded with some 700,000 barrels of "
    "oil from Venezuela for Cuba, reversed course after Treasury warnings to shipping firms."
)
# The same president, the same day, two stories.
BLACKOUT = (
    "A failure at the Antonio Guiteras plant brought down Cuba's grid on Monday and left 90 "
    "percent of customers without power. President Miguel Díaz-Canel blamed the embargo."
)
BEIJING = (
    "President Miguel Díaz-Canel will travel to Beijing next week to seek new credit and "
    "investment in solar parks, after Chinese firms installed panels at 31 sites in Cuba."
)


def report(title: str, text: str, language: str = "en", hours: float = 0,
           terms: tuple[str, ...] = ()) -> StoryFeatures:  # fmt: skip
    return features_of(title, text, language, T0 + timedelta(hours=hours), terms)


def test_a_wire_copy_under_another_headline_joins() -> None:
    recent = Stories()
    assert recent.place(1, "https://a/1", report("Tanker turns back", TANKER)).story_id is None
    copy = report(
        "Cuba-bound oil halted", f"HAVANA (Wire) — {TANKER}\n\nRead more: tankers", hours=1
    )
    found = recent.place(2, "https://b/2", copy)
    assert (found.story_id, found.joined) == (1, 1)
    assert found.reason.startswith("a copy of article 1 (text similarity")


def test_the_spanish_report_and_a_rewrite_join_by_figures_and_names() -> None:
    recent = Stories()
    recent.place(1, "https://a/1", report("Tanker turns back", TANKER, terms=("sanctions",)))
    spanish = recent.place(2, "https://e/2", report("Petrolero da la vuelta", TANKER_ES, "es", 2))
    assert spanish.story_id == 1
    assert "figures 700000" in spanish.reason
    assert "mariner" in spanish.reason
    rewrite = recent.place(3, "https://c/3", report("Ocean Mariner reverses", TANKER_REWRITE,
                                                        hours=3))  # fmt: skip
    assert rewrite.story_id == 1


def test_one_person_on_one_day_is_two_stories() -> None:
    recent = Stories()
    recent.place(1, "https://a/1", report("Blackout across Cuba", BLACKOUT,
                                              terms=("Díaz-Canel", "embargo")))  # fmt: skip
    found = recent.place(2, "https://a/2", report("Díaz-Canel to visit Beijing", BEIJING,
                                                      hours=2, terms=("Díaz-Canel",)))  # fmt: skip
    assert found.story_id is None
    assert found.reason == "no earlier report of the same story"


def test_names_every_story_has_do_not_join_stories() -> None:
    recent = Stories()
    for n in range(12):  # a busy day: every report names Cuba, Havana, Washington
        text = (f"Officials in Havana and Washington spoke about topic {n} of {12 + n * 7} "
                f"items, Cuba said.")  # fmt: skip
        recent.place(n, f"https://a/{n}", report(f"Cuba item {n}", text, hours=n / 10,
                                                     terms=("Cuba", "United States")))  # fmt: skip
    other = report("Cuba and Washington", "Havana and Washington, Cuba: a new topic of 99 items.",
                   hours=2, terms=("Cuba", "United States"))  # fmt: skip
    assert recent.place(99, "https://a/99", other).story_id is None


def test_reports_days_apart_are_not_one_story() -> None:
    recent = Stories()
    recent.place(1, "https://a/1", report("Tanker turns back", TANKER))
    later = report("Tanker turns back", TANKER.replace("Tuesday", "Friday"), hours=24 * 5)
    assert recent.place(2, "https://b/2", later).story_id is None


def test_the_same_text_the_same_headline_the_same_address() -> None:
    recent = Stories()
    recent.place(1, "https://a/1", report("Tanker turns back", TANKER))
    same_text = recent.place(2, "https://b/2", report("Oil news", TANKER.upper(), hours=1))
    assert same_text.reason == "the same text as article 1"
    headline = recent.place(3, "https://c/3", report("Tanker bound for Cuba turns back - Wire",
                                                         "Short.", hours=1))  # fmt: skip
    again = recent.place(4, "https://d/4", report("Tanker bound for Cuba turns back | Daily",
                                                      "Other.", hours=2))  # fmt: skip
    assert (headline.story_id, again.reason) == (None, "the same headline as article 3")
    assert recent.place(5, "https://a/1", report("x", "y")).reason == (
        "the same address as article 1"
    )


def test_many_reports_with_one_summary_stay_apart_and_fast() -> None:
    recent = Stories()
    summary = "The same short summary that this feed gives for every one of its entries."
    placed = [
        recent.place(n, f"https://a/{n}", report(f"Entry {n}", summary, hours=n / 1000))
        for n in range(MOST_COMPARED * 5)
    ]
    assert all(p.story_id is None for p in placed)


def test_round_numbers_and_days_do_not_tell_an_event() -> None:
    recent = Stories()
    first = ("Officials from Mexico and Honduras met on the 20th to review 30 projects and "
             "1,443 loans for the region, Mexico said.")  # fmt: skip
    recent.place(1, "https://a/1", report("Regional projects", first))
    other = ("Mexico will send 30 doctors and 100 nurses to Honduras from the 20th, a health "
             "ministry official said on Monday.")  # fmt: skip
    found = recent.place(2, "https://b/2", report("Doctors for Honduras", other, hours=3))
    assert found.story_id is None
    # The same names with a figure that tells the event: one story.
    loans = "Honduras will receive most of the 1,443 loans agreed with Mexico, its envoy said."
    joined = recent.place(3, "https://c/3", report("Loans", loans, hours=4))
    assert (joined.story_id, joined.joined) == (1, 1)
    assert joined.reason.startswith("reports the same event as article 1:")
    assert "figures 1443" in joined.reason


def test_a_story_does_not_drift_from_one_event_to_the_next() -> None:
    recent = Stories()
    seed = "Marco Rubio said 1,443 prisoners in Camagüey and Holguín would be freed."
    recent.place(1, "https://a/1", report("Prisoners freed", seed))
    step = ("Marco Rubio said 1,443 prisoners in Camagüey and Holguín would be freed, while "
            "Vicente de la O Levy said 3,870 megawatts were lost in Matanzas and Mayabeque.")  # fmt: skip
    assert recent.place(2, "https://b/2", report("Prisoners", step, hours=1)).story_id == 1
    # Shares a telling figure and names with the step only: another event.
    grid = "Vicente de la O Levy said 3,870 megawatts were lost in Matanzas and Mayabeque."
    assert recent.place(3, "https://c/3", report("Grid", grid, hours=2)).story_id is None


def test_the_names_of_a_story_many_outlets_carry_still_tell_it_apart() -> None:
    recent = Stories()
    for n in range(12):  # the day's other stories, each naming Havana
        recent.place(100 + n, f"https://o/{n}", report(f"Item {n}", f"Havana topic {n}.",
                                                           hours=n / 10))  # fmt: skip
    for n in range(20):  # one story carried by twenty outlets
        recent.place(n, f"https://w/{n}", report(f"Tanker {n}", TANKER, hours=1 + n / 100))
    spanish = recent.place(50, "https://e/50", report("Petrolero", TANKER_ES, "es", 3))
    assert spanish.story_id == 0


def test_the_domains_own_names_never_join_a_quiet_day() -> None:
    # Four stories in the window: rarity counted in the window cannot tell that Cuba,
    # Havana and Washington are in every one of them; they never count.
    recent = Stories()
    oil = ("The White House order threatens tariffs on countries that ship crude oil to Cuba; "
           "Washington says Havana must negotiate, and the island's allies must choose.")  # fmt: skip
    recent.place(1, "https://a/1", report("Tariffs for Cuba's oil", oil))
    sst = ("Estados Unidos devuelve a Cuba a la lista de patrocinadores del terrorismo; La "
           "Habana acusa a Washington de castigar a la isla y a los cubanos.")  # fmt: skip
    found = recent.place(2, "https://b/2", report("Cuba, en la lista", sst, "es", 2))
    assert found.story_id is None


def test_a_translation_with_no_figure_joins_on_names_written_alike() -> None:
    recent = Stories()
    terms = ("US embassy", "dissidents", "Cuban", "asylum", "United States")
    english = ("José Daniel Ferrer, the leader of UNPACU, was arrested in Santiago de Cuba on "
               "Sunday, and the US embassy in Havana condemned the arrest.")  # fmt: skip
    recent.place(1, "https://a/1", report("Ferrer arrested", english, terms=terms))
    spanish = ("José Daniel Ferrer, líder de la UNPACU, fue detenido el domingo en Santiago de "
               "Cuba, y la embajada de EE.UU. en La Habana condenó el arresto.")  # fmt: skip
    found = recent.place(2, "https://e/2", report("Detienen a Ferrer", spanish, "es", 1,
                                                      terms=terms[:2]))  # fmt: skip
    assert (found.story_id, found.joined) == (1, 1)
    assert "figures" not in found.reason
    # Four in common, but watchlist terms every Cuba story has and a single name: no.
    asylum = "Un cubano de Santiago de Cuba pidió asilo en Estados Unidos, dijo su familia."
    alone = recent.place(3, "https://e/3", report("Asilo", asylum, "es", 2, terms=terms[1:]))
    assert alone.story_id is None


@pytest.mark.parametrize(
    ("english", "spanish", "shared", "later"),
    [
        pytest.param(
            "The Russian submarine Kazan docked in the harbour on Wednesday after naval "
            "exercises, and a flotilla of US destroyers shadowed it.",
            "El submarino ruso Kazán atracó el miércoles en el puerto tras unas maniobras "
            "navales, y una flotilla de destructores estadounidenses lo siguió.",
            "names kazan; words flotill, submari (similarity",
            "Rusia anunció que el Kazán visitará Venezuela el mes próximo con dos buques.",
            id="uncommon words written alike",
        ),
        pytest.param(
            "John Kerry raised the flag over the reopened embassy in a ceremony attended "
            "by veterans of the marines who lowered it.",
            "John Kerry presidió la ceremonia de apertura de la embajada, con los marines "
            "veteranos que arriaron la bandera.",
            "words ceremon",
            "John Kerry viajará a Vietnam el mes próximo para negociar un acuerdo comercial.",
            id="an everyday word written alike",
        ),
    ],
)
def test_a_translation_joins_on_a_name_and_words_both_languages_write_alike(
    english: str, spanish: str, shared: str, later: str
) -> None:
    recent = Stories()
    recent.place(1, "https://a/1", report("The original", english))
    found = recent.place(2, "https://e/2", report("La traducción", spanish, "es", 1))
    assert (found.story_id, found.joined) == (1, 1)
    assert shared in found.reason
    # The same name, with nothing else written alike, is another development.
    alone = recent.place(3, "https://e/3", report("Otra cosa", later, "es", 2))
    assert alone.story_id is None
