"""The watchlist model: frozen records that config/ builds and matcher.py compiles.

A watchlist names **groups** of **terms** (each with aliases), a **rule** over the groups
(``all`` / ``any`` / ``none``, optionally ``within`` a window), **exclusions** that void
a mention (``Mark Cuban`` is not Cuba), scoring weights, and **examples** that must and
must not match. docs/watchlists.md describes the YAML that becomes these records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from monitor.types import Field

Unit = Literal["words", "sentence", "paragraph"]
#: Where a group must be mentioned: anywhere, in the title, or in the title or the lead.
Where = Literal["anywhere", "title", "lead"]


#: A watchlist's least score for a hit, when its file does not say (config.schema too).
MIN_SCORE = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Sense:
    """A phrase in which a term's word does not mean the term: "sin embargo" ("however")
    is not the embargo. Mentions of the term inside it are void."""

    phrase: str
    #: Languages whose texts the phrase is looked for in (empty: every language); it is
    #: also looked for when a text's language is unknown.
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """One thing to look for, under any of its spellings."""

    #: The canonical name, shown in explanations and digests.
    name: str
    #: Every spelling that counts, the name first. ``cuban*`` matches words starting so.
    aliases: tuple[str, ...]
    weight: float = 1.0
    #: Match letter case exactly (``US``, ``EFE``); accents are ignored either way.
    case_sensitive: bool = False
    #: Where the term counts: the title, the body or both.
    fields: tuple[Field, ...] = ("title", "body")
    #: The phrases in which the word does not mean this term.
    senses: tuple[Sense, ...] = ()
    #: Languages the term counts in (empty: all). "EU" is the United States in Mexican
    #: Spanish and the European Union in English; a text of unknown language is not one
    #: of them.
    languages: tuple[str, ...] = ()
    #: Whether the term, in a group most watchlists require, names the domain itself
    #: (a country, its capital, its leaders): shared by every story of the domain, it is
    #: never evidence that two reports are one (``jobs.stories.context_of``). The people
    #: who act for a side in some developments only are not (``context: false``).
    context: bool = True
    #: The dates of the news it counts in, when a name was one person's only while in
    #: office ("Castro" until 2021). News of unknown date is taken as today's.
    since: date | None = None
    until: date | None = None

    def counts_on(self, published: date | None) -> bool:
        """Whether the term counts in news published on that day."""
        if published is None:
            return self.until is None
        return (self.since is None or published >= self.since) and (
            self.until is None or published <= self.until
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    name: str
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupRef:
    """True when the group's score reaches ``min_score`` (any mention, by default)."""

    group: str
    min_score: float = 0.0
    where: Where = "anywhere"


@dataclass(frozen=True, slots=True, kw_only=True)
class Proximity:
    """A window: ``size`` words, or one sentence, or one paragraph."""

    unit: Unit
    size: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class AllOf:
    items: tuple[Rule, ...]
    #: When set, one mention of each listed group must fall inside one window.
    within: Proximity | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AnyOf:
    items: tuple[Rule, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class NoneOf:
    items: tuple[Rule, ...]


Rule = GroupRef | AllOf | AnyOf | NoneOf


@dataclass(frozen=True, slots=True, kw_only=True)
class Exclusion:
    """A phrase that voids any mention lying inside it (``Cuba Gooding`` voids ``Cuba``)."""

    phrase: str
    case_sensitive: bool = False
    #: Also void, everywhere in the text, the mentions through the aliases it voided:
    #: after "Mark Cuban", a bare
    #: "Cuban" means him; after "Cuba, New York", a bare "Cuba" means the town.
    document: bool = False
    #: Void only mentions of these groups (empty: of every group).
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """A text the watchlist must (``expect``) or must not match; run by ``monitor check``."""

    title: str
    text: str = ""
    #: The example's language, for terms and senses of one language (None: unknown).
    language: str | None = None
    #: When it was published, for terms of some dates only (None: today).
    published: date | None = None
    expect: bool = True
    #: Where the example is written, for test-runner style reports.
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Salience:
    """When a relation found in the text counts (see docs/watchlists.md, *Salience*).

    A ``within`` window counts when it lies in the lead, or when the text shows it in at
    least ``repeat`` windows; a single window past the lead of a long text is a passing
    mention. A group mentioned in the title is near everything in a short text (at most
    ``short_text`` words: a summary written to be read with its headline), and nowhere in
    a long one.
    """

    #: The lead: the first this many words of the text (boilerplate lines skipped).
    lead_words: int = 50
    #: A text of at most this many words is all lead.
    short_text: int = 120
    #: Windows past the lead needed for the relation to count...
    repeat: int = 2
    #: ...and one more for every this many words of text: four mentions in a
    #: 6,000-word briefing are passing ones.
    words_per_repeat: int = 1500

    def windows_needed(self, words: int) -> int:
        return max(self.repeat, -(-words // self.words_per_repeat))


@dataclass(frozen=True, slots=True, kw_only=True)
class Scoring:
    """How mentions turn into a score (see docs/watchlists.md)."""

    #: Points per distinct term found in the title, times the term's weight.
    title: float = 3.0
    #: Points per mention in the body, times the term's weight...
    body: float = 1.0
    #: ...counting at most this many body mentions of one term.
    max_repeats: int = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRule:
    """Send a hit of this score or more at once, to each channel (docs/outputs.md)."""

    min_score: float
    #: Apprise URLs, or names of environment variables holding one.
    to: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Watchlist:
    #: The file's stem: ``config/watchlists/energy-and-oil.yaml`` → ``energy-and-oil``.
    name: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    groups: tuple[Group, ...]
    rule: Rule
    exclusions: tuple[Exclusion, ...] = ()
    min_score: float = MIN_SCORE
    scoring: Scoring = Scoring()
    salience: Salience = Salience()
    examples: tuple[Example, ...] = ()
    alert: AlertRule | None = None
    file: str = ""
