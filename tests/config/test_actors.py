"""The people and offices of each side (_actors.yaml), the policies that imply the US
side, and the shared files that hold them: every term is shown at work by an example."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from monitor.config import load_config
from monitor.config.yamlfile import load as load_yaml
from monitor.jobs.stories import context_of
from monitor.matching.matcher import Matcher
from tests.support.config import REPO, write_config

WATCHLISTS = REPO / "config/watchlists"
#: Groups whose every term must be the reason some default example matches.
SHOWN = {
    "_actors.yaml": ("us", "cuba"),
    "_common.yaml": ("us_implied",),
    "energy-and-oil.yaml": ("interdiction",),
    "migration.yaml": ("cuban_parole",),
}


def _terms(file: str, group: str) -> list[str]:
    data, _ = load_yaml(WATCHLISTS / file, file)
    entries = data["groups"][group]
    entries = entries["terms"] if isinstance(entries, dict) else entries
    return [e if isinstance(e, str) else e["term"] for e in entries]


def _default() -> tuple[Matcher, list[tuple[bool, str, str, str | None, date | None]]]:
    config = load_config(REPO / "config")
    assert config.problems == ()
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    examples = [
        (e.expect, e.title, e.text, e.language, e.published)
        for w in config.watchlists
        for e in w.examples
    ]
    return matcher, examples


def test_every_new_term_is_the_reason_an_example_matches() -> None:
    matcher, examples = _default()
    shown: set[str] = set()
    for expect, title, text, language, published in examples:
        if expect:
            for hit in matcher.match(title, text, language, published=published):
                shown.update(t.term for t in hit.terms)
    for file, groups in SHOWN.items():
        for group in groups:
            missing = [t for t in _terms(file, group) if t.rstrip("*") not in shown]
            assert not missing, f"{file} {group}: no example matches by {missing}"


def test_near_misses_of_the_actors_match_nothing() -> None:
    matcher, _ = _default()
    for title, published in [
        ("Vatican Secretary of State Parolin visits Havana", None),
        ("Kerry Washington stars in a film shot in Havana", None),
        ("Xiomara Castro pide a Estados Unidos respeto para Honduras", date(2013, 11, 20)),
        ("Castro meets US lawmakers", date(2024, 5, 1)),
        ("Castro meets US lawmakers", None),  # unknown date: today's news
        ("DC Comics opens a store in Havana", None),
        ("Western Union cuts its fees for transfers to Mexico from the United States", None),
        ("Parole board denies release to Miami man after 30 years", None),
        ("Venezuela intercepts a tanker bound for Aruba", None),
    ]:
        assert matcher.match(title, "", None, published=published) == (), title


def test_a_dated_term_counts_in_news_of_its_dates_only() -> None:
    matcher, _ = _default()
    title = "Castro meets US lawmakers"
    assert matcher.match(title, "", "en", published=date(2015, 4, 11))
    assert matcher.match(title, "", "en", published=datetime(2015, 4, 11, 12, tzinfo=UTC))
    assert not matcher.match(title, "", "en", published=date(1955, 1, 1))


def test_shared_files_extend_the_groups_of_one_name(tmp_path: Path) -> None:
    lists = {
        "_common": "groups:\n  us:\n    weight: 2\n    terms: [United States]\n",
        "_people": "groups:\n  us:\n    - {term: Blinken, case: sensitive}\n"
        "exclude: [Blinken Street]\n",
        "a": "groups:\n  cuba: [Cuba]\nmatch: {all: [cuba, us]}\n",
    }
    config = load_config(write_config(tmp_path, [], watchlists=lists))
    assert config.problems == ()
    (watchlist,) = config.watchlists
    us = next(g for g in watchlist.groups if g.name == "us")
    # Each term keeps the settings of the group it was written in.
    assert [(t.name, t.weight, t.case_sensitive) for t in us.terms] == [
        ("United States", 2.0, False),
        ("Blinken", 1.0, True),
    ]
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    assert matcher.match("Blinken on Cuba", "")
    assert matcher.match("Cuba and the United States", "")
    assert not matcher.match("Cuba cafe opens on Blinken Street", "")


def test_a_broken_shared_file_is_reported_and_the_others_still_count(tmp_path: Path) -> None:
    lists = {
        "_common": "groups:\n  us: [United States]\n",
        "_people": "groups:\n  us:\n    - {term: Blinken, weight: -1}\n",
        "a": "groups:\n  cuba: [Cuba]\nmatch: {all: [cuba, us]}\n",
    }
    config = load_config(write_config(tmp_path, [], watchlists=lists))
    assert [p.file for p in config.problems] == [str(tmp_path / "config/watchlists/_people.yaml")]
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    assert matcher.match("Cuba and the United States", "")
    assert not matcher.match("Blinken on Cuba", "")


def test_people_are_evidence_for_stories_and_the_countries_are_not() -> None:
    context = context_of(load_config(REPO / "config").watchlists)
    assert {"cuba", "havana", "united states", "washington"} <= context
    assert not {"blinken", "kerry", "jake sullivan", "sullivan", "western union"} & context
