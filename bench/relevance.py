"""Precision, recall and F1 of the default watchlists on labelled news.

    .venv/bin/python bench/relevance.py [--data PATH]... [--config config] [--errors]

An item counts as matched when any watchlist matches it. ``--data`` takes JSON Lines in
either of two shapes, told apart per line:

- real labelled news (``label`` is "relevant" or "not_relevant", with ``lang``,
  ``text_kind`` full/excerpt, ``title_kind``, ``near_miss`` null/string/topic,
  ``borderline``, ``set``), such as a relevance-dev file kept outside the repository;
- the project's own set, tests/data/relevance/items.jsonl (``label`` true/false, ``form``,
  ``kind``, ``split``), the default.

Prints, for each file: P/R/F1 overall without borderline items (the figure to quote) and
with them; by language; by text kind (full text, excerpt, headline only); by set or
split; how many near misses of each kind were matched; and with ``--errors`` every false
positive and false negative with the watchlists and terms that fired.

Then, for real labelled news, **the title alone**, as an aggregator or a list of links
gives it: each item whose ``title_kind`` is ``headline`` or ``url-slug`` matched on its
title only, without its text (``title=headline``, ``title=url-slug``), the figures for
items where nothing but a headline or a slug is known. Each headline is also made into a URL
slug as the two kinds of slug maker make one ("headline as slug, accents off": accents
taken off and marks made separators; "letters dropped": letters beyond ASCII left out
and marks inside a word closed up, "Díaz-Canel" → "dazcanel"). Items are matched with their
``date`` (a partial one is read as its first day), for the terms of some dates only.
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from monitor.config import load_config
from monitor.matching.matcher import Matcher
from monitor.types import Hit

ROOT = Path(__file__).parent.parent
OWN = ROOT / "tests/data/relevance/items.jsonl"


@dataclass(frozen=True)
class Item:
    id: str
    label: bool
    lang: str
    kind: str  # full | excerpt | headline
    group: str  # the set or split it came from
    near_miss: str | None  # the kind of near miss, for items not relevant
    borderline: bool
    title: str
    text: str
    #: ``headline`` or ``url-slug`` for real news whose title is one, else "".
    title_kind: str = ""
    published: date | None = None


def load(path: Path) -> list[Item]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            items.append(_item(json.loads(line), f"{path.name}:{number}"))
    return items


def _item(raw: dict[str, Any], where: str) -> Item:
    title, text = raw.get("title") or "", raw.get("text") or ""
    if isinstance(raw["label"], bool):  # the project's own set
        return Item(
            id=str(raw["id"]), label=raw["label"], lang=raw["lang"], kind=raw["form"],
            group=raw["split"], near_miss=None if raw["label"] else raw["kind"],
            borderline=False, title=title, text=text,
        )  # fmt: skip
    kind = "full" if raw["text_kind"] == "full" else "excerpt" if text else "headline"
    return Item(
        id=str(raw["id"]), label=raw["label"] == "relevant", lang=raw["lang"], kind=kind,
        group=raw["set"], near_miss=raw.get("near_miss") or (None if raw["label"] == "relevant"
                                                             else "off-topic"),
        borderline=bool(raw.get("borderline")), title=title, text=text,
        title_kind=raw.get("title_kind") or "", published=_day(raw.get("date")),
    )  # fmt: skip


def _day(value: Any) -> date | None:
    """A full or partial ISO date ("2015-08-14", "2015-08", "2011"), by its first day."""
    if not value:
        return None
    parts = ([*str(value).split("T")[0].split("-"), "01", "01"])[:3]
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def titles_alone(items: list[Item]) -> list[Item]:
    """Each item with a headline or a slug, as its title alone; and each headline made
    into a URL slug by the two kinds of slug maker."""
    alone = [replace(i, text="", kind=f"title={i.title_kind}") for i in items if i.title_kind]
    heads = [i for i in alone if i.title_kind == "headline"]
    heads += [i for i in items if i.kind == "headline" and not i.title_kind]  # our own set
    return alone + [
        replace(i, title=maker(i.title), kind=f"headline as slug, {name}")
        for name, maker in SLUG_MAKERS.items()
        for i in heads
    ]


def _slug_kept(title: str) -> str:
    """The common slug maker: accents taken off, every mark a separator."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare.lower()).split())


def _slug_dropped(title: str) -> str:
    """The crude one: what is not ASCII is dropped, marks inside a word close it up."""
    kept = "".join(c for c in title.lower() if c.isascii())
    kept = re.sub(r"(?<=\w)[-.'](?=\w)", "", kept)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", kept).split())


SLUG_MAKERS = {"accents off": _slug_kept, "letters dropped": _slug_dropped}


def scores(pairs: Iterable[tuple[bool, bool]]) -> tuple[float, float, float, int]:
    pairs = list(pairs)
    tp = sum(1 for label, got in pairs if label and got)
    fp = sum(1 for label, got in pairs if not label and got)
    fn = sum(1 for label, got in pairs if label and not got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(pairs)


def line(name: str, pairs: Iterable[tuple[bool, bool]]) -> str:
    p, r, f, n = scores(pairs)
    return f"  {name:<26} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  (n={n})"


def evaluate(matcher: Matcher, items: list[Item]) -> list[tuple[Item, tuple[Hit, ...]]]:
    return [
        (item, matcher.match(item.title, item.text, item.lang, published=item.published))
        for item in items
    ]


def report(results: list[tuple[Item, tuple[Hit, ...]]], show_errors: bool) -> None:
    clear = [(i, h) for i, h in results if not i.borderline]
    print(line("all, without borderline", ((i.label, bool(h)) for i, h in clear)))
    print(line("all, with borderline", ((i.label, bool(h)) for i, h in results)))
    for title, key in (("lang", "lang"), ("text", "kind"), ("set", "group")):
        groups: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        for item, hits in clear:
            groups[f"{title}={getattr(item, key)}"].append((item.label, bool(hits)))
        for name in sorted(groups):
            print(line(name, groups[name]))
    kinds: dict[str, list[bool]] = defaultdict(list)
    for item, hits in clear:
        if not item.label:
            kinds[item.near_miss or "?"].append(bool(hits))
    print("  not relevant, wrongly matched, by kind:")
    for kind, got in sorted(kinds.items()):
        print(f"    {kind:<24} {sum(got)}/{len(got)}")
    if show_errors:
        _errors(results)


def report_alone(results: list[tuple[Item, tuple[Hit, ...]]], show_errors: bool) -> None:
    clear = [(i, h) for i, h in results if not i.borderline]
    real = [(i.label, bool(h)) for i, h in clear if i.kind.startswith("title=")]
    if real:
        print(line("titles, without borderline", real))
    for kind in sorted({i.kind for i, _ in clear}):
        print(line(kind, ((i.label, bool(h)) for i, h in clear if i.kind == kind)))
    if show_errors:
        _errors(results)


def _errors(results: list[tuple[Item, tuple[Hit, ...]]]) -> None:
    for item, hits in results:
        if bool(hits) != item.label:
            what = "FALSE POSITIVE" if hits else "MISSED"
            fired = "; ".join(f"{h.watchlist} {h.score:g}: {', '.join(h.term_names[:6])}"
                              for h in hits)  # fmt: skip
            flag = " (borderline)" if item.borderline else ""
            print(f"{what}{flag} [{item.id} {item.group} {item.lang} {item.kind}] "
                  f"{(item.title or item.text)[:90]!r}  {fired}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", help="labelled JSONL (repeatable)")
    parser.add_argument("--config", default=str(ROOT / "config"))
    parser.add_argument("--errors", action="store_true", help="list every wrong verdict")
    args = parser.parse_args()
    config = load_config(Path(args.config))
    if config.problems:
        raise SystemExit("\n".join(str(p) for p in config.problems))
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    for path in args.data or [OWN]:
        items = load(path)
        print(f"{path}: {len(items)} labelled items, {len(config.watchlists)} watchlists")
        report(evaluate(matcher, items), args.errors)
        alone = titles_alone(items)
        if alone:
            print(f"{path}: the title alone, headlines and slugs, and headlines made slugs")
            report_alone(evaluate(matcher, alone), args.errors)


if __name__ == "__main__":
    main()
