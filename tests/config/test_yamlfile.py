"""yamlfile.py: config files read fast with libyaml, and as YAML 1.2 says, with their lines."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from monitor.config.yamlfile import Document, load
from monitor.errors import ConfigError


def test_libyaml_reads_the_config() -> None:
    # The dependency that makes every command start a third of a second sooner.
    assert YAML(typ="safe", pure=False).Parser.__module__.startswith("ruamel.yaml.clib")


def test_values_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "# a comment\n"
        "title: Relations\n"
        "min_score: 3\n"
        "since: 2016-03-21\n"
        "groups:\n"
        "  cuba:\n"
        "    - Cuba\n"
        "    - {term: Havana, weight: 0.5}\n"
        "defaults: &defaults {case: sensitive}\n"
        "us: {<<: *defaults, term: US}\n"
    )
    data, where = load(path, "w.yaml")
    assert data["min_score"] == 3
    assert str(data["since"]) == "2016-03-21"
    assert data["groups"]["cuba"] == ["Cuba", {"term": "Havana", "weight": 0.5}]
    assert data["us"] == {"case": "sensitive", "term": "US"}
    assert where.line(["title"]) == 2
    assert where.line(["groups", "cuba", 1, "weight"]) == 8
    assert where.line(["groups", "cuba", 1, "missing"]) == 8  # the deepest that exists
    assert where.line(["groups", "cuba", "terms", 0]) == 7  # a key the schema adds


@pytest.mark.parametrize(
    "text",
    [
        "reports: [efe-2000:fac1f01d3b, efe-2000:ec4f409f41]\nnext: 1\n",
        "feeds: [{name: A, url: https://a.example/feed}]\nnext: 1\n",
    ],
    ids=["colon-in-flow-list", "url-in-flow-mapping"],
)
def test_what_yaml_1_2_allows_and_libyaml_refuses_still_loads(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text)
    data, where = load(path, "f.yaml")
    assert ":" in str(next(iter(data.values())))
    assert where.line(["next"]) == 2


def test_line_breaks_of_yaml_1_1_are_read_as_yaml_1_2_reads_them(tmp_path: Path) -> None:
    # U+2028 ends a line for libyaml (YAML 1.1), not for YAML 1.2: there, "b: 2" is
    # inside the value of "a", which a plain value cannot hold. libyaml would read a key.
    path = tmp_path / "w.yaml"
    path.write_text("title: T\na: 1\u2028b: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"w\.yaml:2: mapping values are not allowed here"):
        load(path, "w.yaml")


def test_a_duplicate_key_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("title: A\ngroups: {}\ntitle: B\n")
    with pytest.raises(ConfigError, match=r'w\.yaml:3: found duplicate key "title"'):
        load(path, "w.yaml")


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_each_encoding_yaml_allows_is_read(tmp_path: Path, codec: str) -> None:
    # A byte order mark tells UTF-16 and UTF-32 (Windows editors save "Unicode" so).
    path = tmp_path / "w.yaml"
    text = "title: Señal\r\ngroups:\r\n  who: [Díaz-Canel]\r\n"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path.write_bytes(data)
    value, where = load(path, "w.yaml")
    assert value == {"title": "Señal", "groups": {"who": ["Díaz-Canel"]}}
    assert where.line(["groups", "who"]) == 3


def test_a_file_not_in_utf8_names_the_line_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_bytes("feeds:\n  - name: Señal\n".encode("latin-1"))
    for read in (lambda: load(path, "feeds.yaml"), lambda: Document(path, "feeds.yaml")):
        with pytest.raises(ConfigError) as raised:
            read()
        assert str(raised.value) == (
            "feeds.yaml:2: not UTF-8 text (byte 0xf1): save the file as UTF-8"
        )
