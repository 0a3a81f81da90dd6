"""Run every watchlist's examples like tests: ``monitor check`` reports them.

Pure: takes a compiled Matcher, returns one result per example.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.matching.matcher import Evaluation, Matcher
from monitor.matching.model import Example, Watchlist


@dataclass(frozen=True, slots=True)
class ExampleResult:
    watchlist: Watchlist
    example: Example
    passed: bool
    #: Why it failed, in one line; "" when it passed.
    reason: str = ""


def run_examples(matcher: Matcher) -> list[ExampleResult]:
    results = []
    for watchlist in matcher.watchlists:
        only = Matcher([watchlist], matcher.shared_exclusions)
        for example in watchlist.examples:
            evaluation = only.evaluate(
                example.title, example.text, example.language,
                published=example.published, explain=True,
            )[0]  # fmt: skip
            matched = evaluation.hit is not None
            passed = matched == example.expect
            reason = "" if passed else _reason(evaluation, example)
            results.append(ExampleResult(watchlist, example, passed, reason))
    return results


def _reason(evaluation: Evaluation, example: Example) -> str:
    if not example.expect:
        terms = ", ".join(evaluation.hit.term_names) if evaluation.hit else ""
        return f"matched but must not (score {evaluation.score:g}; terms: {terms})"
    if not evaluation.rule_holds:
        failed = [line.strip() for line in evaluation.trace if line.strip().startswith("✗")]
        return f"did not match: {'; '.join(failed[1:] or failed)}"
    need = evaluation.watchlist.min_score
    return f"did not match: score {evaluation.score:g} is below min_score {need:g}"
