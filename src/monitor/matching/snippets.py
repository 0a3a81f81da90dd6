"""The snippet of a hit: a sentence with the matched words marked.

Pure. verdict.py chooses the sentence (the body sentence whose distinct matched terms
weigh most, else the title); this module cuts a long sentence to about ``CONTEXT``
characters either side of the matched words and marks them.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.types import Snippet

#: Characters kept on each side of the matched words when a sentence is too long.
CONTEXT = 200


def snippet_of(text: str, start: int, end: int, matched: Sequence[tuple[int, int]]) -> Snippet:
    """``text[start:end]`` (cut to about CONTEXT around the ``matched`` spans, offsets in
    ``text``) with the matched words marked."""
    spans = sorted((s, e) for s, e in matched if start <= s < end)
    if spans and end - start > 2 * CONTEXT + (spans[-1][1] - spans[0][0]):
        first = spans[0][0]
        last = max(e for s, e in spans if s - first <= 2 * CONTEXT)
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
