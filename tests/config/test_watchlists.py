"""Watchlist files: the format, its errors (file:line), and the default watchlists."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.matching.examples import run_examples
from monitor.matching.matcher import Matcher
from monitor.matching.model import AllOf, GroupRef, Proximity
from tests.support.config import DATA, REPO, write_config

GOOD = """title: Oil
tags: [energy]
min_score: 2
groups:
  cuba:
    - Cuba
    - {term: Havana, aliases: [La Habana, "Habana*"], weight: 2}
  oil:
    case: sensitive
    weight: 1.5
    terms: [OIL, crude]
match:
  all: [cuba, {group: oil, min_score: 1}]
  within: sentence
exclude:
  - Cuba libre
  - {phrase: "Mark Cuban", scope: document, groups: [cuba]}
examples:
  match:
    - Cuba OIL
    - {title: x, text: "La Habana y el OIL hoy."}
  no_match:
    - Cuba libre OIL
"""


ONE_ITEM_LISTS = """groups:
  cuba:
    - {term: Cuba, aliases: Havana, fields: title, languages: en, not: Cuba libre}
  us: United States
tags: relations
match: {all: [cuba, us]}
exclude: [{phrase: Bay of Pigs, groups: cuba}]
alert: {to: "json://127.0.0.1:9/hook"}
examples:
  match: {title: Havana and the United States talk, language: en}
  no_match: Cuba libre in the United States
"""


def test_a_list_may_be_written_as_its_one_item(tmp_path: Path) -> None:
    """Each was refused as "Input should be a valid list"."""
    config = load_config(write_config(tmp_path, [], watchlists={"w": ONE_ITEM_LISTS}))
    assert config.problems == ()
    (w,) = config.watchlists
    cuba, us = (next(g for g in w.groups if g.name == n) for n in ("cuba", "us"))
    term = cuba.terms[0]
    assert (term.aliases, term.fields, term.languages) == (("Cuba", "Havana"), ("title",), ("en",))
    assert [t.name for t in us.terms] == ["United States"]
    assert w.tags == ("relations",)
    assert w.exclusions[0].groups == ("cuba",)
    assert [e.expect for e in w.examples] == [True, False]
    assert all(r.passed for r in run_examples(Matcher(config.watchlists)))


def test_the_format(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [], watchlists={"oil": GOOD}))
    assert config.problems == ()
    (w,) = config.watchlists
    assert (w.name, w.title, w.tags, w.min_score) == ("oil", "Oil", ("energy",), 2)
    assert w.rule == AllOf(
        items=(GroupRef(group="cuba"), GroupRef(group="oil", min_score=1)),
        within=Proximity(unit="sentence"),
    )
    oil = next(g for g in w.groups if g.name == "oil")
    assert [(t.name, t.case_sensitive, t.weight) for t in oil.terms] == [
        ("OIL", True, 1.5), ("crude", True, 1.5),
    ]  # fmt: skip
    havana = next(g for g in w.groups if g.name == "cuba").terms[1]
    assert (havana.aliases, havana.weight) == (("Havana", "La Habana", "Habana*"), 2)
    assert [e.document for e in w.exclusions] == [False, True]
    assert [(e.expect, e.line) for e in w.examples] == [(True, 20), (True, 21), (False, 23)]
    results = run_examples(Matcher(config.watchlists, config.shared_exclusions))
    assert [r.passed for r in results] == [True, True, True]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("match: [cuba", "oil.yaml:1: "),
        ("groups:\n  a: [x]\nmatch: a\ncolour: red\n", "oil.yaml:4: colour: unknown key"),
        # A slip of a key, in a rule inside a rule too, is named with the key it looks like.
        (
            "groups:\n  a: [x]\nmatch:\n  any:\n    - all: [a]\n      wihtin: sentence\n",
            "oil.yaml:6: match.any[0].wihtin: unknown key (did you mean 'within'?)",
        ),
        ("groups:\n  a: ['']\nmatch: a\n", "oil.yaml:2: groups.a.terms[0].term: empty term"),
        (
            "groups:\n  a:\n    - '*cuba'\nmatch: a\n",
            "oil.yaml:3: groups.a.terms[0].term: '*cuba': * may only end a term",
        ),
        (
            "groups:\n  a:\n    - {term: x, aliases: [ok, 'a*b']}\nmatch: a\n",
            "oil.yaml:3: groups.a.terms[0].aliases[1]: 'a*b'",
        ),
        # YAML reads a year, a date, a number, true and an empty item as no text at all.
        (
            "groups:\n  a: [Cuba, 1962]\nmatch: a\n",
            "oil.yaml:2: groups.a.terms[1].term: 1962 is read by YAML as a number, not as "
            'text: quote it ("1962")',
        ),
        (
            "groups:\n  a:\n    - {term: x, aliases: [2021-04-19, 3.5, true]}\nmatch: a\n",
            "oil.yaml:3: groups.a.terms[0].aliases[0]: 2021-04-19 is read by YAML as a date",
        ),
        (
            "groups:\n  a:\n    - Cuba\n    -\nmatch: a\n",
            "oil.yaml:4: groups.a.terms[1].term: empty: write the text, or remove the line",
        ),
        (
            "groups:\n  a: [x]\nmatch: a\nexclude: [1959]\n",
            'oil.yaml:4: exclude[0].phrase: 1959 is read by YAML as a number, not as text: quote it ("1959")',
        ),
        (
            "groups:\n  a: [x]\nmatch:\n  all: [a, b]\n",
            "oil.yaml:4: match.all[1]: unknown group 'b'",
        ),
        (
            "groups:\n  a: [x]\nmatch:\n  any: [a]\n  within: 5\n",
            "oil.yaml:3: match: within: goes with all",
        ),
        (
            "groups:\n  a: [x]\nmatch:\n  all: [a]\n  within: often\n",
            "oil.yaml:5: match.within: within: 'often'",
        ),
        ("groups:\n  a: [x]\n", "oil.yaml:1: match: Field required"),
        (
            "groups:\n  a:\n    - {term: x, weight: -1}\nmatch: a\n",
            "oil.yaml:3: groups.a.terms[0].weight: Input should be greater than 0",
        ),
        (
            "groups:\n  a: [x]\nmatch: {group: a, where: middle}\n",
            "oil.yaml:3: match.where: Input should be 'anywhere', 'title' or 'lead'",
        ),
        (
            "groups:\n  a:\n    - {term: x, not: {spanish: [y]}}\nmatch: a\n",
            "oil.yaml:3: groups.a.terms[0].not.spanish: 'spanish' is not a language code",
        ),
        (
            "groups:\n  a: [x]\nmatch: a\nsalience: {lead_words: 0}\n",
            "oil.yaml:4: salience.lead_words: Input should be greater than or equal to 1",
        ),
        (
            "groups:\n  a: [x]\nmatch: a\nalert:\n  to: ['ntfys://me:s3cret@ntfy.sh/cuba']\n",
            "oil.yaml:5: alert.to[0]: ntfys://… holds a password: put the URL in an environment",
        ),
        (
            "groups:\n  a: [x]\nmatch: a\nalert: {to: [my-phone]}\n",
            "oil.yaml:4: alert.to[0]: 'my-phone' is neither an Apprise URL",
        ),
        (
            "groups:\n  a: [x]\nmatch: a\nalert: {min_score: 5}\n",
            "oil.yaml:4: alert.to: Field required",
        ),
    ],
    ids=[
        "yaml",
        "unknown-key",
        "slip-of-a-key",
        "empty",
        "leading-star",
        "inner-star",
        "year",
        "date",
        "empty-item",
        "year-exclusion",
        "unknown-group",
        "within-any",
        "within-bad",
        "no-match",
        "weight",
        "where",
        "sense-language",
        "salience",
        "alert-secret",
        "alert-channel",
        "alert-to",
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    config = load_config(write_config(tmp_path, [], watchlists={"oil": text, "fine": GOOD}))
    messages = [
        str(p).replace(str(tmp_path / "config" / "watchlists") + "/", "") for p in config.problems
    ]
    assert any(m.startswith(error) for m in messages), messages
    assert [w.name for w in config.watchlists] == ["fine"]  # the broken one is left out


SENSES = """groups:
  policy:
    languages: [es, pt]
    terms:
      - {term: embargo, not: [arms embargo], languages: [es]}
      - {term: bloqueo, not: {es: [bloqueo de calles], pt: [bloqueio de ruas]}}
  cuba: [Cuba]
match: {all: [{group: cuba, where: lead}, policy]}
salience: {lead_words: 30, short_text: 60, repeat: 3, words_per_repeat: 900}
examples:
  match: [{title: x, text: "Cuba y el bloqueo.", language: es}]
"""


def test_senses_languages_where_and_salience(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, [], watchlists={"w": SENSES}))
    assert config.problems == ()
    (w,) = config.watchlists
    policy = next(g for g in w.groups if g.name == "policy")
    embargo, bloqueo = policy.terms
    assert [(s.phrase, s.languages) for s in embargo.senses] == [("arms embargo", ())]
    assert embargo.languages == ("es",)
    assert [(s.phrase, s.languages) for s in bloqueo.senses] == [
        ("bloqueo de calles", ("es",)), ("bloqueio de ruas", ("pt",)),
    ]  # fmt: skip
    assert bloqueo.languages == ("es", "pt")  # the group's default
    assert isinstance(w.rule, AllOf)
    assert w.rule.items[0] == GroupRef(group="cuba", where="lead")
    assert (w.salience.lead_words, w.salience.repeat, w.salience.words_per_repeat) == (30, 3, 900)
    assert [e.language for e in w.examples] == ["es"]
    assert all(r.passed for r in run_examples(Matcher(config.watchlists)))


def test_common_groups_and_exclusions_are_shared(tmp_path: Path) -> None:
    common = "groups:\n  cuba: [Cuba]\nexclude: [Cuba Gooding]\n"
    lists = {"_common": common, "a": "groups:\n  us: [US]\nmatch: {all: [cuba, us]}\n"}
    config = load_config(write_config(tmp_path, [], watchlists=lists))
    assert [w.name for w in config.watchlists] == ["a"]
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    assert matcher.match("Cuba and US", "")
    assert not matcher.match("Cuba Gooding in US", "")


def test_default_watchlists_load_and_every_example_passes() -> None:
    config = load_config(REPO / "config")
    assert config.problems == ()
    names = {w.name for w in config.watchlists}
    assert names == {
        "us-cuba-relations", "energy-and-oil", "diplomacy", "sanctions-and-law", "migration",
        "security-and-history",
    }  # fmt: skip
    for w in config.watchlists:
        assert sum(e.expect for e in w.examples) >= 10, w.name
        assert sum(not e.expect for e in w.examples) >= 10, w.name
    failures = [
        r
        for r in run_examples(Matcher(config.watchlists, config.shared_exclusions))
        if not r.passed
    ]
    assert failures == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("EE.UU. amenaza con aranceles a quien venda crudo a La Habana", True),
        ("Mark Cuban compra un equipo", False),
    ],
)
def test_the_two_headlines_everyone_asks_about(title: str, expected: bool) -> None:
    config = load_config(REPO / "config")
    assert bool(Matcher(config.watchlists, config.shared_exclusions).match(title, "")) is expected


def test_default_watchlists_meet_the_quality_bar_on_the_labelled_set() -> None:
    config = load_config(REPO / "config")
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    items = [json.loads(x) for x in (DATA / "relevance/items.jsonl").read_text().splitlines()]
    assert len(items) >= 300
    got = [(i["label"], bool(matcher.match(i["title"], i["text"], i["lang"]))) for i in items]
    tp = sum(1 for label, hit in got if label and hit)
    precision = tp / sum(1 for _, hit in got if hit)
    recall = tp / sum(1 for label, _ in got if label)
    assert precision >= 0.90
    assert recall >= 0.90


def test_a_watchlist_saved_decomposed_reads_as_written(tmp_path: Path) -> None:
    # Some editors save "í" as "i" and a combining accent (NFD); the file means the same.
    text = """title: Díaz-Canel
min_score: 1
groups:
  who:
    - {term: Díaz-Canel, aliases: [Fernández de Cossío, "cubaní*"]}
match: who
exclude:
  - {phrase: Díaz-Canel Bermúdez Jr, groups: [who]}
examples:
  match: [El vicecanciller Fernández de Cossío habló, los cubaníes]
  no_match: [Díaz-Canel Bermúdez Jr]
"""
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    config = load_config(write_config(tmp_path, [], watchlists={"personas": decomposed}))
    assert config.problems == ()
    matcher = Matcher(config.watchlists)
    results = run_examples(matcher)
    assert len(results) == 3
    assert all(r.passed for r in results)
    for form in ("NFC", "NFD"):
        said = unicodedata.normalize(form, "Díaz-Canel recibió a los cubaníes")
        assert [h.watchlist for h in matcher.match(said, said, "es")] == ["personas"]
