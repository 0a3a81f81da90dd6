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
3. **a report of the same event**, in any language: what the two share of names,
   telling figures, matched terms and the lead's words that are not common, weighed
   against the domain's context and the window's stories (``stories.evidence``), is at least
   ``SAME_EVENT`` of what each says, with ``MIN_ANCHORS`` names or telling figures
   among it; across languages, where most words of the lead cannot meet, at least
   ``TRANSLATED`` with ``MIN_ALIKE_ACROSS`` names, figures or words written alike in
   both (cognates: "interce" of intercepted and interceptó), one name or figure among
   them; ``MIN_SHARED`` in weight in all.
   Never when they count one thing differently ("27 rafters", "50 rafters": two
   landings), unless they share ``OUTWEIGHS_CONFLICT`` names or telling figures.

Otherwise it starts a story of its own. At most ``MOST_COMPARED`` earlier articles, the
most recent, are compared with each new one; for the same event, with the first report
of each story. Incremental: an article never moves once placed, and stories are never
merged, so nothing is recomputed as the archive grows; a rebuild
(``jobs.stories.recluster``) places every article again in time order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import timedelta

from monitor.stories import evidence, minhash
from monitor.stories.features import jaccard
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
#: What two reports of one event share, at least, of what each says (the cosine of
#: their weighted evidence, ``stories.evidence``): on real news, two developments of one
#: subject (a saga's days, a yearly vote) share their cast and stay under it.
SAME_EVENT = 0.40
#: Names or telling figures among it: a subject's terms and words alone are not an event.
MIN_ANCHORS = 1
#: What two reports share, at least, whatever their likeness: a name and a term of two
#: short texts make them alike, not one event.
MIN_SHARED = 2.0
#: Names and telling figures that outweigh two counts of one thing that differ: real
#: reports of one event disagree on a detail ("406 insumisos", "460 insumisos").
OUTWEIGHS_CONFLICT = 4
#: Across languages, where most words cannot meet, a lower likeness...
TRANSLATED = 0.30
#: ...with this many names, telling figures or words written alike in both (cognates)
#: shared, one name or figure among them.
MIN_ALIKE_ACROSS = 2


@dataclass(frozen=True, slots=True)
class Join:
    """Where a new article goes, and why (shown by ``monitor explain``)."""

    #: The story joined; None when the article starts its own.
    story_id: int | None
    #: The article it was found to report the same as.
    joined: int | None
    reason: str


ALONE = Join(story_id=None, joined=None, reason="no earlier report of the same story")


class Stories:
    """The recent articles and their stories, to place new ones among."""

    def __init__(self, members: Iterable[StoryMember] = (), context: Collection[str] = ()) -> None:
        """``context``: the domain's words, never evidence (``stories.evidence``)."""
        self._members: dict[int, StoryMember] = {}
        self._weigher = evidence.Weigher(context, lambda key: len(self._stories_with[key]))
        self._keys: dict[int, dict[str, float]] = {}
        self._near = minhash.NearIndex()
        self._by_url: dict[str, int] = {}
        self._by_hash: dict[str, int] = {}
        self._by_title: dict[frozenset[str], int] = {}
        self._by_key: dict[str, set[int]] = defaultdict(set)
        self._stories_with: dict[str, set[int]] = defaultdict(set)
        for member in sorted(members, key=lambda m: m.features.when):
            self._add(member)

    def place(self, article_id: int, url: str, features: StoryFeatures) -> Join:
        """Place a new article: the story it joins (or its own), remembered for the next."""
        found = self._decide(url, features)
        story = found.story_id if found.story_id is not None else article_id
        self._add(StoryMember(article_id, story, url, features))
        return found

    def _decide(self, url: str, features: StoryFeatures) -> Join:
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

    def _same(self, url: str, features: StoryFeatures) -> Join | None:
        if url and (same := self._by_url.get(url)) is not None:
            story = self._members[same].story_id
            return Join(story, same, f"the same address as article {same}")
        if features.words >= MIN_EXACT_WORDS:
            copy = self._by_hash.get(features.text_hash)
            if copy is not None and (member := self._near_in_time(copy, features)):
                return Join(member.story_id, copy, f"the same text as article {copy}")
        if len(features.title_words) >= MIN_TITLE_WORDS:
            copy = self._by_title.get(features.title_words)
            if copy is not None and (member := self._near_in_time(copy, features)):
                return Join(member.story_id, copy, f"the same headline as article {copy}")
        return None

    def _copy(self, _url: str, features: StoryFeatures) -> Join | None:
        if features.words < MIN_EXACT_WORDS:
            return None  # a summary or a headline: too short to tell by its text
        best: tuple[float, StoryMember, str] | None = None
        alike = dict(self._near.similar(features.signature, SHARED_TEXT))
        for other in _recent(alike):
            member = self._near_in_time(other, features)
            if member is None:
                continue
            text = alike[other]
            title = jaccard(features.title_words, member.features.title_words)
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
        return Join(best[1].story_id, best[1].article_id, best[2])

    def _same_event(self, _url: str, features: StoryFeatures) -> Join | None:
        keys = self._weigher.keys(features)
        # A report of the same event shares a name or a telling figure at least (the
        # rule asks it), so only those find the candidates: words are in many reports.
        anchors = [self._by_key.get(k, ()) for k in keys if evidence.anchor(k)]
        candidates = set().union(*anchors)
        best: tuple[float, StoryMember, evidence.Shared] | None = None
        for other in _recent(candidates):
            member = self._near_in_time(other, features)
            if member is None:
                continue
            shared = self._weigher.compare(features, member.features, keys, self._keys[other])
            if _one_event(features, member.features, shared) and (
                best is None or shared.similarity > best[0]
            ):
                best = (shared.similarity, member, shared)
        if best is None:
            return None
        _, member, shared = best
        why = f"reports the same event as article {member.article_id}: {shared.describe()}"
        return Join(member.story_id, member.article_id, why)

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
        keys = self._weigher.keys(f)
        self._keys[member.article_id] = keys
        for key in keys:
            # Only the first report of each story is compared for the same event: an
            # article that joined on shared evidence is a step away from its story, and
            # a story that took in steps of steps would drift from one event to the next.
            if member.article_id == member.story_id and evidence.anchor(key):
                self._by_key[key].add(member.article_id)
            self._stories_with[key].add(member.story_id)


def _recent(ids: Iterable[int]) -> list[int]:
    return sorted(ids, reverse=True)[:MOST_COMPARED]


def _one_event(a: StoryFeatures, b: StoryFeatures, shared: evidence.Shared) -> bool:
    if shared.conflict and shared.anchors < OUTWEIGHS_CONFLICT:
        return False
    if shared.total < MIN_SHARED:
        return False  # two short texts alike in the little they say
    if a.language and b.language and a.language != b.language:
        # A translation keeps the names and figures, and the words both languages write
        # alike ("interce": intercepted, interceptó); one name or figure at least.
        alike = shared.anchors + len(shared.words)
        return (
            shared.similarity >= TRANSLATED
            and shared.anchors >= MIN_ANCHORS
            and alike >= MIN_ALIKE_ACROSS
        )
    return shared.similarity >= SAME_EVENT and shared.anchors >= MIN_ANCHORS
