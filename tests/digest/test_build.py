"""digest.py: one item per story, ranked, grouped, with a trend and source health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from monitor.digest.build import Digest, build_digest
from monitor.digest.render import render
from monitor.matching.model import GroupRef, Watchlist
from monitor.types import FeedActivity, StoredHit
from tests.support.digests import NOW, stored

WATCHLISTS = [
    Watchlist(name="energy", title="Energy and oil", groups=(), rule=GroupRef(group="x")),
    Watchlist(name="relations", title="US–Cuba relations", groups=(), rule=GroupRef(group="x")),
]


def build(
    hits: Sequence[StoredHit],
    *,
    activity: Sequence[FeedActivity] = (),
    story_times: Sequence[tuple[str, datetime]] = (),
    max_items: int = 200,
    subject: str = "Digest {date}: {count}",
) -> Digest:
    return build_digest(
        hits, watchlists=WATCHLISTS, activity=activity, story_times=story_times, now=NOW,
        timezone="America/New_York", subject=subject, max_items=max_items,
    )  # fmt: skip


def test_items_are_grouped_by_watchlist_and_ranked_by_score_then_time() -> None:
    hits = [
        stored("Low relations story", score=4, hours_ago=1),
        stored("High relations story", score=9, hours_ago=5),
        stored("Older equal story", score=4, hours_ago=3),
        stored("Oil story", watchlist="energy", score=6),
    ]
    digest = build(hits)
    assert [s.watchlist for s in digest.sections] == ["energy", "relations"]
    assert [i.title for i in digest.sections[1].items] == [
        "High relations story", "Low relations story", "Older equal story",
    ]  # fmt: skip
    assert digest.item_count == 4
    assert sorted(digest.hit_ids) == sorted(h.hit_id for h in hits)


def test_an_article_on_several_watchlists_is_listed_once_under_its_best() -> None:
    a = stored("Tariffs on oil for Havana", watchlist="relations", score=4, article_id=1)
    b = stored("Tariffs on oil for Havana", watchlist="energy", score=8, article_id=1)
    digest = build([a, b])
    assert [(s.watchlist, len(s.items)) for s in digest.sections] == [("energy", 1)]
    assert digest.sections[0].items[0].watchlists == ("Energy and oil", "US–Cuba relations")
    assert dict(digest.counts) == {"energy": 1, "relations": 1}
    assert sorted(digest.hit_ids) == sorted([a.hit_id, b.hit_id])


def test_duplicates_across_sources_collapse_with_also_in_links() -> None:
    same_url = "https://wire.example/story"
    hits = [
        stored(
            "Cuba offers dialogue to the US - Reuters", source="Google News", url=same_url, score=7
        ),
        stored("Cuba offers dialogue to US", source="14ymedio", url=same_url, score=5),
        stored("Cuba offers dialogue to the US | CiberCuba", source="CiberCuba", score=6),
        stored("Cuba rejects talks with the US", source="Granma", score=5),
    ]
    (section,) = build(hits).sections
    first, second = section.items
    assert first.title == "Cuba offers dialogue to the US - Reuters"
    assert [link.source for link in first.also] == ["CiberCuba", "14ymedio"]
    assert second.title == "Cuba rejects talks with the US"
    assert second.also == ()


def test_a_report_folded_on_shared_evidence_keeps_its_headline_in_view() -> None:
    """A report placed in a story in other words shows its own headline under the item:
    were the join wrong, the development it reports would still be in the digest."""
    lead = replace(stored("White House threatens tariffs on oil for Cuba", score=9), story_id=1)
    copy = replace(stored("White House threatens tariffs on oil for Cuba - AP", source="AP",
                          score=5), story_id=1)  # fmt: skip
    other = replace(
        stored("EE.UU. devuelve a Cuba a la lista de patrocinadores del terrorismo",
               source="Agencia", score=4),
        story_id=1, language="es",
    )  # fmt: skip
    digest = build([lead, copy, other])
    (item,) = digest.sections[0].items
    assert [(link.source, link.headline) for link in item.also] == [
        ("AP", None),
        ("Agencia", "EE.UU. devuelve a Cuba a la lista de patrocinadores del terrorismo"),
    ]
    rendered = render(digest)
    assert "Also reported by: AP [en] <" in rendered.text
    assert ('Also reported by: Agencia [es]: "EE.UU. devuelve a Cuba a la lista de '
            'patrocinadores del terrorismo"') in rendered.text  # fmt: skip
    assert "patrocinadores del terrorismo”" in rendered.html


def test_a_folded_entry_without_a_headline_shows_its_snippet() -> None:
    lead = replace(stored("UN votes against the embargo on Cuba", score=9), story_id=1)
    bare = replace(
        stored("", snippet="La Asamblea General aprobó por 187 votos la resolución cubana."),
        story_id=1,
    )
    (item,) = build([lead, bare]).sections[0].items
    assert item.also[0].headline == "La Asamblea General aprobó por 187 votos la resolución cubana."


def test_max_items_holds_the_rest_back() -> None:
    hits = [stored(f"Story number {n} about Cuba and the US", score=n) for n in range(1, 6)]
    digest = build(hits, max_items=2)
    assert [i.score for s in digest.sections for i in s.items] == [5, 4]
    assert set(digest.hit_ids) == {hits[4].hit_id, hits[3].hit_id}
    assert digest.held_back == 3


def test_subject_has_date_and_count_and_no_line_breaks() -> None:
    digest = build(
        [stored("A story about Cuba and the US")], subject="Digest {date}\r\nBcc: x@y {count}"
    )
    assert digest.subject == "Digest 2026-02-10 Bcc: x@y 1"


def test_trend_counts_hits_per_local_day() -> None:
    times = [("energy", NOW - timedelta(days=d, hours=1)) for d in (0, 0, 1, 13, 20)]
    times.append(("relations", NOW.replace(hour=3)))  # 22:00 the day before in New York
    trend = {t.watchlist: t.days for t in build([], story_times=times).trend}
    assert len(trend["energy"]) == 14
    assert trend["energy"][-1] == 2
    assert trend["energy"][-2] == 1
    assert trend["energy"][0] == 1
    assert sum(trend["energy"]) == 4  # 20 days ago is outside the window
    assert trend["relations"][-2] == 1


def test_source_health_reports_failing_and_silent_feeds() -> None:
    hourly = tuple(NOW - timedelta(days=3, hours=h) for h in range(10))
    activity = [
        FeedActivity(name="Broken", last_error="HTTP 500", failing_since=NOW - timedelta(hours=30), last_ok_at=None, last_new_at=None, recent=()),
        FeedActivity(name="Blip", last_error="timed out", failing_since=NOW - timedelta(hours=2), last_ok_at=None, last_new_at=None, recent=()),
        FeedActivity(name="Quiet", last_error=None, failing_since=None, last_ok_at=NOW, last_new_at=hourly[0], recent=hourly),
        FeedActivity(name="Weekly", last_error=None, failing_since=None, last_ok_at=NOW, last_new_at=NOW - timedelta(days=3),
                     recent=tuple(NOW - timedelta(days=3 + 7 * w) for w in range(6))),
    ]  # fmt: skip
    health = {h.feed: h.problem for h in build([], activity=activity).health}
    assert health == {
        "Broken": "failing for 30 hours: HTTP 500",
        "Quiet": "nothing new for 3 days (usually every 1 hour)",
    }
