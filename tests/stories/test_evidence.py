"""evidence.py and the features it weighs: what tells one event from another, and what never does."""

from __future__ import annotations

from datetime import UTC, datetime

from monitor.stories.evidence import Weigher, conflict
from monitor.stories.features import counts, features_of, names, numbers

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_headings_and_sentence_openers_are_not_names() -> None:
    text = ("CONTINUATION OF THE NATIONAL EMERGENCY WITH RESPECT TO CUBA\n"
            "Therefore, the Secretary of the Treasury shall report. Continuation of the "
            "emergency is necessary, and the continuation was ordered by Kerry.")  # fmt: skip
    found = names(text, "en")
    assert "kerry" in found
    assert not found & {"continuation", "therefore", "secretary", "treasury", "cuba"}
    assert not any("emergency" in name for name in found)


def test_the_numbers_of_orders_and_laws_are_not_figures() -> None:
    found = numbers("Sanctions under Executive Order 13902 and Section 6021 hit 35 vessels "
                    "carrying 700,000 barrels.")  # fmt: skip
    assert found == {"35", "700000"}


def test_two_counts_of_one_thing_are_two_events() -> None:
    first = features_of("Rafters", "Coast guard returned 27 balseros to Cuba.", "es", T0)
    second = features_of("Rafters", "Coast guard returned 50 balseros to Cuba.", "es", T0)
    assert counts("llegaron 14 balseros el 6 de diciembre en 3 horas") == {"14 balsero"}
    assert conflict(first, second) == "27 against 50 balsero"
    assert conflict(first, first) is None


def test_context_and_outlets_never_count_and_prefixes_cover_every_form() -> None:
    weigher = Weigher({"cuban*", "havana", "united states", "coast guard"}, lambda _key: 1)
    f = features_of(
        "Ocean Mariner stopped",
        "HAVANA (Reuters) - The US Coast Guard stopped the Ocean Mariner; Cubans and "
        "Cuban Americans in Havana watched, Reuters said.",
        "en", T0, ("United States", "tanker"),
    )  # fmt: skip
    keys = weigher.keys(f)
    assert "n:mariner" in keys
    assert "t:tanker" in keys
    assert not {k for k in keys if any(w in k for w in ("havana", "cuban", "reuters", "united"))}


def test_a_name_in_many_of_the_windows_stories_weighs_less() -> None:
    a = features_of("Tireless", "The Tireless stays in Gibraltar, said Caruana.", "en", T0)
    b = features_of("Tireless", "The Tireless stays in Gibraltar, said Perales.", "en", T0)
    rare = Weigher((), lambda _key: 1)
    saga = Weigher((), lambda key: 12 if key in {"n:tireless", "n:gibraltar"} else 1)
    alike = rare.compare(a, b, rare.keys(a), rare.keys(b)).similarity
    assert saga.compare(a, b, saga.keys(a), saga.keys(b)).similarity < alike


def test_a_word_tells_less_the_more_common_it_is() -> None:
    f = features_of("", "The guard intercepted a tanker at the ceremony, officials said.", "en", T0)
    assert f.lead_words["interce"] < 4 <= f.lead_words["ceremon"] < 5
    assert "said" not in f.lead_words  # too common to tell anything
    keys = Weigher((), lambda _key: 1).keys(f)
    assert keys["w:interce"] == 0.5
    assert 0 < keys["w:ceremon"] < 0.5
