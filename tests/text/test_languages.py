"""Language tags as written, read as the code watchlists use."""

from __future__ import annotations

import pytest

from monitor.text.languages import language_code


@pytest.mark.parametrize(
    ("tag", "code"),
    [("es", "es"), ("ES", "es"), ("es-CU", "es"), ("es_CU", "es"), ("es-419", "es"),
     ("spa", "es"), ("en-US", "en"), ("eng", "en"), (" en ", "en"), ("zh-Hant-TW", "zh"),
     ("ita", "ita")],
)  # fmt: skip
def test_a_tag_is_its_primary_language(tag: str, code: str) -> None:
    assert language_code(tag) == code


@pytest.mark.parametrize("tag", ["", "Spanish", "e", "es-", "12", "es CU", "español"])
def test_what_is_not_a_tag_is_none(tag: str) -> None:
    assert language_code(tag) is None
