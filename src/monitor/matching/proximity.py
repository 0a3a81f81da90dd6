"""``within``: are the groups of a rule near each other, and does it matter where?

Pure. A relation counts when it is *salient* (docs/watchlists.md, *Salience*):

- when every group is in the title, the relation holds there;
- in a short text (a feed's summary, a brief: all lead), a group mentioned in the title
  is near everything in the text, since a headline and its summary are written to be
  read together: the groups left must share a window (a sentence, a paragraph, N words);
- otherwise every group must share a window that starts in the lead: a long article
  has room to say the relation in its own lead, and one that names a side only in its
  title and the other in passing below it is about something else (Cuba's revolution
  and Mandela, with the US government "in contrast" in its third sentence);
- past the lead, the title no longer counts: every group must share a window of the
  text, in at least ``salience.repeat`` windows (more in a long text: one per
  ``salience.words_per_repeat`` words). One window past the lead of a long text
  is a passing mention ("a pesar del bloqueo", once, in an article about medicine), and
  so is a side named in the title and again twice somewhere far below it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.matching.evidence import Evidence
from monitor.matching.model import Proximity, Salience


@dataclass(frozen=True, slots=True)
class Near:
    holds: bool
    #: Where it held, or why not, for explanations ("in the lead", "a passing mention").
    why: str


def near(
    evidence: Evidence,
    members: frozenset[int],
    in_title: set[str],
    wanted: Sequence[frozenset[str]],
    window: Proximity,
    salience: Salience,
) -> Near:
    """Does one mention of some group of each set of ``wanted`` share a salient window?"""
    sets = [groups for groups in wanted if not groups & in_title]
    if not sets:
        return Near(True, "in the title")
    untitled = ""
    if len(sets) < len(wanted) and not evidence.is_short(salience):
        sets, untitled = list(wanted), " in the text (the title counts only with a short one)"
    lead = evidence.lead_end(salience)
    with_title = _windows(evidence, members, sets, window)
    if with_title and min(with_title) < lead:
        titled = ", with the title" if len(sets) < len(wanted) else ""
        return Near(True, f"in the lead{titled}")
    body = with_title if len(sets) == len(wanted) else _windows(evidence, members, wanted, window)
    unit = window.unit if window.unit != "words" else f"{window.size}-word window"
    if len(body) >= salience.windows_needed(len(evidence.fields["body"].word_starts)):
        return Near(True, f"in {len(body)} {unit}s")
    if body or with_title:
        return Near(False, f"in {len(body) or 'no'} {unit} past the lead: a passing mention")
    return Near(False, f"not near each other{untitled}")


def _windows(
    evidence: Evidence, members: frozenset[int], sets: Sequence[frozenset[str]], window: Proximity
) -> list[int]:
    if window.unit == "words":
        return _word_windows(evidence, members, list(sets), window)
    return _unit_windows(evidence, members, list(sets), window)


def _unit_windows(
    evidence: Evidence, members: frozenset[int], sets: list[frozenset[str]], window: Proximity
) -> list[int]:
    """Where each sentence (or paragraph) holding all ``sets`` starts (original offsets)."""
    slots, body = evidence.slots, evidence.fields["body"]
    starts = body.sentence_starts if window.unit == "sentence" else body.paragraph_starts
    found = []
    for place, slot_ids in evidence.places(window).items():
        groups = {slots[s].group for s in slot_ids & members}
        if all(s & groups for s in sets):
            found.append(starts[place])
    return found


def _word_windows(
    evidence: Evidence, members: frozenset[int], sets: list[frozenset[str]], window: Proximity
) -> list[int]:
    """Where each non-overlapping N-word window holding all ``sets`` starts."""
    points = sorted(
        (m.place(window), index)
        for m in evidence.valid
        if m.field == "body" and m.slot in members
        for index, groups in enumerate(sets)
        if evidence.slots[m.slot].group in groups
    )
    words = evidence.fields["body"].word_starts
    return [words[min(w, len(words) - 1)] for w in _covered(points, len(sets), window.size)]


def _covered(points: list[tuple[int, int]], wanted: int, span: int) -> list[int]:
    """The first word of each window of ``span`` words, one after the other without
    overlap, holding a point of each of the ``wanted`` sets (a sliding window)."""
    found: list[int] = []
    counts: dict[int, int] = defaultdict(int)
    left = 0
    for right, (place, which) in enumerate(points):
        counts[which] += 1
        while points[left][0] < place - span:
            counts[points[left][1]] -= 1
            left += 1
        if sum(1 for n in counts.values() if n > 0) == wanted:
            start = points[left][0]
            if not found or start > found[-1] + span:
                found.append(start)
            counts.clear()
            left = right + 1
    return found


def lead_groups(evidence: Evidence, members: frozenset[int], salience: Salience) -> set[str]:
    """The groups mentioned in the body's lead."""
    end = evidence.lead_end(salience)
    slots = evidence.slots
    return {
        slots[m.slot].group
        for m in evidence.valid
        if m.field == "body" and m.slot in members and m.text_start < end
    }
