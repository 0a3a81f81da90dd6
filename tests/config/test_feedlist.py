"""config.feedlist: feeds.yaml edited as a person would, comments and order kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_config, opml
from monitor.config.feedlist import FeedList, FeedListError
from tests.support.config import DATA, REPO


@pytest.fixture
def feeds_yaml(tmp_path: Path) -> Path:
    (tmp_path / "config").mkdir()
    path = tmp_path / "config" / "feeds.yaml"
    path.write_text((REPO / "config" / "feeds.yaml").read_text())
    return path


def test_add_appends_with_a_comment_and_keeps_every_other_line(feeds_yaml: Path) -> None:
    before = feeds_yaml.read_text()
    feeds = FeedList(feeds_yaml)
    feeds.add({"name": "elTOQUE", "url": "https://eltoque.com/feed", "language": "es",
               "tags": ["independent"]}, comment="elTOQUE, independent, in Spanish.")  # fmt: skip
    feeds.save()
    after = feeds_yaml.read_text()
    assert after.startswith(before.rstrip("\n"))
    assert after[len(before.rstrip("\n")) :] == (
        "\n  # elTOQUE, independent, in Spanish.\n"
        "  - name: elTOQUE\n    url: https://eltoque.com/feed\n"
        "    language: es\n    tags: [independent]\n"
    )
    assert load_config(feeds_yaml.parent).feed("elTOQUE") is not None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "Cubadebate", "url": "https://other.example/rss"}, "a feed named 'Cubadebate'"),
        ({"name": "Twin", "url": "HTTP://WWW.Cubadebate.cu/feed/?utm_source=x"},
         "HTTP://WWW.Cubadebate.cu/feed/?utm_source=x is already there as 'Cubadebate'"),
        ({"name": "Bad", "url": "ftp://x.example/"}, "'Bad': "),
    ],
)  # fmt: skip
def test_add_refuses_duplicates_and_invalid_entries(
    feeds_yaml: Path, entry: dict[str, str], message: str
) -> None:
    with pytest.raises(FeedListError) as caught:
        FeedList(feeds_yaml).add(entry)
    assert message.lower() in str(caught.value).lower()


def test_remove_takes_the_item_and_its_comment(feeds_yaml: Path) -> None:
    feeds = FeedList(feeds_yaml)
    removed = feeds.remove("Granma International")
    feeds.save()
    text = feeds_yaml.read_text()
    assert removed["url"] == "https://en.granma.cu/feed"
    assert "Granma International" not in text
    assert "Granma's English edition" not in text
    assert "# Granma, the Communist Party daily." in text
    with pytest.raises(FeedListError, match="no feed named 'Nope'"):
        feeds.remove("Nope")


def test_import_skips_what_is_there_and_numbers_taken_names(feeds_yaml: Path) -> None:
    found = opml.read((DATA / "opml" / "miniflux.opml").read_bytes(), "miniflux.opml")
    found += opml.read((DATA / "opml" / "feedly.opml").read_bytes(), "feedly.opml")
    feeds = FeedList(feeds_yaml)
    report = feeds.import_feeds(found, "exports")
    feeds.save()
    # All but CiberCuba's are in the defaults; CiberCuba is, under another URL and its name.
    assert report.added == ["CiberCuba (2)"]
    assert [title for title, _why in report.skipped] == [
        "Granma", "Cubadebate", "Prensa Latina", "14ymedio",
        "State Department – Western Hemisphere",
    ]  # fmt: skip
    added = load_config(feeds_yaml.parent).feed("CiberCuba (2)")
    assert added is not None
    assert (added.url, added.tags) == ("https://www.cibercuba.com/rss.xml", ("cuba",))
    again = FeedList(feeds_yaml).import_feeds(found, "exports")
    assert again.added == []
