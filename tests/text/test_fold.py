"""fold.py: one spelling per word, positions that map straight back to the text."""

from __future__ import annotations

import unicodedata
from itertools import pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from monitor.text.fold import (
    FoldedText,
    dotted_forms,
    fold_term,
    normalize,
    spacings,
    term_spacings,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Díaz-Canel", "diaz canel"),
        ("EE.UU.", "ee uu"),
        ("Cuba’s", "cuba s"),
        ("«Habana»", "habana"),
        ("PETRÓLEO", "petroleo"),
        ("Straße", "straße"),
        ("Łódź", "łodz"),
        ("🇨🇺 Cuba", "cuba"),
        ("!!!", ""),
    ],
)
def test_terms_fold_to_one_spelling(text: str, folded: str) -> None:
    assert fold_term(text) == folded


def test_every_format_character_is_dropped_and_nothing_else() -> None:
    every = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    assert len(every) > 150  # soft hyphen, zero-width and direction marks, tags...
    text = "Cu" + "".join(every) + "ba\u00a0y\u2003EE.UU.\u2028"
    assert normalize(text) == "Cuba\u00a0y\u2003EE.UU.\u2028"  # spaces are not Cf


def test_normalize_composes_after_dropping_what_splits_a_letter_from_its_accent() -> None:
    assert normalize("Di\u200b\u0301az") == "Díaz"
    assert normalize("Díaz") == "Díaz"


def test_case_sensitive_folding_keeps_case_but_not_accents() -> None:
    assert fold_term("Díaz", case_sensitive=True) == "Diaz"


@pytest.mark.parametrize(
    "text",
    ["Díaz-Canel dijo: «EE. UU.» — y Cuba’s", "Кубa and Cuba", "naïve café 🇨🇺 x", "a\tb\nc"],
)
def test_folding_keeps_every_position(text: str) -> None:
    folded = FoldedText(text)
    assert len(folded.lower) == len(folded.cased) == len(text) + 2
    for index, char in enumerate(text):
        if char.isalnum():
            assert folded.cased[index + 1].lower() == folded.lower[index + 1]
    if "cuba" in folded.lower:
        start = folded.lower.index("cuba")
        a, b = folded.span(start, start + 4)
        assert text[a:b].lower() == "cuba"


def test_multi_word_terms_are_looked_up_with_one_or_two_spaces() -> None:
    assert spacings("ee uu") == ["ee uu", "ee  uu"]
    assert len(spacings("a b c d")) == 8
    assert spacings("a b c d e") == ["a b c d e", "a  b  c  d  e"]


def test_a_long_term_is_looked_up_both_ways_where_its_own_punctuation_is() -> None:
    spelled = term_spacings("embajada de EE.UU. en La Habana")
    assert "embajada de ee uu  en la habana" in spelled  # as written, in a text
    assert "embajada de ee  uu  en la habana" in spelled  # "EE. UU."
    assert "embajada de ee uu en la habana" in spelled  # "EE.UU" with no last dot
    assert "embajada  de  ee  uu  en  la  habana" in spelled  # every gap wide, as before
    assert len(spelled) == 5
    assert term_spacings("EE.UU. y Cuba") == spacings("ee uu y cuba")  # short: every gap
    cased = term_spacings("embajada de EE.UU. en La Habana", case_sensitive=True)
    assert [c.lower() for c in cased] == spelled


def test_us_and_un_in_a_term_of_several_words_are_also_looked_up_with_dots() -> None:
    assert dotted_forms("US embassy in Havana") == ["U.S. embassy in Havana"]
    assert dotted_forms("Embajada de US en Cuba") == ["Embajada de U.S. en Cuba"]
    assert dotted_forms("US ambassador to the UN") == ["U.S. ambassador to the U.N."]
    assert dotted_forms("US") == []  # a term of its own, beside "U.S."
    assert dotted_forms("USA Today") == dotted_forms("Let us talk") == []


def test_sentences_and_paragraphs() -> None:
    text = "Hola. EE.UU. dijo que no. «Sí», dijo? ¿Cómo? 3 veces!\nNueva línea. fin."
    folded = FoldedText(text)
    starts = [text[i : i + 4] for i in folded.sentence_starts]
    assert starts == ["Hola", "EE.U", "Sí»,", "Cómo", "3 ve", "Nuev"]
    assert folded.paragraph_of(text.index("Nueva")) == 1
    assert folded.sentence_of(text.index("dijo que")) == 1


@pytest.mark.parametrize("letter", ["", " Łukaszenko."])  # Latin-1 text, and text that is not
def test_the_dot_of_an_abbreviation_ends_no_sentence(letter: str) -> None:
    text = (
        "El Gobierno de EE. UU. anunció sanciones. Las FF. AA. de Cuba respondieron. "
        "The U.S. Treasury agreed. Sen. Marco Rubio and J. F. Kennedy spoke on Dec. 5 and "
        f"Sept. 12. Ms. Ana Díaz too. Plans ended.{letter} Otra frase."
    )
    folded = FoldedText(text)
    starts = [text[i : i + 6] for i in folded.sentence_starts]
    expected = ["El Gob", "Las FF", "The U.", "Sen. M", "Ms. An", "Plans ", "Otra f"]
    assert starts == (expected if not letter else [*expected[:-1], "Łukasz", "Otra f"])
    assert folded.sentence_of(text.index("anunció")) == folded.sentence_of(text.index("EE."))


WRAPPED = (
    "The United States stands with the people of Cuba as they\n"
    "demand their freedom. We call on the regime to release\n"
    "those detained and we will continue to\n"
    "hold it accountable.\n"
    "\n"
    "Second paragraph starts here and goes\n"
    "on for a while."
)


@pytest.mark.parametrize("quote", ["", "“", "≈ "])  # Latin-1 text, and text that is not
def test_hard_wrapped_text_is_read_by_sentence_and_blank_line(quote: str) -> None:
    text = WRAPPED.replace("We call", f"{quote}We call")
    folded = FoldedText(text)
    assert folded.hard_wrapped
    starts = [text[i : i + 6] for i in folded.sentence_starts if text[i : i + 1].strip()]
    assert starts == ["The Un", "We cal", "Second"]
    assert folded.paragraph_of(text.index("hold it")) == 0
    assert folded.paragraph_of(text.index("Second")) == 1


def test_lines_that_end_sentences_are_not_hard_wrapping() -> None:
    text = "Cuba habló.\nEE.UU. respondió.\nlos dos siguieron.\nFin de la nota\ny punto."
    folded = FoldedText(text)
    assert not folded.hard_wrapped  # one break after a word before lower case is not enough
    assert folded.paragraph_of(text.index("EE.UU.")) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aBcÉñ. !?\nUuEeSs", max_size=60))
def test_text_beyond_latin1_is_split_into_the_same_sentences(text: str) -> None:
    """Latin-1 text is split by a byte scan, other text by a regex: the same sentences
    (of words, stops, line breaks and abbreviations; the scan also reads a quote with
    no space after a stop as a gap, "?«B", which the regex does not)."""
    beyond = FoldedText(text + " ł")  # a letter beyond Latin-1 takes the regex
    latin1 = FoldedText(text)
    assume(latin1.hard_wrapped == beyond.hard_wrapped)

    visible = [i for i, ch in enumerate(text) if not ch.isspace()]

    def breaks(folded: FoldedText) -> list[bool]:  # between each visible character and the next
        return [folded.sentence_of(a) != folded.sentence_of(b) for a, b in pairwise(visible)]

    assert breaks(latin1) == breaks(beyond)
