"""From the automaton's matches in one text to its mentions, voided where they must be.

Pure. What the automaton found in each field becomes, in order:

1. mentions of terms (a case-sensitive alias must show its case, but in a title written
   all in lower case, a URL slug, or all in capitals, whose case is lost; a term
   limited to some languages counts only in a text known to be in one of them);
2. void where a term's own *sense* phrase holds it ("sin embargo" voids "embargo");
3. void inside boilerplate lines of the body (photo credits, sources, "read also");
4. void inside exclusions: the shared ones here, each watchlist's own in matcher.py; a
   document-scope exclusion voids the same words everywhere in the text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from monitor.matching import boilerplate
from monitor.matching.evidence import Mention, Slot
from monitor.matching.model import Exclusion, Sense
from monitor.text.fold import FoldedText
from monitor.types import Field

#: Owner of an exclusion that applies to every watchlist.
SHARED = -1
BOILERPLATE = "a boilerplate line (credit, source, related link)"
#: Prefix of the reason a mention is void when a ``not:`` phrase of its term covers it.
SENSE = "sense: "


@dataclass(frozen=True, slots=True)
class TermOwner:
    slot: int  # index into Matcher._slots, shared by every watchlist that uses the term
    alias: str
    #: For a case-sensitive alias, its folded form with case kept, which the text must
    #: show at the match (the automaton itself works on lower-cased text).
    cased: str | None = None
    #: A spelling only a URL slug gives ("helmsburton"): it counts in a caseless title only.
    slug: bool = False


@dataclass(frozen=True, slots=True)
class ExclusionOwner:
    watchlist: int
    exclusion: Exclusion
    cased: str | None = None
    #: A spelling only a URL slug gives ("helmsburton"): it counts in a caseless title only.
    slug: bool = False


@dataclass(frozen=True, slots=True)
class SenseOwner:
    slot: int
    sense: Sense
    cased: str | None = None
    #: A spelling only a URL slug gives ("helmsburton"): it counts in a caseless title only.
    slug: bool = False


Owner = TermOwner | ExclusionOwner | SenseOwner
#: What the automaton returns for a key: the key, its owners, and the names of the groups
#: its terms belong to (for the cheap "can this watchlist match at all" test).
Payload = tuple[str, tuple[Owner, ...], frozenset[str]]
Found = dict[str, list[tuple[int, Payload]]]


@dataclass(frozen=True, slots=True)
class Void:
    """Where an exclusion or a sense matched (positions in the folded text)."""

    field: Field
    start: int
    end: int
    phrase: str
    exclusion: Exclusion | None = None


@dataclass
class Scan:
    """One text's mentions (in text order) and the voids still to apply per watchlist."""

    mentions: list[Mention]
    voids: dict[int, list[Void]] = field(default_factory=lambda: defaultdict(list))
    #: Where the body's boilerplate lines are (original offsets).
    boilerplate: list[tuple[int, int]] = field(default_factory=list)


def scan(
    found: Found,
    fields: dict[str, FoldedText],
    slots: Sequence[Slot],
    language: str | None,
    published: date | None = None,
) -> Scan:
    """Mentions with senses, boilerplate and shared exclusions applied; a term of some
    dates only is not mentioned in news of other dates."""
    result = Scan([])
    senses: list[tuple[int, Void]] = []
    news = (language, published)
    for name, matches in found.items():
        _field(name, fields[name], matches, slots, news, result, senses)  # type: ignore[arg-type]
    mentions = result.mentions
    mentions.sort(key=_text_order)
    if senses:
        mentions = _apply_senses(mentions, senses)
    if any(m.field == "body" for m in mentions):
        result.boilerplate = boilerplate.spans(fields["body"].original)
        mentions = _void_boilerplate(mentions, result.boilerplate)
    result.mentions = apply_voids(mentions, result.voids[SHARED], slots)
    return result


def _field(
    name: Field,
    folded: FoldedText,
    matches: list[tuple[int, Payload]],
    slots: Sequence[Slot],
    news: tuple[str | None, date | None],
    result: Scan,
    senses: list[tuple[int, Void]],
) -> None:
    language, published = news
    # A title with no capital letter at all (a URL slug) has lost its case; so has one
    # with no small letter ("RUBIO SAYS CUBA MUST FREE PRISONERS"), but slug spellings
    # are a slug's own.
    original = folded.original
    slug = name == "title" and original == original.lower()
    caseless = slug or (name == "title" and original == original.upper())
    for last, (key, owners, _groups) in matches:
        start = last - len(key) + 2  # skip the key's leading space
        end = folded.word_end(last) if key[-1] != " " else last
        for owner in owners:
            if owner.slug and not slug:
                continue
            cased = owner.cased
            if cased is not None and not caseless and not folded.cased.startswith(cased, start):
                continue
            if isinstance(owner, TermOwner):
                term = slots[owner.slot].term
                if (not term.languages or language in term.languages) and term.counts_on(published):
                    result.mentions.append(
                        Mention(owner.slot, owner.alias, name, start, end, folded)
                    )
            elif isinstance(owner, ExclusionOwner):
                void = Void(name, start, end, owner.exclusion.phrase, owner.exclusion)
                result.voids[owner.watchlist].append(void)
            elif not owner.sense.languages or language is None or language in owner.sense.languages:
                senses.append((owner.slot, Void(name, start, end, owner.sense.phrase)))


def _apply_senses(mentions: list[Mention], senses: list[tuple[int, Void]]) -> list[Mention]:
    by_slot: dict[int, list[Void]] = defaultdict(list)
    for slot, void in senses:
        by_slot[slot].append(void)
    return [
        next(
            (
                m.voided(f"{SENSE}{v.phrase}")
                for v in by_slot.get(m.slot, ())
                if v.field == m.field and v.start <= m.start and m.end <= v.end
            ),
            m,
        )
        for m in mentions
    ]


def _void_boilerplate(mentions: list[Mention], spans: list[tuple[int, int]]) -> list[Mention]:
    if not spans:
        return mentions
    return [
        m.voided(BOILERPLATE)
        if m.field == "body" and any(s <= m.text_start < e for s, e in spans)
        else m
        for m in mentions
    ]


def apply_voids(mentions: list[Mention], voids: list[Void], slots: Sequence[Slot]) -> list[Mention]:
    """Void mentions inside an exclusion; a document-scope exclusion also voids the same
    words wherever else they occur in the text."""
    if not voids:
        return mentions
    judged = [_void(m, slots[m.slot].group, voids) for m in mentions]
    scoped = {v.phrase for v in voids if v.exclusion and v.exclusion.document}
    words = {_words(m): m.voided_by for m in judged if m.voided_by in scoped}
    if not words:
        return judged
    return [
        m.voided(words[_words(m)]) if m.voided_by is None and _words(m) in words else m
        for m in judged
    ]


def _text_order(m: Mention) -> tuple[str, int, int]:
    return (m.field, m.start, -m.end)


def _words(mention: Mention) -> tuple[str, int]:
    """What a document-scope exclusion voids elsewhere: the same alias of the same term."""
    return mention.alias.casefold(), mention.slot


def _void(mention: Mention, group: str, voids: list[Void]) -> Mention:
    if mention.voided_by:
        return mention
    for v in voids:
        inside = v.start <= mention.start and mention.end <= v.end
        groups = v.exclusion.groups if v.exclusion else ()
        if inside and v.field == mention.field and (not groups or group in groups):
            return mention.voided(v.phrase)
    return mention
