"""features.py: what two reports of one story have in common, in either language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from monitor.stories import minhash
from monitor.stories.features import (
    _MONTHS,
    _NOT_COUNTED,
    _NUMBER,
    _YEAR,
    _at_digits,
    counts,
    features_of,
    names,
    numbers,
    title_words,
)
from monitor.text.fold import fold_term

WHEN = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("about 530,000 people", "unos 530.000 cubanos"),
        ("530 000 people", "530.000 personas"),
        ("2.5 million dollars", "2,5 millones de dólares"),
        ("a 40% rise", "un alza del 40 por ciento"),
    ],
)
def test_figures_are_written_alike_in_both_languages(english: str, spanish: str) -> None:
    assert numbers(english) == numbers(spanish)
    assert numbers(english)


def test_years_and_single_digits_are_not_figures() -> None:
    assert numbers("In 2026, as in 1962, 7 ships") == frozenset()
    assert numbers("The 15th round on March 15") == {"15"}


def test_names_are_the_last_word_of_each_capitalised_run() -> None:
    found = names(
        "Deputy minister Carlos Fernández de Cossío met Marco Rubio. The Pentagon said "
        "on Monday that Rubio and the Ocean Mariner were fine."
    )
    # "rubio" is a common Spanish word (blond): the whole run names him.
    assert {"cossio", "marco rubio", "pentagon", "mariner"} <= found
    assert not found & {"the", "monday", "marco", "carlos"}


def test_title_words_leave_out_the_outlets_name() -> None:
    assert title_words("Cuba offers dialogue - Reuters") == title_words("Cuba offers dialogue")
    assert title_words("Cuba offers dialogue | CiberCuba") == {"cuba", "offers", "dialogue"}


def test_a_copy_shares_most_shingles_and_another_story_few() -> None:
    text = (
        "A tanker carrying about 700,000 barrels of Venezuelan crude turned back in the "
        "Caribbean on Tuesday after the US Treasury warned shippers of sanctions, ship "
        "tracking data showed, five days after it left port."
    )
    other = (
        "Researchers at the Finlay Institute began trials of a dengue vaccine in 3,000 "
        "volunteers in Cienfuegos, and expect results within eighteen months."
    )
    original = features_of("Tanker turns back", text, "en", WHEN)
    copy = features_of("Cuba-bound oil halted", f"HAVANA (Wire) — {text}\nRead more: x", "en", WHEN)
    unrelated = features_of("Vaccine trial", other, "en", WHEN)
    assert minhash.similarity(original.signature, copy.signature) >= 0.7
    assert minhash.similarity(original.signature, unrelated.signature) <= 0.1
    assert original.numbers == copy.numbers == {"700000"}


def test_the_same_text_in_other_markup_has_one_hash_and_terms_are_folded() -> None:
    a = features_of("x", "Díaz-Canel habló hoy en La Habana.", "es", WHEN, ["Díaz-Canel"])
    b = features_of("y", "DIAZ CANEL  habló hoy, en La Habana", "es", WHEN)
    assert a.text_hash == b.text_hash
    assert a.terms == {"diaz canel"}


def test_figures_and_names_are_read_in_the_lead_and_a_long_text_costs_a_prefix() -> None:
    lead = "Marco Rubio met Carlos Fernández de Cossío to discuss 530,000 barrels. " * 30
    background = "Fidel Castro took power and Kennedy answered with 1,200 exiles. " * 200
    text = lead + background
    f = features_of("Talks in Havana", text, "en", WHEN)
    assert {"rubio", "cossio", "havana"} <= f.names
    assert "530000" in f.numbers
    assert len(lead) > 2000
    assert "castro" not in f.names
    assert "1200" not in f.numbers
    assert f.words == len(text.split())
    # What follows the compared prefix does not make another text.
    other = features_of("Talks", text + " A paragraph added at the end by one outlet.", "en", WHEN)
    assert other.text_hash == f.text_hash
    assert features_of("Talks", "Other words. " + text, "en", WHEN).text_hash != f.text_hash


# The figures and counts of a lead, as a scan of the whole text with the patterns finds
# them (what features took before they were looked for only where digits start).
_ALL_FIGURES = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_ALL_COUNTS = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s+(?:mil\s+|de\s+)?([a-záéíóúñü]{4,})"
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet="0123456789 .,\u00a0\nabsdemilóñ", max_size=60))
@example("1.234 balseros y 3.14 millas, 27 balseros, 1,000 de dólares")
def test_figures_and_counts_are_found_where_a_scan_finds_them(text: str) -> None:
    scanned = [m.group() for m in _ALL_FIGURES.finditer(text)]
    assert [m.group() for m in _at_digits(_NUMBER, text)] == scanned
    assert counts(text) == {
        f"{int(re.sub(r'[^0-9]', '', n))} {fold_term(u)[:7]}"
        for n, u in _ALL_COUNTS.findall(text)
        if fold_term(u) not in _NOT_COUNTED
        and fold_term(u)[:7] not in _MONTHS
        and not _YEAR.match(re.sub(r"[^0-9]", "", n))
        and fold_term(u).isalpha()
    }
