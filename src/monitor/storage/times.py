"""How times are stored: UTC ISO 8601 text, which sorts in time order."""

from __future__ import annotations

from datetime import UTC, datetime

#: The time a NOT NULL column holds if a row was written by hand without it: the
#: earliest aware time, so that every datetime out of the store is aware UTC.
EARLIEST = datetime.min.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def required(value: str | None) -> datetime:
    """A time from a column that always has one (``EARLIEST`` if it was left empty)."""
    return from_iso(value) or EARLIEST
