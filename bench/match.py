"""Matcher throughput with all default watchlists on ~5 KB articles, one core.

    .venv/bin/python bench/match.py [--articles 2000] [--repeat 9]

Builds articles of ~5 KB from sentences in English and Spanish: 20% about a US–Cuba
development, 20% near misses (Mark Cuban, Cuba Gooding Jr., Cuba libre, "pelo rubio",
Venezuelan oil), 60% about nothing the watchlists want. Two corpora:

- topical (the target): each US–Cuba article is about one topic (oil, talks, sanctions,
  migration or security), as news articles are;
- mixed (a stress case): each US–Cuba article mixes sentences of every topic, so all six
  watchlists hit it and must explain themselves.

Times ``Matcher.match`` over each corpus, REPEAT times, and prints the median and best
articles/s. Interleaved with it, a reference pass over the same texts (case-folding plus
one regex search) shows what the machine does with the cheapest possible scan: the
machine's speed swings from minute to minute, the paired ratio does not. Times are CPU
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
from monitor.matching.matcher import Matcher

ROOT = Path(__file__).parent.parent

TOPICS = {
    "oil": [
        "The White House threatened tariffs on countries that sell crude oil to Cuba.",
        "El Gobierno cubano denunció la falta de combustible tras las presiones de EE.UU.",
        "Tankers bound for Havana turned back after warnings from Washington.",
    ],
    "talks": [
        "Cuba's deputy foreign minister said Havana was ready for dialogue with the United States.",
        "Fernández de Cossío dijo que Cuba y EE.UU. han intercambiado mensajes.",
        "Secretary of State Marco Rubio said the US would love to see regime change in Cuba.",
    ],
    "sanctions": [
        "El Gobierno cubano denunció el bloqueo de Estados Unidos ante la ONU.",
        "The State Department kept Cuba on the list of state sponsors of terrorism.",
        "OFAC added Cuban military firms to its sanctions list.",
    ],
    "migration": [
        "La Guardia Costera de EE.UU. interceptó una balsa con migrantes cubanos.",
        "The end of humanitarian parole leaves thousands of Cubans in limbo in Florida.",
        "Un vuelo de deportación con cubanos aterrizó en La Habana.",
    ],
    "security": [
        "US officials said China is expanding a spy base in Cuba.",
        "Cuba marked the anniversary of the Bay of Pigs with criticism of Washington.",
        "Russian warships docked in Havana as the US Navy watched.",
    ],
}
RELEVANT = [sentence for sentences in TOPICS.values() for sentence in sentences]
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


def article(rng: random.Random, size: int = 5_000, *, mixed: bool = True) -> tuple[str, str]:
    kind = rng.random()
    relevant = RELEVANT if mixed else TOPICS[rng.choice(sorted(TOPICS))]
    pool = relevant if kind < 0.2 else NEAR if kind < 0.4 else FILLER
    title = rng.choice(pool)
    sentences: list[str] = []
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


def measure(matcher: Matcher, texts: list[tuple[str, str]], repeat: int) -> dict[str, float]:
    cuba = re.compile(r"\bcuba\b")

    def reference(title: str, text: str) -> object:
        return cuba.search(f"{title}\n{text}".casefold())

    rates, base = [], []
    for _ in range(repeat):  # interleaved, so both see the same noise
        base.append(len(texts) / timed(reference, texts))
        rates.append(len(texts) / timed(matcher.match, texts))
    return {
        "median": statistics.median(rates),
        "best": max(rates),
        "base_median": statistics.median(base),
        "base_best": max(base),
        "ratio": statistics.median(r / b for r, b in zip(rates, base, strict=True)),
        "hits": sum(len(matcher.match(t, x)) for t, x in texts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    config = load_config(ROOT / "config")
    started = time.perf_counter()
    matcher = Matcher(config.watchlists, config.shared_exclusions)
    compile_ms = (time.perf_counter() - started) * 1000
    print(f"{len(config.watchlists)} watchlists compiled in {compile_ms:.0f} ms")
    for name, mixed in (("topical", False), ("mixed", True)):
        rng = random.Random(7)
        texts = [article(rng, mixed=mixed) for _ in range(args.articles)]
        kb = statistics.mean(len(t) + len(x) for t, x in texts) / 1024
        m = measure(matcher, texts, args.repeat)
        target = " (target >= 3,000)" if name == "topical" else " (stress case)"
        print(f"{name}: {len(texts)} articles of {kb:.1f} KB, {m['hits']:.0f} hits")
        rates = f"median {m['median']:,.0f}/s, best {m['best']:,.0f}/s"
        print(f"  matcher:   {rates} over {args.repeat} runs{target}")
        print(f"  reference: median {m['base_median']:,.0f}/s, best {m['base_best']:,.0f}/s")
        print(f"  matcher / reference, median of paired runs: {m['ratio']:.3f}")


if __name__ == "__main__":
    main()
