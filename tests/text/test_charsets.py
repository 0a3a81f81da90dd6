"""A page's bytes read in what they are written in, as browsers decide it."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.text.charsets import header_charset, meta_charset, page_in_utf8, web_codec

TEXT = "Díaz-Canel habló con “Washington” en La Habana — señor Muñoz, 4½ años"
PAGE = "<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def page(text: str = TEXT, meta: str = "") -> str:
    return PAGE.format(meta=meta, text=text)


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=windows-1252", "text/html; charset=ISO-8859-1",
     'text/html;charset="latin1"', "TEXT/HTML; Charset=us-ascii"],
)  # fmt: skip
def test_the_http_header_names_the_charset(content_type: str) -> None:
    # ISO-8859-1, latin1 and ascii mean windows-1252 on the web: 0x93 is a curly quote.
    assert page_in_utf8(page().encode("cp1252"), content_type) == page().encode()


@pytest.mark.parametrize(
    "meta",
    ['<meta charset="windows-1252">', "<meta charset=iso-8859-1>",
     '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'],
)  # fmt: skip
def test_the_pages_meta_names_the_charset(meta: str) -> None:
    assert page_in_utf8(page(meta=meta).encode("cp1252")) == page(meta=meta).encode()


def test_the_header_wins_over_the_meta_as_in_browsers() -> None:
    text = "Iñaki, Çağlar"
    body = page(text, '<meta charset="windows-1252">').encode("cp1254")
    assert "Çağlar" in page_in_utf8(body, "text/html; charset=iso-8859-9").decode()


def test_nothing_said_is_windows_1252() -> None:
    assert page_in_utf8(page().encode("cp1252")) == page().encode()


def test_valid_utf8_is_utf8_whatever_the_labels_say() -> None:
    meta = '<meta charset="iso-8859-1">'
    body = page(meta=meta).encode()
    assert page_in_utf8(body, "text/html; charset=iso-8859-1") is body


def test_a_utf8_label_on_a_legacy_file_is_a_server_default() -> None:
    """nginx's `charset utf-8;` over a windows-1252 file: no byte forms UTF-8."""
    body = page().encode("cp1252")
    assert page_in_utf8(body, "text/html; charset=utf-8") == page().encode()
    meta = '<meta charset="iso-8859-15">'
    euro = page("Cuesta 5 € en La Habana", meta).encode("iso-8859-15")
    assert "5 €" in page_in_utf8(euro, "text/html; charset=utf-8").decode()


def test_one_stray_byte_in_a_utf8_page_costs_one_character() -> None:
    body = page().encode().replace(b"</p>", b"\x92</p>")
    for content_type in (None, "text/html; charset=utf-8"):
        assert page_in_utf8(body, content_type).decode() == page(TEXT + "\ufffd")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-8"])
def test_a_byte_order_mark_wins(codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(
        codec, codecs.BOM_UTF8
    )
    body = bom + page(meta='<meta charset="windows-1252">').encode(codec)
    assert (
        page_in_utf8(body, "text/html; charset=iso-8859-1")
        == page(meta='<meta charset="windows-1252">').encode()
    )


@pytest.mark.parametrize(
    "label", ["x-no-such-thing", "zlib", "base64", "rot13", "undefined", "hex"]
)
def test_labels_that_are_not_text_encodings_are_passed_over(label: str) -> None:
    assert header_charset(f"text/html; charset={label}") is None
    assert meta_charset(f'<meta charset="{label}">'.encode()) is None
    body = page(meta=f'<meta charset="{label}">').encode("cp1252")
    assert (
        page_in_utf8(body, f"text/html; charset={label}")
        == page(meta=f'<meta charset="{label}">').encode()
    )


def test_unknown_labels_are_passed_over() -> None:
    assert header_charset("text/html; charset=x-no-such-thing") is None
    assert meta_charset(b'<meta charset="bogus-42">') is None
    assert web_codec("UTF8") == "utf-8"
    body = page(meta='<meta charset="bogus-42">').encode("cp1252")
    assert (
        page_in_utf8(body, "text/html; charset=nope")
        == page(meta='<meta charset="bogus-42">').encode()
    )


@given(
    st.binary(max_size=300),
    st.sampled_from([None, "text/html; charset=utf-8", "text/html; charset=latin1", "text/html"]),
)
def test_any_bytes_give_valid_utf8(body: bytes, content_type: str | None) -> None:
    page_in_utf8(body, content_type).decode("utf-8")
