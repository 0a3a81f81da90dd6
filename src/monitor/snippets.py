"""The snippet of a hit: the sentence that best shows why it matched, words marked.

Pure. The best sentence is the body sentence whose distinct matched terms weigh most
(the earliest wins a tie); a text that matched only in its title shows the title. Long
sentences are cut to about ``CONTEXT`` characters either side of the matched words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from monitor.fold import FoldedText
from monitor.types import Snippet

if TYPE_CHECKING:
    from monitor.match import Mention

#: Characters kept on each side of the matched words when a sentence is too long.
CONTEXT = 200


class _Slot(Protocol):
    @property
    def term(self) -> _Term: ...


class _Term(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def weight(self) -> float: ...


def best_snippet(
    fields: Mapping[str, FoldedText], mentions: Sequence[Mention], slots: Sequence[_Slot]
) -> Snippet:
    body = [m for m in mentions if m.field == "body"]
    if not body:
        title = fields["title"].original
        return _snippet(title, 0, len(title), [m for m in mentions if m.field == "title"])
    text = fields["body"]
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for mention in body:
        by_sentence[text.sentence_of(mention.text_start)].append(mention)

    def weight(number: int) -> float:
        terms = {slots[m.slot].term.name: slots[m.slot].term.weight for m in by_sentence[number]}
        return sum(terms.values())

    best = max(sorted(by_sentence), key=weight)
    start, end = text.sentence_span(best)
    return _snippet(text.original, start, end, by_sentence[best])


def _snippet(text: str, start: int, end: int, mentions: Sequence[Mention]) -> Snippet:
    spans = sorted((m.text_start, m.text_end) for m in mentions if start <= m.text_start < end)
    if spans and end - start > 2 * CONTEXT + (spans[-1][1] - spans[0][0]):
        first = spans[0][0]
        last = max(e for s, e in spans if s - first <= 2 * CONTEXT) if spans else first
        start, end = max(start, first - CONTEXT), min(end, last + CONTEXT)
        start, end = _to_word(text, start, forward=True), _to_word(text, end, forward=False)
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    marks = _merge([(s - start - lead, e - start - lead) for s, e in spans if e <= end])
    prefix = "…" if start > 0 and not _boundary(text, start) else ""
    suffix = "…" if end < len(text) and not _boundary(text, end) else ""
    shift = len(prefix)
    return Snippet(
        text=" ".join(f"{prefix}{piece}{suffix}".split("\n")),
        marks=tuple((s + shift, e + shift) for s, e in marks if 0 <= s < e <= len(piece)),
    )


def _to_word(text: str, index: int, *, forward: bool) -> int:
    """Move ``index`` to the nearest word boundary so no word is cut in half."""
    step = 1 if forward else -1
    limit = 40
    while 0 < index < len(text) and not text[index - 1].isspace() and limit:
        index += step
        limit -= 1
    return index


def _boundary(text: str, index: int) -> bool:
    """True when ``index`` sits at a sentence or paragraph edge (no ellipsis needed)."""
    before = text[:index].rstrip()
    return not before or before[-1] in ".!?…\n" or text[index - 1] == "\n"


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
