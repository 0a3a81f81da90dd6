"""Story clustering on labelled reports: pairwise precision and recall, and its cost.

    .venv/bin/python bench/clusters.py [--data FILE.jsonl] [--errors] [--rounds 5] [--pages DIR]
                                       [--crowd FILE.jsonl] [--real ITEMS.jsonl]

Each line of the data is one report: ``story`` (the label: reports with the same one are
one story), ``lang``, ``title``, ``text``, ``published``, ``url`` and ``kind``
(original, copy, rewrite, translation). The reports are matched against the default
watchlists (their terms are part of what clustering compares) and placed one by one in
time order, as a poll would. A pair of reports is predicted together when they end in
one story; precision and recall are over pairs, overall, within a language and across
languages, and recall by the kind of the later report. Cost: CPU per report of the
features and the placing (not the matching), the median of ROUNDS runs.

With ``--pages DIR`` (real pages, ``*.html``), each page is placed once, all within one
window, and every join is listed (pages of many sites and subjects: a join is one to
read); and the cost is measured on the texts
trafilatura extracts from them, which are as long as real articles are (the labelled
reports are leads): each page is placed three times in 48 hours (as it is, as a copy
under another headline without its first paragraph, and with its paragraphs in reverse
order), so that every article is compared with every earlier one.

With ``--real ITEMS`` (the real news items the labels of tests/data/stories-real/ name,
e.g. a labelled relevance set's items.jsonl), the real reports of one development are
placed with everything else of a busy day, and handfuls of distinct developments on
quiet days (bench/stories_real.py says how): pairwise precision and recall by language
pair, the developments hidden, and the false joins of quiet days.

With ``--crowd FILE`` (JSON Lines of real news with ``date``, ``lang``, ``title``,
``text``, such as a labelled relevance set), precision is also measured where it is
hardest: every article is placed within one 48-hour window, in the order of its real
date, so that reports of many years on one subject crowd one window, as a busy news day
does. Two articles placed in one story whose real dates are more than 30 days apart are
certainly two stories: the figure is how many joins are of that kind.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import trafilatura

import stories_real
from monitor.config import load_config
from monitor.jobs.stories import context_of
from monitor.matching.matcher import Matcher
from monitor.stories.features import features_of
from monitor.stories.placing import Stories

ROOT = Path(__file__).parents[1]


def load(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return sorted(rows, key=lambda r: r["published"])


def place(
    rows: list[dict[str, Any]], terms: list[list[str]], context: frozenset[str]
) -> tuple[list[int], list[str]]:
    """Each report's story id (its position's), and why it went there."""
    recent = Stories(context=context)
    stories, reasons = [], []
    for number, (row, names) in enumerate(zip(rows, terms, strict=True)):
        when = datetime.fromisoformat(row["published"].replace("Z", "+00:00"))
        features = features_of(row["title"], row["text"], row["lang"], when, names)
        found = recent.place(number, row["url"], features)
        stories.append(number if found.story_id is None else found.story_id)
        reasons.append(found.reason)
    return stories, reasons


def page_texts(folder: Path) -> list[tuple[str, str]]:
    """(name, text) of each real page, as trafilatura extracts it."""
    texts = []
    for page in sorted(folder.glob("*.html")):
        text = trafilatura.extract(page.read_text(errors="replace"), favor_recall=True)
        if text:
            texts.append((page.stem, text))
    return texts


def page_joins(texts: list[tuple[str, str]]) -> list[str]:
    """Each page placed once, all within one window: the joins, described. The pages are
    of many sites and subjects, so each join is one to read."""
    recent, start, names = Stories(), datetime.fromisoformat("2026-01-30T00:00:00+00:00"), []
    joins = []
    for n, (name, text) in enumerate(texts):
        features = features_of(name, text, "en", start + timedelta(minutes=n))
        found = recent.place(n, f"https://example.org/{n}", features)
        names.append(name)
        if found.joined is not None:
            joins.append(f"{name} / {names[found.joined]}: {found.reason}")
    return joins


def page_cost(texts: list[tuple[str, str]], rounds: int) -> tuple[int, float, float]:
    """(articles, features ms, placing ms): CPU per article, medians of ``rounds``."""
    articles = []
    for name, text in texts:
        paragraphs = text.split("\n")
        articles.append((name, text))
        articles.append((f"{name}, reported again", "\n".join(paragraphs[1:]) or text))
        articles.append((name, "\n".join(reversed(paragraphs))))
    start = datetime.fromisoformat("2026-01-30T08:00:00+00:00")
    featuring, placing = [], []
    for _ in range(rounds):
        recent = Stories()
        started = time.process_time()
        features = [
            features_of(title, text, "en", start + timedelta(minutes=n), ())
            for n, (title, text) in enumerate(articles)
        ]
        middle = time.process_time()
        for n, f in enumerate(features):
            recent.place(n, f"https://example.org/{n}", f)
        done = time.process_time()
        featuring.append((middle - started) / len(articles) * 1000)
        placing.append((done - middle) / len(articles) * 1000)
    return len(articles), statistics.median(featuring), statistics.median(placing)


def crowd(path: Path, matcher: Matcher) -> tuple[int, int, list[str]]:
    """(pairs joined, pairs joined that are certainly wrong, those pairs described)."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    rows.sort(key=lambda r: str(r.get("date") or ""))
    recent, start = Stories(), datetime.fromisoformat("2026-01-30T00:00:00+00:00")
    stories: dict[int, list[int]] = defaultdict(list)
    reasons = []
    for n, row in enumerate(rows):
        title, text, lang = row.get("title") or "", row["text"], row["lang"]
        terms = sorted({t.term for h in matcher.match(title, text, lang) for t in h.terms})
        features = features_of(title, text, lang, start + timedelta(minutes=n), terms)
        found = recent.place(n, f"https://example.org/{n}", features)
        stories[n if found.story_id is None else found.story_id].append(n)
        reasons.append(found.reason)
    joined, wrong, described = 0, 0, []
    for members in stories.values():
        for i, j in combinations(members, 2):
            joined += 1
            apart = _days_apart(rows[i].get("date"), rows[j].get("date"))
            if apart is not None and apart > 30:
                wrong += 1
                described.append(f"{rows[i].get('id', i)} / {rows[j].get('id', j)}, "
                                 f"{apart} days apart: {reasons[j]}")  # fmt: skip
    return joined, wrong, described


def _days_apart(a: object, b: object) -> int | None:
    def day(value: object) -> datetime | None:
        text = str(value or "")
        text = text + "-01-01"[len(text) - 4 :] if 4 <= len(text) < 10 else text[:10]
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None

    first, second = day(a), day(b)
    return abs((first - second).days) if first and second else None


def score(rows: list[dict[str, Any]], stories: list[int]) -> dict[str, tuple[int, int, int]]:
    """Per slice: (pairs rightly together, pairs predicted together, pairs truly together)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, j in combinations(range(len(rows)), 2):
        a, b = rows[i], rows[j]
        truth, guess = a["story"] == b["story"], stories[i] == stories[j]
        slices = ["all", "same language" if a["lang"] == b["lang"] else "across languages"]
        if truth:
            later = b if b["published"] >= a["published"] else a
            slices.append(f"kind={later['kind']}")
        for name in slices:
            c = counts[name]
            c[0] += truth and guess
            c[1] += guess
            c[2] += truth
    return {name: (c[0], c[1], c[2]) for name, c in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests/data/clusters/items.jsonl")
    parser.add_argument("--config", type=Path, default=ROOT / "config")
    parser.add_argument("--errors", action="store_true", help="list wrong pairs")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=Path, help="also measure the cost on real pages")
    parser.add_argument("--crowd", type=Path, help="real news placed in one window")
    parser.add_argument("--real", type=Path, help="the real items the labelled developments name")
    args = parser.parse_args()
    rows = load(args.data)
    config = load_config(args.config)
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    context = context_of(config.watchlists)
    terms = [
        sorted({t.term for h in matcher.match(r["title"], r["text"], r["lang"]) for t in h.terms})
        for r in rows
    ]
    cpu = []
    for _ in range(args.rounds):
        started = time.process_time()
        stories, reasons = place(rows, terms, context)
        cpu.append((time.process_time() - started) / len(rows) * 1000)
    labels = {r["story"] for r in rows}
    print(f"{args.data}: {len(rows)} reports, {len(labels)} stories, "
          f"{len(set(stories))} predicted")  # fmt: skip
    for name, (right, guessed, true) in sorted(score(rows, stories).items()):
        p = right / guessed if guessed else 1.0
        r = right / true if true else 1.0
        print(f"  {name:18s} precision {p:.3f}  recall {r:.3f}  (pairs: {right} right, "
              f"{guessed} predicted, {true} true)")  # fmt: skip
    print(f"  cost: {statistics.median(cpu):.3f} ms CPU per report (median of {args.rounds})")
    if args.crowd:
        joined, wrong, described = crowd(args.crowd, matcher)
        print(f"  {args.crowd}, in one 48-hour window: {joined} pairs joined, {wrong} of "
              f"them more than 30 days apart (certainly wrong)")  # fmt: skip
        if args.errors:
            print("\n".join(f"    WRONG: {d}" for d in described))
    if args.pages:
        texts = page_texts(args.pages)
        joins = page_joins(texts)
        print(f"  {len(texts)} real pages, each placed once in one window: {len(joins)} joined")
        print("\n".join(f"    JOINED: {j}" for j in joins))
        n, featuring, placing = page_cost(texts, args.rounds)
        print(
            f"  cost on {n} texts of real pages: {featuring + placing:.3f} ms CPU per article "
            f"(features {featuring:.3f}, placing {placing:.3f}; median of {args.rounds})"
        )
    if args.real:
        real = stories_real.load(args.real)
        place_real = _placer(matcher, context)
        print("\n".join(stories_real.busy_day(real, place_real, args.errors)))
        print("\n".join(stories_real.quiet_days(real, place_real, args.errors)))
    if args.errors:
        _errors(rows, stories, reasons)


def _placer(matcher: Matcher, context: frozenset[str]) -> stories_real.Place:
    """Places real reports as a poll would: matched, then placed in time order."""
    cache: dict[str, list[str]] = {}

    def place(rows: Any, times: Any) -> tuple[list[int], list[str]]:
        recent, stories, reasons = Stories(context=context), [], []
        for n, (row, when) in enumerate(zip(rows, times, strict=True)):
            if row["id"] not in cache:
                hits = matcher.match(row["title"], row["text"], row["lang"])
                cache[row["id"]] = sorted({t.term for h in hits for t in h.terms})
            features = features_of(row["title"], row["text"], row["lang"], when, cache[row["id"]])
            found = recent.place(n, row.get("url") or "", features)
            stories.append(n if found.story_id is None else found.story_id)
            reasons.append(found.reason)
        return stories, reasons

    return place


def _errors(rows: list[dict[str, Any]], stories: list[int], reasons: list[str]) -> None:
    for i, j in combinations(range(len(rows)), 2):
        truth, guess = rows[i]["story"] == rows[j]["story"], stories[i] == stories[j]
        if truth != guess:
            what = "JOINED WRONGLY" if guess else "MISSED"
            print(f"{what}: [{i}] {rows[i]['id']} / [{j}] {rows[j]['id']} ({rows[j]['kind']},"
                  f" {rows[j]['lang']}): {reasons[j]}")  # fmt: skip


if __name__ == "__main__":
    main()
