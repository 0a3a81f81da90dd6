"""Story clustering on real reports: the developments of tests/data/stories-real/.

Used by ``bench/clusters.py --real ITEMS.jsonl``. The items (real news with ``id``,
``lang``, ``date``, ``title``, ``text``) are third-party text read from the path given;
the repository keeps only which of them report one development and why
(``developments.yaml``), so the figures are from real text and the labels are reviewable.

- **busy day**: every item placed in one 48-hour window, in the order of its real date,
  as if a day's news crowded it: pairwise precision and recall, overall, within a language
  and across languages, and the developments hidden;
- **quiet days**: a handful of distinct developments of one subject in one window (the
  file's hand-picked ones, then seeded draws of 4 to 10 from all developments): every
  join is a false one.

A development is *hidden* when none of its reports leads a story of its own (each of them
sits in a story that another development's report started): the digest would show it
only as "Also reported by" under another.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

from monitor.config.yamlfile import load as load_yaml
from monitor.digest.build import other_headline

LABELS = Path(__file__).parents[1] / "tests/data/stories-real/developments.yaml"
START = datetime.fromisoformat("2026-01-30T00:00:00+00:00")
WINDOW = timedelta(hours=47)
DRAWS = 200

#: Places reports (rows) in time order; returns each one's story and why it joined.
Place = Callable[[Sequence[dict[str, Any]], Sequence[datetime]], tuple[list[int], list[str]]]


@dataclass(frozen=True)
class Labelled:
    rows: list[dict[str, Any]]  # each with "story"
    quiet_days: list[tuple[str, list[str]]]


def load(items: Path, labels: Path = LABELS) -> Labelled:
    data, _ = load_yaml(labels, labels.name)
    story_of = {}
    for development in data["developments"]:
        for report in development["reports"]:
            story_of[report] = development["story"]
    rows = [json.loads(line) for line in items.read_text().splitlines() if line.strip()]
    missing = set(story_of) - {r["id"] for r in rows}
    if missing:
        raise SystemExit(f"{items}: not the labelled set; missing {sorted(missing)[:3]}")
    for row in rows:
        row["story"] = story_of.get(row["id"], row["id"])
        row["title"], row["text"] = row.get("title") or "", row.get("text") or ""
    rows.sort(key=lambda r: (str(r.get("date") or "9999"), r["id"]))
    quiet = [(q["name"], list(q["reports"])) for q in data["quiet_days"]]
    return Labelled(rows, quiet)


def spread(count: int) -> list[datetime]:
    """``count`` times, in order, within one window."""
    step = WINDOW / max(1, count)
    return [START + step * n for n in range(count)]


def pairs(rows: Sequence[dict[str, Any]], stories: Sequence[int]) -> dict[str, list[int]]:
    """Per slice: [right, predicted, true] pairs."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, j in combinations(range(len(rows)), 2):
        truth, guess = rows[i]["story"] == rows[j]["story"], stories[i] == stories[j]
        if not (truth or guess):
            continue
        langs = "-".join(sorted((rows[i]["lang"], rows[j]["lang"])))
        across = "across languages" if rows[i]["lang"] != rows[j]["lang"] else "same language"
        for name in ("all", across, f"pair {langs}"):
            c = counts[name]
            c[0] += truth and guess
            c[1] += guess
            c[2] += truth
    return counts


def hidden(rows: Sequence[dict[str, Any]], stories: Sequence[int]) -> list[str]:
    """The developments none of whose reports leads a story."""
    leader: dict[int, str] = {}  # story -> the development of its first report
    for n, story in enumerate(stories):
        leader.setdefault(story, rows[n]["story"])
    shown = {leader[story] for story in stories}
    return sorted({r["story"] for r in rows} - shown)


def silently_hidden(
    rows: Sequence[dict[str, Any]], stories: Sequence[int], gone: Sequence[str]
) -> list[str]:
    """The hidden developments none of whose reports the digest would show by its own
    headline under the story that holds it (``digest.build.other_headline``, against
    the story's first report)."""
    silent = []
    for development in gone:
        reports = [n for n, r in enumerate(rows) if r["story"] == development]
        if not any(_shown(rows, stories, n) for n in reports):
            silent.append(development)
    return silent


def _shown(rows: Sequence[dict[str, Any]], stories: Sequence[int], n: int) -> bool:
    """Whether the digest shows report ``n`` by its own headline (or, with none, by the
    start of its text, as the snippet would) under the story it sits in."""
    lead = rows[stories[n]]["title"]
    return bool(other_headline(rows[n]["title"], lead, rows[n]["text"][:300]))


def busy_day(data: Labelled, place: Place, errors: bool) -> list[str]:
    rows = data.rows
    stories, reasons = place(rows, spread(len(rows)))
    lines = [f"busy day: {len(rows)} real reports in one window, "
             f"{len({r['story'] for r in rows})} developments, "
             f"{sum(1 for s in set(r['story'] for r in rows) if _size(rows, s) > 1)} of them "
             f"reported more than once; {len(set(stories))} stories predicted"]  # fmt: skip
    for name, (right, guessed, true) in sorted(pairs(rows, stories).items()):
        p = right / guessed if guessed else 1.0
        r = right / true if true else 1.0
        lines.append(f"  {name:18s} precision {p:.3f}  recall {r:.3f}  "
                     f"(pairs: {right} right, {guessed} predicted, {true} true)")  # fmt: skip
    gone = hidden(rows, stories)
    lines.append(f"  hidden developments: {len(gone)}" + (f" ({', '.join(gone)})" if gone else ""))
    silent = silently_hidden(rows, stories, gone)
    named = f" ({', '.join(silent)})" if silent else ""
    lines.append(f"  of them with no report's own headline under the story that holds it "
                 f"(silently hidden): {len(silent)}{named}")  # fmt: skip
    if errors:
        lines += _errors(rows, stories, reasons)
    return lines


def quiet_days(data: Labelled, place: Place, errors: bool) -> list[str]:
    by_id = {r["id"]: r for r in data.rows}
    cases = [(name, [by_id[i] for i in ids]) for name, ids in data.quiet_days]
    lines, false, total = [], 0, 0
    for name, rows in cases:
        joins = _joins(rows, place)
        false += len(joins)
        total += 1
        lines.append(f"  quiet day '{name}' ({len(rows)} developments): {len(joins)} false joins")
        lines += [f"    JOINED: {j}" for j in joins] if errors or joins else []
    drawn = _draws(data.rows)
    drawn_false = [j for rows in drawn for j in _joins(rows, place)]
    lines.append(f"  {len(drawn)} drawn quiet days of 4-10 distinct developments: "
                 f"{len(drawn_false)} false joins")  # fmt: skip
    lines += [f"    JOINED: {j}" for j in drawn_false[:20]]
    every = [line for line in lines if "JOINED" in line] + [f"JOINED {j}" for j in drawn_false]
    silent = sum("[SILENT" in line for line in every)
    head = (f"quiet days: {false + len(drawn_false)} false joins in {total + len(drawn)} windows, "
            f"{silent} of them silent (no headline of the report's own shown)")  # fmt: skip
    return [head, *lines]


def _joins(rows: Sequence[dict[str, Any]], place: Place) -> list[str]:
    stories, reasons = place(rows, spread(len(rows)))
    return [
        f"{rows[n]['id']} -> {rows[stories[n]]['id']}: {reasons[n]} "
        + ("[its headline shown]" if _shown(rows, stories, n)
           else "[SILENT: no headline of its own shown]")
        for n in range(len(rows))
        if stories[n] != n and rows[stories[n]]["story"] != rows[n]["story"]
    ]  # fmt: skip


def _draws(rows: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Seeded windows of 4-10 reports of distinct developments, in date order."""
    gen = random.Random(20261203)
    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_story[row["story"]].append(row)
    names = sorted(by_story)
    draws = []
    for _ in range(DRAWS):
        chosen = gen.sample(names, gen.randint(4, 10))
        picked = [gen.choice(by_story[name]) for name in chosen]
        draws.append(sorted(picked, key=lambda r: (str(r.get("date") or "9999"), r["id"])))
    return draws


def _size(rows: Sequence[dict[str, Any]], story: str) -> int:
    return sum(1 for r in rows if r["story"] == story)


def _errors(
    rows: Sequence[dict[str, Any]], stories: Sequence[int], reasons: list[str]
) -> list[str]:
    lines = []
    for i, j in combinations(range(len(rows)), 2):
        truth, guess = rows[i]["story"] == rows[j]["story"], stories[i] == stories[j]
        if truth != guess:
            what = "JOINED WRONGLY" if guess else "MISSED"
            lines.append(f"    {what}: {rows[i]['id']} / {rows[j]['id']} "
                         f"({rows[i]['lang']}-{rows[j]['lang']}): {reasons[j]}")  # fmt: skip
    return lines
