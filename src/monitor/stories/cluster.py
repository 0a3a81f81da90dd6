"""Which story a new article belongs to, decided one article at a time. Pure.

An article joins the story of an earlier one (within ``WINDOW`` of it) that it is:

1. **the same**: the same canonical address, the same text (at least
   ``MIN_EXACT_WORDS`` words, whatever the markup), or the same headline (at least
   ``MIN_TITLE_WORDS`` words, the outlet's name after " - " or " | " left out);
2. **a copy**: their texts (of ``MIN_EXACT_WORDS`` words at least: a summary or a bare
   headline tells too little) share at least ``NEAR_COPY`` of their word shingles
   (MinHash estimate), or at least ``SHARED_TEXT`` with headlines sharing
   ``SIMILAR_TITLE`` of their words: a wire story under another headline, trimmed or
   credited;
3. **a report of the same event**, in any language, compared with the first report of
   each story: they give the same figures and name the same people, places and matched
   terms (``_same_event``): a figure that tells the event (``_tells``: not a round
   number, a count or a day) and ``MIN_NAMES`` names, worth ``SAME_EVENT`` together, or
   ``MANY_NAMES`` names and any shared figure (across languages, no figure is needed:
   ``_translated``). A translation keeps these while every
   word around them changes; two stories about one person on one day rarely share a
   telling figure too. Names and figures found in many recent stories ("Cuba", "United
   States", "20") do not count.

Otherwise it starts a story of its own. At most ``MOST_COMPARED`` earlier articles, the
most recent, are compared with each new one. Incremental: an article never moves once placed,
and stories are never merged, so nothing is recomputed as the archive grows; a rebuild
(``jobs.cluster.recluster``) places every article again in time order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from monitor.stories import minhash
from monitor.types import StoryFeatures, StoryMember

WINDOW = timedelta(hours=48)
MIN_EXACT_WORDS = 20
#: Headlines with the same words, this many at least, are the same story's.
MIN_TITLE_WORDS = 4
NEAR_COPY = 0.5
SHARED_TEXT = 0.15
SIMILAR_TITLE = 0.5
#: Earlier articles compared with a new one, at most, the most recent first: bounds the
#: work when many share a text (a feed whose entries all carry one summary).
MOST_COMPARED = 200
#: A name or figure in more than this share of the recent stories (and in more than
#: ``FEW``) tells nothing about which story.
COMMON = 0.02
FEW = 5
#: What two reports of one event share, at least (``_weight``), a figure among it: names
#: alone join stories that only share their cast (on real news, a list of countries).
SAME_EVENT = 4
#: Names two reports of one event share, at least: figures alone (a price, a share of
#: a vote) recur in stories that have nothing else in common.
MIN_NAMES = 2
#: Names that, shared with any figure, say one event without a telling figure; across
#: languages, without a figure at all (``_translated``).
MANY_NAMES = 4


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where a new article goes, and why (shown by ``monitor explain``)."""

    #: The story joined; None when the article starts its own.
    story_id: int | None
    #: The article it was found to report the same as.
    joined: int | None
    reason: str


ALONE = Assignment(story_id=None, joined=None, reason="no earlier report of the same story")


class Clusterer:
    """The recent articles and their stories, to place new ones among."""

    def __init__(self, members: Iterable[StoryMember] = ()) -> None:
        self._members: dict[int, StoryMember] = {}
        self._near = minhash.NearIndex()
        self._by_url: dict[str, int] = {}
        self._by_hash: dict[str, int] = {}
        self._by_title: dict[frozenset[str], int] = {}
        self._by_key: dict[str, set[int]] = defaultdict(set)
        self._stories_with: dict[str, set[int]] = defaultdict(set)
        self._stories: set[int] = set()
        for member in sorted(members, key=lambda m: m.features.when):
            self._add(member)

    def assign(self, article_id: int, url: str, features: StoryFeatures) -> Assignment:
        """Place a new article: the story it joins (or its own), remembered for the next."""
        found = self._decide(url, features)
        story = found.story_id if found.story_id is not None else article_id
        self._add(StoryMember(article_id, story, url, features))
        return found

    def _decide(self, url: str, features: StoryFeatures) -> Assignment:
        for decide in (self._same, self._copy, self._same_event):
            found = decide(url, features)
            if found is not None:
                return found
        return ALONE

    def _near_in_time(self, article_id: int, features: StoryFeatures) -> StoryMember | None:
        member = self._members.get(article_id)
        if member is None or abs(member.features.when - features.when) > WINDOW:
            return None
        return member

    def _same(self, url: str, features: StoryFeatures) -> Assignment | None:
        if url and (same := self._by_url.get(url)) is not None:
            story = self._members[same].story_id
            return Assignment(story, same, f"the same address as article {same}")
        if features.words >= MIN_EXACT_WORDS:
            copy = self._by_hash.get(features.text_hash)
            if copy is not None and (member := self._near_in_time(copy, features)):
                return Assignment(member.story_id, copy, f"the same text as article {copy}")
        if len(features.title_words) >= MIN_TITLE_WORDS:
            copy = self._by_title.get(features.title_words)
            if copy is not None and (member := self._near_in_time(copy, features)):
                return Assignment(member.story_id, copy, f"the same headline as article {copy}")
        return None

    def _copy(self, _url: str, features: StoryFeatures) -> Assignment | None:
        if features.words < MIN_EXACT_WORDS:
            return None  # a summary or a headline: too short to tell by its text
        best: tuple[float, StoryMember, str] | None = None
        alike = dict(self._near.similar(features.signature, SHARED_TEXT))
        for other in _recent(alike):
            member = self._near_in_time(other, features)
            if member is None:
                continue
            text = alike[other]
            title = _jaccard(features.title_words, member.features.title_words)
            if text >= NEAR_COPY:
                why = f"a copy of article {other} (text similarity {text:.2f})"
            elif text >= SHARED_TEXT and title >= SIMILAR_TITLE:
                why = (f"shares text ({text:.2f}) and headline words ({title:.2f}) with "
                       f"article {other}")  # fmt: skip
            else:
                continue
            if best is None or text > best[0]:
                best = (text, member, why)
        if best is None:
            return None
        return Assignment(best[1].story_id, best[1].article_id, best[2])

    def _same_event(self, _url: str, features: StoryFeatures) -> Assignment | None:
        rare = {k for k in _keys(features) if self._rare(k)}
        candidates = set().union(*(self._by_key[k] for k in rare)) if rare else set()
        best: tuple[int, StoryMember, str] | None = None
        for other in _recent(candidates):
            member = self._near_in_time(other, features)
            if member is None:
                continue
            figures = (features.numbers & member.features.numbers) & rare
            shared = _shared_names(features, member.features) & rare
            weight = _weight(figures, shared)
            if not (
                _same_event(figures, shared, weight)
                or _translated(features, member.features, shared, rare)
            ):
                continue
            if best is None or weight > best[0]:
                why = (f"reports the same event as article {other}: figures "
                       f"{', '.join(sorted(figures)) or 'none'}; names "
                       f"{', '.join(sorted(shared)) or 'none'}")  # fmt: skip
                best = (weight, member, why)
        if best is None:
            return None
        return Assignment(best[1].story_id, best[1].article_id, best[2])

    def _rare(self, key: str) -> bool:
        # Counted in stories, not articles: the name of the day's big story, carried by
        # twenty outlets, still tells that story from the others.
        return len(self._stories_with[key]) <= max(FEW, COMMON * len(self._stories))

    def _add(self, member: StoryMember) -> None:
        f = member.features
        self._members[member.article_id] = member
        if member.url:
            self._by_url.setdefault(member.url, member.article_id)
        if f.words >= MIN_EXACT_WORDS:
            # One of many copies of a text is enough in the index of near copies (the
            # others are found by their hash), which keeps its answers short.
            if f.text_hash not in self._by_hash:
                self._near.add(member.article_id, f.signature)
            self._by_hash[f.text_hash] = member.article_id
        if len(f.title_words) >= MIN_TITLE_WORDS:
            self._by_title[f.title_words] = member.article_id
        for key in _keys(f):
            # Only the first report of each story is compared for the same event: an
            # article that joined on shared figures and names is a step away from its
            # story, and a story that took in steps of steps would drift from one event
            # to the next.
            if member.article_id == member.story_id:
                self._by_key[key].add(member.article_id)
            self._stories_with[key].add(member.story_id)
        self._stories.add(member.story_id)


def _recent(ids: Iterable[int]) -> list[int]:
    return sorted(ids, reverse=True)[:MOST_COMPARED]


def _keys(f: StoryFeatures) -> frozenset[str]:
    return f.names | f.terms | f.numbers


def _shared_names(a: StoryFeatures, b: StoryFeatures) -> set[str]:
    """Names and terms both give, a term counted once with the name it ends in ("marco
    rubio" and "rubio" are one)."""
    names = set(a.names & b.names)
    terms = {t for t in a.terms & b.terms if t.split()[-1] not in names}
    return names | terms


def _translated(a: StoryFeatures, b: StoryFeatures, shared: set[str], rare: set[str]) -> bool:
    """The same event in the other language with no figure to show for it: many names in
    common, two of them written alike in both texts (a person, a place, an outlet), not
    only watchlist terms ("Cuban", "asylum", "United States" are in every other story)."""
    if not (a.language and b.language and a.language != b.language):
        return False
    return len(shared) >= MANY_NAMES and len(a.names & b.names & rare) >= MIN_NAMES


def _same_event(figures: frozenset[str], names: set[str], weight: int) -> bool:
    """A figure that tells the event among enough names (``weight`` above the names'),
    or many names and any figure."""
    if len(names) < MIN_NAMES or not figures:
        return False
    return (weight >= SAME_EVENT and weight > len(names)) or len(names) >= MANY_NAMES


def _weight(figures: frozenset[str], names: set[str]) -> int:
    """What two reports share: a name is worth one, a figure that tells the event two."""
    return sum(2 for f in figures if _tells(f)) + len(names)


def _tells(value: str) -> bool:
    """Whether a shared figure tells the event: three significant digits or more ("1443",
    "63.7", "187") or a round number of 10,000 or more ("700000"). Smaller ones ("20",
    "54", "2.5", "1000"), counts, ages, days and hours, recur in unrelated stories: on
    real pages, an age of 75 and three names joined a whale rescue to an encyclopaedia
    article on New Zealand."""
    digits = value.replace(".", "").strip("0")
    return len(digits) >= 3 or ("." not in value and int(value) >= 10_000)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
