"""Matcher throughput with all default watchlists on ~5 KB articles, one core.

    .venv/bin/python bench/match.py [--articles 2000] [--repeat 9]

Builds articles of ~5 KB from sentences in English and Spanish: some about US–Cuba
developments, some near misses, most about nothing the watchlists want. Times
``Matcher.match`` over all of them, REPEAT times, and prints the median articles/s. In the
same run it times a reference pass over the same texts (case-folding plus one regex
search) to show what the machine does with the cheapest possible scan. Times are CPU
time of this one process.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from pathlib import Path

from monitor.config import load_config
from monitor.match import Matcher

ROOT = Path(__file__).parent.parent

RELEVANT = [
    "Cuba's deputy foreign minister said Havana was ready for dialogue with the United States.",
    "El Gobierno cubano denunció el bloqueo de Estados Unidos y la falta de combustible.",
    "The White House threatened tariffs on countries that sell crude oil to Cuba.",
    "La Guardia Costera de EE.UU. interceptó una balsa con migrantes cubanos.",
    "Secretary of State Marco Rubio said the US would love to see regime change in Cuba.",
]
NEAR = [
    "Mark Cuban said the United States needs cheaper drugs.",
    "Cuba Gooding Jr. starred in a new film shot in Washington.",
    "The Cuba libre is back in fashion in bars across the country.",
    "Una modelo de pelo rubio conquistó las pasarelas de Nueva York.",
    "Venezuela's oil exports fell after new sanctions from Washington.",
]
FILLER = [
    "Officials declined to give a timetable for the next round of talks on trade.",
    "Los analistas advirtieron que la economía enfrenta su peor crisis en décadas.",
    "The central bank kept interest rates unchanged for the third month in a row.",
    "Las lluvias intensas provocaron inundaciones en varias provincias del norte.",
    "Shares in technology companies rose sharply after strong quarterly earnings.",
    "El ministerio anunció nuevas medidas para apoyar a los pequeños productores.",
    "Hospitals reported a rise in admissions during the winter flu season.",
    "La selección nacional ganó el partido y se clasificó para la final del torneo.",
]


def article(rng: random.Random, size: int = 5_000) -> tuple[str, str]:
    kind = rng.random()
    pool = RELEVANT if kind < 0.2 else NEAR if kind < 0.4 else FILLER
    title = rng.choice(pool)
    sentences = []
    while sum(len(s) + 1 for s in sentences) < size:
        sentences.append(rng.choice(pool if rng.random() < 0.15 else FILLER))
        if rng.random() < 0.12:
            sentences.append("\n")
    return title, " ".join(sentences)


def timed(function: object, texts: list[tuple[str, str]]) -> float:
    """CPU seconds of this process: on a shared, noisy machine, steadier than wall time."""
    started = time.process_time()
    for title, text in texts:
        function(title, text)  # type: ignore[operator]
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    config = load_config(ROOT / "config")
    started = time.perf_counter()
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    compile_ms = (time.perf_counter() - started) * 1000
    rng = random.Random(7)
    texts = [article(rng) for _ in range(args.articles)]
    kb = statistics.mean(len(t) + len(x) for t, x in texts) / 1024
    cuba = re.compile(r"\bcuba\b")

    def reference(title: str, text: str) -> object:
        return cuba.search(f"{title}\n{text}".casefold())

    hits = sum(len(matcher.match(t, x)) for t, x in texts)
    rates, base = [], []
    for _ in range(args.repeat):  # interleaved, so both see the same noise
        base.append(len(texts) / timed(reference, texts))
        rates.append(len(texts) / timed(matcher.match, texts))
    median = statistics.median(rates)
    ratio = statistics.median(r / b for r, b in zip(rates, base, strict=True))
    print(f"{len(config.watchlists)} watchlists compiled in {compile_ms:.0f} ms")
    print(f"{len(texts)} articles of {kb:.1f} KB on average, {hits} hits")
    print(
        f"matcher:   median {median:,.0f} articles/s, best {max(rates):,.0f}, "
        f"over {args.repeat} runs (target >= 3,000)"
    )
    print(
        f"reference: median {statistics.median(base):,.0f} articles/s, best {max(base):,.0f} "
        "(casefold + one regex search)"
    )
    print(f"matcher / reference, median of paired runs: {ratio:.3f}")


if __name__ == "__main__":
    main()
