"""Unicode's other legal forms of one text, through a real `monitor`: decomposed accents
(as text pasted from macOS gives) and invisible format characters match, are stored and
are found as their composed form is."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config import load_config
from monitor.matching.matcher import Matcher
from monitor.text.fold import normalize
from tests.support.cli import monitor
from tests.support.config import write_config
from tests.support.server import FeedServer

REPO = Path(__file__).parents[2]
WATCHLIST = """title: Relations
groups:
  cuba: [Cuba, La Habana, Díaz-Canel]
  us: [{term: United States, aliases: [Estados Unidos, EE.UU., Washington]}]
match: {all: [cuba, us]}
"""
COMPOSED = "Díaz-Canel rechaza dialogar con Washington bajo presión petrolera de EE.UU."
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)
ZERO_WIDTH = "Cu\u200bba y Estados\u00adUnidos: La Habana acusa a Washington"


def rss(*titles: str) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><guid>g{n}</guid><description>{t}</description></item>"
        for n, t in enumerate(titles)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def test_decomposed_and_zero_width_titles_match_store_and_search(tmp_path: Path) -> None:
    assert DECOMPOSED != COMPOSED
    with FeedServer() as server:
        url = server.add("/feed.xml", rss(DECOMPOSED, ZERO_WIDTH))
        config = write_config(tmp_path, [{"name": "Wire", "url": url}],
                              watchlists={"relations": WATCHLIST})  # fmt: skip
        poll = monitor("--config", str(config), "poll", "--json")
    assert poll.returncode == 0, poll.stderr
    db = sqlite3.connect(tmp_path / "data" / "monitor.db")
    titles = {t for (t,) in db.execute("SELECT title FROM articles")}
    assert titles == {COMPOSED, "Cuba y EstadosUnidos: La Habana acusa a Washington"}
    hit_titles = {
        t
        for (t,) in db.execute("SELECT a.title FROM hits h JOIN articles a ON a.id = h.article_id")
    }
    assert hit_titles == titles  # both match Cuba and the US once normalised
    found = monitor("--config", str(config), "search", unicodedata.normalize("NFD", "presión"),
                    "--json")  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert [json.loads(line)["title"] for line in found.stdout.splitlines()] == [COMPOSED]


_MATCHER = Matcher(load_config(REPO / "config").watchlists)
_WORDS = st.sampled_from(
    ["Díaz-Canel", "Cuba", "Estados Unidos", "petróleo", "EE.UU.", "La Habana", "bloqueo",
     "Washington", "Rubio", "sanciones", "niño", "presión", "el", "y", "dijo"]
)  # fmt: skip


def _sprinkled(text: str, marks: list[int]) -> str:
    out = list(unicodedata.normalize("NFD", text))
    for n, at in enumerate(marks):
        out.insert(at % (len(out) + 1), "\u200b" if n % 2 else "\u2060")
    return "".join(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, min_size=2, max_size=12), st.lists(st.integers(0, 200), max_size=6))
def test_any_text_and_its_other_forms_get_one_verdict(words: list[str], marks: list[int]) -> None:
    text = " ".join(words)
    other = _sprinkled(text, marks)
    assert normalize(other) == text
    verdict = {(h.watchlist, h.score) for h in _MATCHER.match(text, text, "es")}
    assert {(h.watchlist, h.score) for h in _MATCHER.match(other, other, "es")} == verdict
