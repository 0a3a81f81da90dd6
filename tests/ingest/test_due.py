"""ingest.due: intervals, capped exponential backoff with jitter, server hints."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from monitor.ingest.due import next_after_failure, next_after_success

NOW = datetime(2026, 2, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_success_waits_the_interval_plus_at_most_the_jitter() -> None:
    rng = random.Random(1)
    delays = [
        next_after_success(NOW, interval=HOUR, jitter=timedelta(minutes=2), rng=rng) - NOW
        for _ in range(200)
    ]
    assert min(delays) >= HOUR
    assert max(delays) <= HOUR + timedelta(minutes=2)
    assert len(set(delays)) > 100  # really random


def test_cache_control_stretches_but_is_capped() -> None:
    rng = random.Random(1)
    zero = timedelta(0)
    assert (
        next_after_success(NOW, interval=HOUR, jitter=zero, rng=rng, max_age=7200) == NOW + 2 * HOUR
    )
    assert next_after_success(NOW, interval=HOUR, jitter=zero, rng=rng, max_age=60) == NOW + HOUR
    assert (
        next_after_success(NOW, interval=HOUR, jitter=zero, rng=rng, max_age=10**9)
        == NOW + 24 * HOUR
    )


def test_backoff_doubles_up_to_the_cap_and_never_stops() -> None:
    rng = random.Random(7)
    cap = 6 * HOUR
    interval = timedelta(minutes=30)
    for failures, full in [
        (1, interval),
        (2, HOUR),
        (3, 2 * HOUR),
        (4, 4 * HOUR),
        (5, cap),
        (50, cap),
        (10**6, cap),
    ]:
        for _ in range(50):
            delay = (
                next_after_failure(
                    NOW, failures=failures, interval=interval, max_backoff=cap, rng=rng
                )
                - NOW
            )
            assert full / 2 <= delay <= full, (failures, delay)


def test_retry_after_wins_when_longer() -> None:
    rng = random.Random(3)
    kwargs = {"failures": 1, "interval": HOUR, "max_backoff": 6 * HOUR, "rng": rng}
    assert next_after_failure(NOW, retry_after=5 * 3600, **kwargs) == NOW + 5 * HOUR  # type: ignore[arg-type]
    assert next_after_failure(NOW, retry_after=1, **kwargs) - NOW >= HOUR / 2  # type: ignore[arg-type]
