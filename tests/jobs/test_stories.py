"""Stories end to end: wire copies and a translation polled from four feeds are one story
in the database, in the digest, and on the command line."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.jobs.stories import recluster
from monitor.storage import Store
from tests.support.cli import invoke, poll_once
from tests.support.config import RELATIONS, write_config
from tests.support.news import Story, page, rss
from tests.support.server import FeedServer

BODY = (
    "A tanker carrying about 700,000 barrels of Venezuelan crude bound for Cuba turned back "
    "in the Caribbean on Tuesday after the United States Treasury warned shippers of "
    "sanctions, ship tracking data showed.",
    "The vessel, the Ocean Mariner, had left the port of Jose five days earlier. Havana "
    "depends on imported fuel for its power plants and has suffered blackouts for months.",
)
SPANISH = (
    "Un petrolero con unos 700.000 barriles de crudo venezolano rumbo a Cuba dio la vuelta "
    "el martes en el Caribe después de que el Tesoro de EE.UU. advirtiera a los navieros, "
    "según datos de seguimiento de buques.",
    "El Ocean Mariner había zarpado del puerto de José cinco días antes. La Habana depende "
    "del combustible importado para sus termoeléctricas.",
)
OTHER = (
    "Cuban President Miguel Díaz-Canel will travel to Beijing next week, Havana said, while "
    "Washington criticised growing Chinese influence on the island.",
    "Chinese firms installed solar panels at 31 sites across Cuba last year, officials said, "
    "and more are planned before the hurricane season.",
)

REPORTS = {
    "wire": Story("tanker", "Tanker bound for Cuba turns back after US warning", BODY),
    "daily": Story("oil", "Venezuelan oil shipment to Cuba halted", ("HAVANA (Wire) — " + BODY[0], BODY[1])),
    "herald": Story("ship", "US pressure turns Cuba-bound tanker around", (BODY[0],)),
    "agencia": Story("petrolero", "Petrolero rumbo a Cuba da la vuelta tras advertencia de EE.UU.", SPANISH, "es"),
    "other": Story("beijing", "Díaz-Canel to visit Beijing as Washington watches", OTHER),
}  # fmt: skip


@pytest.fixture
def polled(server: FeedServer, tmp_path: Path) -> Path:
    feeds = []
    for outlet, report in REPORTS.items():
        server.add(f"/{outlet}/articles/{report.slug}.html", page(report), content_type="text/html")
        url = server.add(f"/{outlet}/feed.xml", rss(outlet, [report], f"/{outlet}/articles/"))
        feeds.append({"name": outlet.title(), "url": url})
    config = write_config(tmp_path, feeds, watchlists={"relations": RELATIONS})
    assert poll_once(config)["new_articles"] == 5
    return config


def stories(config: Path) -> dict[str, int]:
    db = sqlite3.connect(config.parent / "data" / "monitor.db")
    return dict(db.execute("SELECT title, story_id FROM articles").fetchall())


def test_copies_and_the_translation_are_one_story(polled: Path) -> None:
    found = stories(polled)
    tanker = {found[r.title] for name, r in REPORTS.items() if name != "other"}
    assert len(tanker) == 1
    assert found[REPORTS["other"].title] not in tanker
    explained = invoke("--config", str(polled), "explain", "1").stdout
    assert "story 1: no earlier report of the same story; other reports: " in explained


def test_the_digest_shows_one_item_with_the_others_listed(polled: Path, tmp_path: Path) -> None:
    out = tmp_path / "digest.txt"
    assert invoke("--config", str(polled), "digest", "--preview", "--out", str(out)).returncode == 0
    text = out.read_text()
    items = [line for line in text.splitlines() if line.startswith("* ")]
    assert len(items) == 2  # the tanker story, and the Beijing one
    [block] = [b for b in text.split("\n* ") if "Also reported by:" in b]
    shown, *listed = block.split("Also reported by:")
    also = "".join(listed)
    assert also.count("<http") == 3
    # The four reports, each once: the one shown (its language on its line), three listed.
    languages = [lang for lang in ("en", "es") if f" · {lang}\n" in shown]
    languages += [lang for lang in ("en", "es") for _ in range(also.count(f"[{lang}]"))]
    assert sorted(languages) == ["en", "en", "en", "es"]


def test_hits_and_search_group_by_story(polled: Path) -> None:
    grouped = invoke("--config", str(polled), "hits", "--clusters").stdout
    assert "· 4 reports (en, es)" in grouped
    assert "· 1 report (en)" in grouped
    lines = invoke("--config", str(polled), "hits", "--clusters", "--json").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(r["reports"] for r in records) == [1, 4]
    assert {len(r["hits"]) for r in records} == {1, 4}
    found = invoke("--config", str(polled), "search", "Cuba", "--clusters", "--json")
    groups = [json.loads(line) for line in found.stdout.splitlines()]
    assert sorted(len(g["results"]) for g in groups) == [1, 4]


def test_recluster_rebuilds_the_same_stories(polled: Path) -> None:
    before = stories(polled)
    db = sqlite3.connect(polled.parent / "data" / "monitor.db")
    with db:
        db.execute("UPDATE articles SET story_id = NULL, story_reason = NULL")
    assert "not placed yet" in invoke("--config", str(polled), "explain", "1").stdout
    result = invoke("--config", str(polled), "recluster")
    assert result.stdout.strip() == "5 articles placed in 2 stories"
    assert stories(polled) == before


def test_recluster_in_small_batches_places_alike(polled: Path) -> None:
    before = stories(polled)
    store = Store.open(polled.parent / "data" / "monitor.db")
    try:
        report = recluster(store, batch_size=2)  # three batches, each among the last's
    finally:
        store.close()
    assert (report.articles, report.stories) == (5, 2)
    assert stories(polled) == before


def test_a_cycle_places_what_an_earlier_one_left_unplaced(polled: Path) -> None:
    before = stories(polled)
    db = sqlite3.connect(polled.parent / "data" / "monitor.db")
    with db:
        db.execute("UPDATE articles SET story_id = NULL, story_reason = NULL")
    invoke("--config", str(polled), "poll")  # nothing new: every feed answers 304
    assert stories(polled) == before


def test_the_lead_words_are_stored_with_how_common_each_is(polled: Path) -> None:
    store = Store.open(polled.parent / "data" / "monitor.db")
    try:
        members = store.story_members(datetime(2000, 1, 1, tzinfo=UTC))
        words = {m.article_id: dict(m.features.lead_words) for m in members}
        assert any(0 < common < 5 for found in words.values() for common in found.values())
        # Features stored before words had their frequency: a list of uncommon words,
        # read as the rarest.
        with store.write() as db:
            db.execute("UPDATE story_features SET lead_words = '[\"interce\"]'")
        old = store.story_members(datetime(2000, 1, 1, tzinfo=UTC))
    finally:
        store.close()
    assert {dict(m.features.lead_words)["interce"] for m in old} == {0.0}
