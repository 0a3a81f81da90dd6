"""Precision, recall and F1 of the default watchlists on the labelled set.

    .venv/bin/python bench/relevance.py [--config config] [--show-errors]

tests/data/relevance/items.jsonl holds labelled items in English and Spanish: US–Cuba
developments (label true; headline-only and full text) and items that are not (label
false): near misses of many kinds (Mark Cuban, Cuba Gooding Jr., Cuba libre, towns called
Cuba, Venezuelan oil with no Cuba angle, Cuba news with no US angle, US policy with no
Cuba angle, "rubio" meaning blond, other Rubios and Washingtons, history used as an
analogy, Cuban-Americans in passing, Guantánamo detainees) and plain off-topic news.

Splits: "tuning" items shaped the watchlists. "holdout" items were written after that
and first scored before they prompted any change (see docs/performance.md); "holdout2"
items were written after those changes and have never been used to tune anything, so
their figures estimate how the watchlists do on news they were not fitted to.

An item counts as matched when any watchlist matches it. Prints the figures overall, per
language, per form and per split, and for each near-miss kind how many were matched.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from monitor.config import load_config
from monitor.matching.matcher import Matcher

ROOT = Path(__file__).parent.parent
ITEMS = ROOT / "tests/data/relevance/items.jsonl"


def scores(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float, int]:
    tp = sum(1 for label, got in pairs if label and got)
    fp = sum(1 for label, got in pairs if not label and got)
    fn = sum(1 for label, got in pairs if label and not got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(pairs)


def line(name: str, pairs: list[tuple[bool, bool]]) -> str:
    p, r, f, n = scores(pairs)
    return f"  {name:<22} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  (n={n})"


GROUPS = ("all", "lang=en", "lang=es", "form=headline", "form=full")
SPLITS = ("split=tuning", "split=holdout", "split=holdout2")


def evaluate(
    matcher: Matcher, items: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], list[str]]]:
    return [
        (item, [h.watchlist for h in matcher.match(item["title"], item["text"])]) for item in items
    ]


def report(results: list[tuple[dict[str, Any], list[str]]], show_errors: bool) -> None:
    groups: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    kinds: dict[str, list[bool]] = defaultdict(list)
    for item, lists in results:
        for key in (
            "all",
            f"lang={item['lang']}",
            f"form={item['form']}",
            f"split={item['split']}",
        ):
            groups[key].append((item["label"], bool(lists)))
        if not item["label"]:
            kinds[item["kind"]].append(bool(lists))
    for key in GROUPS + SPLITS:
        print(line(key, groups[key]))
    print("  near misses and off-topic, wrongly matched:")
    for kind, gots in sorted(kinds.items()):
        print(f"    {kind:<18} {sum(gots)}/{len(gots)}")
    if show_errors:
        for item, lists in results:
            if bool(lists) != item["label"]:
                what = "FALSE POSITIVE" if lists else "MISSED"
                print(
                    f"{what} [{item['id']} {item['split']} {item['kind']}] {item['title']} {lists}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=str(ROOT / "config"))
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    config = load_config(Path(args.config))
    if config.problems:
        raise SystemExit("\n".join(str(p) for p in config.problems))
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    items = [json.loads(x) for x in ITEMS.read_text(encoding="utf-8").splitlines() if x.strip()]
    print(f"{len(items)} labelled items, {len(config.watchlists)} watchlists")
    report(evaluate(matcher, items), args.show_errors)


if __name__ == "__main__":
    main()
