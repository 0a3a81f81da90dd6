"""When each feed is polled next: the interval on success, capped backoff on failure.

Pure: the clock and the random generator are arguments. A failing feed is never disabled;
it is retried less and less often, up to ``max_backoff``, and recovers by itself.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

#: The longest a Cache-Control max-age may stretch the interval.
MAX_CACHE_HINT = timedelta(hours=24)


def next_after_success(
    now: datetime,
    *,
    interval: timedelta,
    jitter: timedelta,
    rng: random.Random,
    max_age: float | None = None,
) -> datetime:
    """The interval, stretched by a longer Cache-Control max-age, plus random jitter.

    Jitter spreads feeds that share a host over the window instead of polling in lock-step.
    """
    delay = interval
    if max_age:
        delay = max(delay, min(timedelta(seconds=max_age), MAX_CACHE_HINT))
    return now + delay + jitter * rng.random()


def next_after_failure(
    now: datetime,
    *,
    failures: int,
    interval: timedelta,
    max_backoff: timedelta,
    rng: random.Random,
    retry_after: float | None = None,
) -> datetime:
    """Exponential backoff with "equal jitter": half the delay fixed, half random.

    ``failures`` counts this one (1 after the first failure), so the first retry comes
    after about one interval. A server's Retry-After wins when it asks for longer.
    """
    exponent = min(max(failures - 1, 0), 32)
    delay = min(interval * (1 << exponent), max(max_backoff, interval))
    delay = delay / 2 + (delay / 2) * rng.random()
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + delay
