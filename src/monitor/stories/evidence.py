"""How much two reports share that tells one event from another. Pure.

Two reports of one development name the same people, places and bodies, give the same
figures and tell what happened in the same uncommon words; two developments of one
subject (the same submarine in Gibraltar on three days, the UN vote of each year) share
their cast but not what happened, and often give other counts of the same thing
("27 rafters", "50 rafters").

What counts, each key with a weight:

- a **name** (``features.names``: not a common word of either language, not a
  sentence's first word, not an outlet) — 1;
- a **figure that tells the event** (``tells``: three significant digits or more, or a
  round 10,000 or more; not a year, nor the number of a law or an order) — 2;
- a **matched watchlist term** — 0.5: one name in every language, so a report and its
  translation share it, but a subject's terms recur in all its developments;
- a **word of the lead** that is not common, by its first seven letters — 0.5 when it
  is uncommon (``features.RARE_WORD``), less the more common it is, down to nothing at
  ``features.COMMON_WORD``: within a language, what happened in the same words; across
  English and Spanish, the words both write alike ("interce" of intercepted and
  interceptó, "submari", "extradi", and with less weight "ceremon", "histori").

Never evidence: the domain's own context (``context``: the aliases, and their last
words, of the groups most watchlists require, with a shipped prior: "Cuba", "Havana",
"United States", "EE.UU.", "Trump", "cubano"…) and the news agencies that credit a
story. A key found in more than ``FEW`` of the window's
stories weighs less, in proportion: the names of a saga are in all its stories.

The measure is the cosine of the two weighted sets: what they share against what each
says, so a long report and a short one of the same event still meet, and two reports
that share a cast but tell different events do not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from monitor.stories.features import COMMON_WORD, RARE_WORD
from monitor.types import StoryFeatures

NAME, FIGURE, TERM, WORD = 1.0, 2.0, 0.5, 0.5
#: Stories of the window a key may be in and keep its full weight.
FEW = 3
#: News agencies and outlets: they credit a story, they are not what it is about.
_OUTLETS = (
    "efe, reuters, afp, ap, ansa, notimex, upi, xinhua, dpa, cnn, bbc, bloomberg, "
    "europa press, prensa latina, cibercuba, granma, cubadebate, 14ymedio, diario de cuba, "
    "el nuevo herald, associated press, agence france presse"
)
OUTLETS = frozenset(_OUTLETS.split(", "))
#: The domain's names that every watchlist set implies, shipped so that they hold
#: whatever the watchlists say (``jobs.stories.context_of`` adds the watchlists' own).
_PRIOR = (
    "cuba, cuban*, cubano*, cubana*, havana, habana, la habana, island, the island, isla, "
    "la isla, united states, estados unidos, us, u s, usa, ee uu, eeuu, eu, eua, america, "
    "american*, estadounidense*, estadunidense*, norteamerican*, washington"
)
PRIOR_CONTEXT = frozenset(_PRIOR.split(", "))
_PARTICLE_WORDS = "de del la las los the of y and"
_PARTICLES = frozenset(_PARTICLE_WORDS.split())


@dataclass(frozen=True, slots=True)
class Shared:
    """What two reports share, and how alike that makes them."""

    similarity: float
    names: frozenset[str]
    figures: frozenset[str]
    terms: frozenset[str]
    words: frozenset[str]
    #: Counts of one thing that differ ("27 balseros" and "50 balseros"), if any.
    conflict: str | None
    #: The weight of the names and telling figures shared, rarity counted.
    weight: float = 0.0
    #: The weight of all that is shared, rarity counted.
    total: float = 0.0

    @property
    def anchors(self) -> int:
        """The names and telling figures shared: what no subject has of itself."""
        return len(self.names) + len(self.figures)

    def describe(self) -> str:
        parts = [
            ("names", self.names),
            ("figures", self.figures),
            ("terms", self.terms),
            ("words", self.words),
        ]
        found = "; ".join(f"{label} {', '.join(sorted(keys))}" for label, keys in parts if keys)
        return f"{found} (similarity {self.similarity:.2f})"


class Weigher:
    """Weighs the keys of reports against the domain's context and the window's stories."""

    def __init__(self, context: Collection[str], stories_with: Callable[[str], int]) -> None:
        # "cuban*" in a watchlist: every word starting so is context.
        every = PRIOR_CONTEXT | frozenset(context)
        self._context = frozenset(c for c in every if not c.endswith("*"))
        self._prefixes = tuple(c[:-1] for c in every if c.endswith("*"))
        self._stories_with = stories_with

    def keys(self, f: StoryFeatures) -> dict[str, float]:
        """The report's evidence, each key with its weight before rarity."""
        keyed: dict[str, float] = {}
        for name in f.names:
            if plain := self._specific(name):
                keyed[f"n:{plain}"] = NAME
        for figure in f.numbers:
            if tells(figure):
                keyed[f"f:{figure}"] = FIGURE
        for term in f.terms:
            if self._specific(term):
                keyed[f"t:{term}"] = TERM
        for word, common in f.lead_words.items():
            # Not keyed by language: cognates of English and Spanish meet.
            if weight := WORD * _rareness(common):
                keyed[f"w:{word}"] = weight
        return keyed

    def compare(
        self, a: StoryFeatures, b: StoryFeatures, left: Mapping[str, float],
        right: Mapping[str, float],
    ) -> Shared:  # fmt: skip
        """What reports ``a`` and ``b`` (their ``keys``) share."""
        rare = {k: w * self._rarity(k) for k, w in left.items()}
        other = {k: w * self._rarity(k) for k, w in right.items()}
        shared = rare.keys() & other.keys()
        dot = sum(rare[k] * other[k] for k in shared)
        norm = math.sqrt(sum(w * w for w in rare.values()) * sum(w * w for w in other.values()))

        def of(kind: str) -> frozenset[str]:
            return frozenset(k.rpartition(":")[2] for k in shared if k[0] == kind)

        return Shared(
            similarity=dot / norm if norm else 0.0,
            names=of("n"),
            figures=of("f"),
            terms=of("t"),
            words=of("w"),
            conflict=conflict(a, b),
            weight=sum(rare[k] for k in shared if anchor(k)),
            total=sum(rare[k] for k in shared),
        )

    def _specific(self, key: str) -> str:
        """The name or term as evidence: "" for an outlet or a key made only of the
        domain's context ("cuban americans", "estados unidos"); the domain's words in
        front left out ("us coast guard" is "coast guard")."""
        if key in OUTLETS or self._is_context(key):
            return ""
        words = key.split()
        while words and (words[0] in _PARTICLES or self._is_context(words[0])):
            words = words[1:]
        plain = " ".join(words)
        if not words or self._is_context(plain) or all(self._is_context(w) for w in words):
            return ""
        return plain

    def _is_context(self, word: str) -> bool:
        return word in self._context or word.startswith(self._prefixes)

    def _rarity(self, key: str) -> float:
        return FEW / max(FEW, self._stories_with(key))


def anchor(key: str) -> bool:
    """Whether a key of ``Weigher.keys`` is a name or a telling figure."""
    return key[0] in "nf"


def _rareness(common: float) -> float:
    """1 for a word rarer than ``RARE_WORD``, down to 0 at ``COMMON_WORD``."""
    return min(1.0, max(0.0, (COMMON_WORD - common) / (COMMON_WORD - RARE_WORD)))


def conflict(a: StoryFeatures, b: StoryFeatures) -> str | None:
    """A thing both count in one language, with no count in common: "14 balseros" in
    one, "27 balseros" in the other are two landings, not one."""
    if a.language != b.language:
        return None
    left, right = _by_unit(a.counts), _by_unit(b.counts)
    for unit in sorted(left.keys() & right.keys()):
        if not left[unit] & right[unit]:
            return f"{'/'.join(sorted(left[unit]))} against {'/'.join(sorted(right[unit]))} {unit}"
    return None


def _by_unit(counts: Collection[str]) -> Mapping[str, set[str]]:
    found: dict[str, set[str]] = {}
    for count in counts:
        number, _, unit = count.partition(" ")
        found.setdefault(unit, set()).add(number)
    return found


def tells(value: str) -> bool:
    """Whether a shared figure tells the event: three significant digits or more ("1443",
    "63.7", "187") or a round number of 10,000 or more ("700000"). Smaller ones ("20",
    "54", "2.5", "1000"), counts, ages, days and hours, recur in unrelated stories: on
    real pages, an age of 75 and three names joined a whale rescue to an encyclopaedia
    article on New Zealand."""
    digits = value.replace(".", "").strip("0")
    return len(digits) >= 3 or ("." not in value and int(value) >= 10_000)
