"""Extraction options on real pages: CPU per page and the text they keep, against a reference.

    .venv/bin/python bench/extract.py --pages DIR [--gold DIR] [--rounds 3]

For each way of extracting (plain ``trafilatura.extract``, the monitor's own
``extract_html``, and the options it chose between), one process, CPU time per page
(median of ROUNDS passes, interleaved so every option sees the same noise) and, with
``--gold``, how close the text is to the reference text of each page: precision, recall
and F1 of its words (a bag of words, case-folded), averaged over the pages and pooled.

Reference texts are NAME.txt beside each NAME.html, e.g. Mozilla Readability's article
text written by bench/gold.mjs (the reference of the readability test pages).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import py3langid
import trafilatura
from trafilatura.settings import Document

from monitor.ingest.extract import extract_html, settings
from monitor.ingest.headmeta import head_metadata
from monitor.ingest.language import detect_language

Extract = Callable[[bytes], str]
_CONFIG = settings()
_WORD = re.compile(r"\w+")


def _bare(**options: Any) -> Extract:
    def run(html: bytes) -> str:
        doc = trafilatura.bare_extraction(html, url="https://example.org/a", **options)
        return (getattr(doc, "text", None) or "") if doc is not None else ""

    return run


def _monitor(html: bytes) -> str:
    page = extract_html(html, "https://example.org/a")
    return page.text if page else ""


OPTIONS: dict[str, Extract] = {
    "plain trafilatura.extract(html)": lambda html: trafilatura.extract(html) or "",
    "monitor extract_html": _monitor,
    "metadata, precision, no comments": _bare(
        with_metadata=True, favor_precision=True, include_comments=False, config=_CONFIG
    ),
    "no metadata, precision, no comments": _bare(
        favor_precision=True, include_comments=False, config=_CONFIG
    ),
    "no metadata, no comments": _bare(include_comments=False, config=_CONFIG),
    "no metadata, recall, no comments": _bare(
        favor_recall=True, include_comments=False, config=_CONFIG
    ),
    "no metadata, no comments, fast": _bare(include_comments=False, fast=True, config=_CONFIG),
}


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def score(found: str, gold: str) -> tuple[int, int, int]:
    """(words in common, words found, words in the reference)."""
    got, want = words(found), words(gold)
    return sum((got & want).values()), sum(got.values()), sum(want.values())


def prf(common: int, found: int, wanted: int) -> tuple[float, float, float]:
    p = common / found if found else 0.0
    r = common / wanted if wanted else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, required=True)
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    paths = sorted(args.pages.glob("*.html"))
    pages = [p.read_bytes() for p in paths]
    for extract in OPTIONS.values():  # load models and caches before any timing
        extract(pages[0])
    cpu: dict[str, list[float]] = {name: [] for name in OPTIONS}
    texts: dict[str, list[str]] = {}
    for _ in range(args.rounds):
        for name, extract in OPTIONS.items():
            started = time.process_time()
            texts[name] = [extract(html) for html in pages]
            cpu[name].append((time.process_time() - started) / len(pages) * 1000)
    print(f"{len(pages)} pages (median {statistics.median(map(len, pages)) / 1024:.0f} KB)")
    golds = _golds(paths, args.gold)
    plain = statistics.median(cpu["plain trafilatura.extract(html)"])
    for name in OPTIONS:
        ms = statistics.median(cpu[name])
        line = f"  {name:36s} {ms:6.2f} ms/page ({ms / plain:4.2f} of plain)"
        if golds:
            line += _quality(texts[name], paths, golds)
        print(line)
    metadata_agreement(pages)


def _golds(paths: list[Path], folder: Path | None) -> dict[str, str]:
    if folder is None:
        return {}
    found = {p.stem: (folder / f"{p.stem}.txt") for p in paths}
    return {stem: path.read_text() for stem, path in found.items() if path.exists()}


def _quality(texts: list[str], paths: list[Path], golds: dict[str, str]) -> str:
    counts = [score(t, golds[p.stem]) for t, p in zip(texts, paths, strict=True) if p.stem in golds]
    per_page = [prf(*c)[2] for c in counts]
    pooled = prf(*(sum(c[i] for c in counts) for i in range(3)))
    return (
        f"  F1 mean {statistics.mean(per_page):.3f} median {statistics.median(per_page):.3f}"
        f"  pooled P {pooled[0]:.3f} R {pooled[1]:.3f} F1 {pooled[2]:.3f} ({len(counts)} pages)"
    )


def metadata_agreement(pages: list[bytes]) -> None:
    """How often the head tags give what trafilatura's metadata pass finds, and at what
    cost; and how often a prefix gives the language the whole text gives."""
    same = {"title": 0, "author": 0, "date": 0}
    found = {"title": 0, "author": 0, "date": 0}
    theirs = {"title": 0, "author": 0, "date": 0}
    started = time.process_time()
    heads = [head_metadata(p) for p in pages]
    head_ms = (time.process_time() - started) / len(pages) * 1000
    languages = agree = 0
    for page, head in zip(pages, heads, strict=True):
        doc = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False)
        if not isinstance(doc, Document):
            continue
        pairs = {
            "title": (head.title, doc.title),
            "author": (head.author, doc.author),
            "date": (head.published.date().isoformat() if head.published else None, doc.date),
        }
        for key, (ours, its) in pairs.items():
            found[key] += ours is not None
            theirs[key] += bool(its)
            same[key] += bool(its) and ours is not None and _close(ours, str(its))
        text = doc.text or ""
        if len(text.split()) >= 20:
            languages += 1
            agree += detect_language(text) == str(py3langid.classify(text)[0])
    print(f"head tags: {head_ms:.2f} ms/page")
    for key in same:
        print(
            f"  {key:6s}: trafilatura finds {theirs[key]}, the head tags {found[key]};"
            f" the same in {same[key]} of {theirs[key]}"
        )
    print(f"  language of the first 600 characters = of the whole text: {agree} of {languages}")


def _close(ours: str, its: str) -> bool:
    return ours.casefold().strip() == its.casefold().strip() or (
        len(ours) > 12 and (ours.casefold() in its.casefold() or its.casefold() in ours.casefold())
    )


if __name__ == "__main__":
    main()
