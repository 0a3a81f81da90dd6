"""monitor hits, match, explain, rematch and check, run as users run them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from monitor.config import fingerprint
from tests.support.cli import invoke, poll_once
from tests.support.config import site_config, write_config
from tests.support.news import story
from tests.support.server import FeedServer

WATCHLIST = """title: Relations
groups:
  cuba: [Cuba, "cuban*", {term: Havana, aliases: [La Habana]}]
  us: [{term: United States, aliases: [EE.UU., Estados Unidos, US]}]
match: {all: [cuba, us]}
exclude: [Mark Cuban]
examples:
  match: [Cuba and the United States]
  no_match: [Mark Cuban in the United States]
"""

STORIES = [
    story(
        "oil",
        "EE.UU. amenaza con aranceles a quien venda crudo a La Habana",
        "Washington presiona.",
        "es",
    ),
    story(
        "team", "Mark Cuban compra un equipo", "El empresario estadounidense compra un club.", "es"
    ),
    story("rain", "Lluvias en Madrid", "Llueve mucho en la capital de España.", "es"),
]


@pytest.fixture
def polled(server: FeedServer, tmp_path: Path) -> Path:
    config = site_config(server, tmp_path, STORIES, {"relations": WATCHLIST})
    assert poll_once(config)["hits"] == 1
    return config


def test_hits_are_stored_with_terms_and_snippets(polled: Path, tmp_path: Path) -> None:
    lines = invoke("--config", str(polled), "hits", "--json").stdout.splitlines()
    (hit,) = [json.loads(x) for x in lines]
    assert hit["title"] == STORIES[0].title
    assert hit["watchlist"] == "relations"
    assert set(hit["terms"]) == {"United States", "Havana"}
    assert "[EE.UU]" in hit["snippet"]
    assert set(hit) == {
        "article_id",
        "url",
        "title",
        "source",
        "published",
        "watchlist",
        "score",
        "terms",
        "snippet",
    }
    db = sqlite3.connect(tmp_path / "data" / "monitor.db")
    terms, snippet = db.execute("SELECT terms, snippet FROM hits").fetchone()
    assert {t["alias"] for t in json.loads(terms)} == {"EE.UU.", "La Habana"}
    assert "La Habana" in snippet
    text = invoke("--config", str(polled), "hits").stdout
    assert "why: " in text


def test_match_reads_jsonl_and_stores_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path, [], watchlists={"relations": WATCHLIST})
    docs = [
        {
            "id": 1,
            "title": "EE.UU. amenaza con aranceles a quien venda crudo a La Habana",
            "text": "",
        },
        {"id": "b", "title": "Mark Cuban compra un equipo", "text": "", "language": "es"},
    ]
    stdin = "\n".join(json.dumps(d) for d in docs) + "\nnot json\n"
    result = invoke("--config", str(config), "match", "--json", input_text=stdin)
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b"]
    assert [h["watchlist"] for h in out[0]["hits"]] == ["relations"]
    assert set(out[0]["hits"][0]) == {"watchlist", "score", "terms", "snippet"}
    assert out[1]["hits"] == []
    assert result.returncode == 1
    assert "stdin:3: not JSON" in result.stderr
    assert not (tmp_path / "data" / "monitor.db").exists()
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps(docs[0]) + "\n")
    from_file = invoke("--config", str(config), "match", str(path))
    assert from_file.returncode == 0
    assert from_file.stdout.strip() == "1: relations (6)"


def test_match_reads_the_published_date_for_terms_of_some_dates(tmp_path: Path) -> None:
    dated = "groups:\n  cuba:\n    - {term: Castro, since: 1959-01-01, until: 2021-04-19}\n"
    lists = {"relations": dated + "  us: [United States]\nmatch: {all: [cuba, us]}\n"}
    config = write_config(tmp_path, [], watchlists=lists)
    title = "Castro meets United States lawmakers"
    docs = [
        {"id": "old", "title": title, "published": "2015-04-11T10:00:00Z"},
        {"id": "new", "title": title, "published": "2024-05-01"},
        {"id": "undated", "title": title},
        {"id": "bad", "title": title, "published": "yesterday"},
    ]
    stdin = "\n".join(json.dumps(d) for d in docs) + "\n"
    result = invoke("--config", str(config), "match", input_text=stdin)
    assert result.stdout.splitlines() == [
        "old: relations (6)", "new: no match", "undated: no match",
    ]  # fmt: skip
    assert result.returncode == 1
    assert 'stdin:4: "published" must be an ISO date' in result.stderr


def test_explain_shows_terms_and_voided_mentions(polled: Path) -> None:
    db_ids = [
        json.loads(x)["article_id"]
        for x in invoke("--config", str(polled), "hits", "--json").stdout.splitlines()
    ]
    hit_text = invoke("--config", str(polled), "explain", str(db_ids[0])).stdout
    assert "relations: MATCH: the rule holds and score 8 reaches min_score 1" in hit_text
    assert (
        "+ United States [us] as 'EE.UU.' in the title at 0, 1x: 3; 'EE.UU.' in the lead at 0, 1x: 1"
    ) in hit_text
    assert hit_text.count("United States [us]") == 1
    rows = (
        sqlite3.connect(polled.parent / "data" / "monitor.db")
        .execute("SELECT id, url FROM articles WHERE title LIKE 'Mark Cuban%'")
        .fetchone()
    )
    miss = invoke("--config", str(polled), "explain", rows[1]).stdout
    assert "relations: no match" in miss
    assert "voided by exclusion 'Mark Cuban'" in miss
    assert "✗ group cuba: score 0" in miss
    unknown = invoke("--config", str(polled), "explain", "999999")
    assert unknown.returncode == 1
    assert "no stored article" in unknown.stderr


def test_rematch_after_an_edit_keeps_sent_hits(polled: Path) -> None:
    db = polled.parent / "data" / "monitor.db"
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO digests (id, created_at, sent_at, date, subject, message_id, transport, items, hits)"
        " VALUES (1, 'x', 'x', '2026-02-01', 's', '<m>', 'file', 1, 1)"
    )
    conn.execute("UPDATE hits SET digest_id = 1")
    conn.commit()
    # Now Spain counts as Cuba: the rain story matches too; the sent hit stays as it was.
    (polled / "watchlists" / "relations.yaml").write_text(
        WATCHLIST.replace("cuba: [Cuba,", "cuba: [España, Cuba,").replace(
            "us: [{term:", "us: [capital, {term:"
        )
    )
    result = invoke("--config", str(polled), "rematch")
    assert result.returncode == 0, result.stderr
    assert "3 articles: 1 hits added, 0 removed" in result.stdout
    assert "stories rebuilt: 3 articles in 3 stories" in result.stdout
    rows = conn.execute(
        "SELECT a.title, h.digest_id FROM hits h JOIN articles a ON a.id = h.article_id ORDER BY h.id"
    ).fetchall()
    assert rows == [(STORIES[0].title, 1), ("Lluvias en Madrid", None)]
    assert invoke("--config", str(polled), "rematch", "--watchlist", "nope").returncode == 1


def test_check_runs_examples_like_tests(tmp_path: Path) -> None:
    broken = WATCHLIST.replace(
        "no_match: [Mark Cuban in the United States]", "no_match: [Cuba and the US today]"
    )
    config = write_config(tmp_path, [], watchlists={"relations": broken})
    result = invoke("--config", str(config), "check")
    assert result.returncode == 1
    assert (
        "relations.yaml:9: FAIL relations must not match: 'Cuba and the US today'" in result.stderr
    )
    assert "relations.yaml: 1/2 examples pass" in result.stdout
    fixed = write_config(tmp_path / "ok", [], watchlists={"relations": WATCHLIST})
    ok = invoke("--config", str(fixed), "check")
    assert ok.returncode == 0
    assert "2 examples pass" in ok.stdout


def test_files_editors_leave_beside_a_watchlist_are_not_watchlists(tmp_path: Path) -> None:
    """Emacs locks a watchlist being edited with a link to nowhere, ``.#name.yaml``, and
    macOS writes ``._name.yaml`` beside files copied to a shared drive: both made the
    config broken while a user worked ("cannot read", "invalid YAML")."""
    config = write_config(tmp_path, [], watchlists={"relations": WATCHLIST})
    folder = config / "watchlists"
    before = fingerprint(config)
    (folder / ".#relations.yaml").symlink_to("ana@laptop.4242:1733472000")
    (folder / "._relations.yaml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    result = invoke("--config", str(config), "check")
    assert result.returncode == 0, result.stderr
    assert "1 watchlists, 2 examples pass" in result.stdout
    assert fingerprint(config) == before  # nor does the service reload for them


def _break(config: Path) -> None:
    """relations.yaml with two mistakes in its rule (line 5)."""
    (config / "watchlists" / "relations.yaml").write_text(
        WATCHLIST.replace("match: {all: [cuba, us]}", "match: {all: [cuba, usa, {group: cubs}]}")
    )


def test_rematch_with_nothing_changed_changes_nothing(polled: Path) -> None:
    db = sqlite3.connect(polled.parent / "data" / "monitor.db")
    before = db.execute("SELECT id, matched_at FROM hits").fetchall()
    result = invoke("--config", str(polled), "rematch")
    assert result.returncode == 0, result.stderr
    assert "3 articles: 0 hits added, 0 removed, 0 updated" in result.stdout
    assert "stories rebuilt" not in result.stdout
    assert db.execute("SELECT id, matched_at FROM hits").fetchall() == before


def test_rematch_counts_a_changed_hit_as_updated(polled: Path) -> None:
    # A heavier term: the same article still matches, with another score.
    (polled / "watchlists" / "relations.yaml").write_text(
        WATCHLIST.replace("{term: Havana,", "{term: Havana, weight: 2,")
    )
    result = invoke("--config", str(polled), "rematch")
    assert "0 hits added, 0 removed, 1 updated" in result.stdout
    score = sqlite3.connect(polled.parent / "data" / "monitor.db").execute("SELECT score FROM hits")
    assert score.fetchone()[0] == 12  # Havana now 2 × (3 in the title + 1 in the body)


def test_rematch_refuses_while_a_watchlist_is_invalid(polled: Path) -> None:
    _break(polled)
    db = sqlite3.connect(polled.parent / "data" / "monitor.db")
    result = invoke("--config", str(polled), "rematch")
    assert result.returncode == 1
    assert "relations.yaml:5: match.all[1]: unknown group 'usa'" in result.stderr
    assert "rematch refused: watchlist 'relations' is invalid" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.execute("SELECT count(*) FROM hits WHERE watchlist = 'relations'").fetchone() == (1,)
    only = invoke("--config", str(polled), "rematch", "--watchlist", "relations", "--skip-invalid")
    assert only.returncode == 1


def test_rematch_skip_invalid_keeps_the_hits_of_the_invalid_watchlist(polled: Path) -> None:
    (polled / "watchlists" / "rain.yaml").write_text(
        "groups: {rain: [Lluvias]}\nmatch: {all: [rain]}\n"
    )
    _break(polled)
    result = invoke("--config", str(polled), "rematch", "--skip-invalid")
    assert result.returncode == 0, result.stderr
    assert "watchlist 'relations' left out: its hits are kept" in result.stderr
    assert "1 hits added, 0 removed" in result.stdout
    rows = sqlite3.connect(polled.parent / "data" / "monitor.db").execute(
        "SELECT watchlist FROM hits ORDER BY watchlist"
    )
    assert rows.fetchall() == [("rain",), ("relations",)]


def test_match_says_which_watchlist_was_left_out(polled: Path) -> None:
    (polled / "watchlists" / "rain.yaml").write_text(
        "groups: {rain: [Lluvias]}\nmatch: {all: [rain]}\n"
    )
    _break(polled)
    doc = json.dumps({"id": 1, "title": "Lluvias en La Habana y EE.UU.", "text": ""})
    result = invoke("--config", str(polled), "match", input_text=doc + "\n")
    assert result.stdout.strip() == "1: rain (3)"
    assert "watchlist 'relations' left out: its file is invalid" in result.stderr
    assert result.returncode == 1


def test_check_reports_every_error_in_a_file(polled: Path) -> None:
    _break(polled)
    result = invoke("--config", str(polled), "check")
    assert result.returncode == 1
    assert "relations.yaml:5: match.all[1]: unknown group 'usa'" in result.stderr
    assert "relations.yaml:5: match.all[2]: unknown group 'cubs'" in result.stderr
