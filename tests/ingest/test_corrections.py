"""corrections.py: which corrected entries are followed, and the bounds on them."""

from __future__ import annotations

from monitor.ingest.corrections import MAX_CORRECTIONS, REWRITE_MIN, plan
from monitor.types import Entry, KnownEntry, ParsedFeed

FEED = 7


def entry(n: int, title: str = "", revision: str = "r1") -> Entry:
    return Entry(key=f"guid:{n}", url=f"https://example.org/{n}",
                 title=title or f"Report {n}", summary="s", revision=revision)  # fmt: skip


def known(n: int, revision: str | None = "r1", *, feed: int = FEED, corrections: int = 0,
          title: str = "") -> KnownEntry:  # fmt: skip
    return KnownEntry(article_id=100 + n, feed_id=feed, revision=revision,
                      corrections=corrections, title=title or f"Report {n}",
                      text_source="page")  # fmt: skip


def parsed(*entries: Entry) -> ParsedFeed:
    return ParsedFeed(title="Wire", language=None, entries=entries)


def test_only_a_changed_revision_is_followed() -> None:
    result = plan(parsed(entry(1), entry(2, revision="r2")), {"guid:1": known(1), "guid:2": known(2)},
                  FEED, per_feed=5)  # fmt: skip
    assert [e.key for e, _ in result.follow] == ["guid:2"]
    assert result.record == ()


def test_an_entry_of_another_feed_is_not_ours_to_correct() -> None:
    result = plan(parsed(entry(1, revision="r2")), {"guid:1": known(1, feed=8)}, FEED, 5)
    assert (result.follow, result.record) == ((), ())


def test_an_article_stored_before_revisions_gets_one_without_a_fetch() -> None:
    result = plan(parsed(entry(1, revision="r9")), {"guid:1": known(1, revision=None)}, FEED, 5)
    assert result.follow == ()
    assert result.record == ((101, "r9"),)


def test_per_feed_and_per_article_bounds() -> None:
    entries = [entry(n, revision="r2") for n in range(4)]
    stored = {f"guid:{n}": known(n, corrections=MAX_CORRECTIONS if n == 0 else 0) for n in range(4)}
    result = plan(parsed(*entries), stored, FEED, per_feed=2)
    assert [e.key for e, _ in result.follow] == ["guid:1", "guid:2"]  # 0 is used up; 3 waits
    assert result.record == ()  # the one that waits is not recorded: it is followed later


def test_a_feed_rewriting_most_entries_has_only_its_retitled_ones_followed() -> None:
    count = REWRITE_MIN * 2
    entries = [entry(n, title="Corrected headline" if n == 3 else "", revision="r2")
               for n in range(count)]  # fmt: skip
    stored = {f"guid:{n}": known(n) for n in range(count)}
    result = plan(parsed(*entries), stored, FEED, per_feed=5)
    assert [e.key for e, _ in result.follow] == ["guid:3"]
    assert len(result.record) == count - 1  # the rest's new revisions, unfollowed


def test_a_few_changes_in_a_big_feed_are_corrections_not_a_rewrite() -> None:
    count = REWRITE_MIN * 4
    entries = [entry(n, revision="r2" if n < REWRITE_MIN - 1 else "r1") for n in range(count)]
    stored = {f"guid:{n}": known(n) for n in range(count)}
    result = plan(parsed(*entries), stored, FEED, per_feed=10)
    assert len(result.follow) == REWRITE_MIN - 1  # same titles, new text: followed
