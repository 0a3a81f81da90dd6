"""dates.py: feed dates written in Spanish."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.text.dates import spanish_date


@pytest.mark.parametrize(
    ("written", "moment"),
    [
        ("Lun, 07 Dic 2026 10:00:00 -0500", datetime(2026, 12, 7, 15, 0, tzinfo=UTC)),
        ("Mié, 02 Dic 2026 10:00:00 +0000", datetime(2026, 12, 2, 10, 0, tzinfo=UTC)),
        ("MIÉ, 02 DIC 2026 10:00:00 GMT", datetime(2026, 12, 2, 10, 0, tzinfo=UTC)),
        ("sáb, 05 sept. 2026 23:59 +02:00", datetime(2026, 9, 5, 21, 59, tzinfo=UTC)),
        ("lunes, 7 de diciembre de 2026 10:00", datetime(2026, 12, 7, 10, 0, tzinfo=UTC)),
        ("jueves 3 de diciembre de 2026, 10:30 hrs", datetime(2026, 12, 3, 10, 30, tzinfo=UTC)),
        ("7 de setiembre del 2026", datetime(2026, 9, 7, tzinfo=UTC)),
        ("01 Ene 2026 08:00:00 -0300", datetime(2026, 1, 1, 11, 0, tzinfo=UTC)),
        # Decomposed accents, as text pasted from macOS has them.
        ("Mie\u0301, 02 Dic 2026 10:00:00 +0000", datetime(2026, 12, 2, 10, 0, tzinfo=UTC)),
    ],
)
def test_dates_in_spanish(written: str, moment: datetime) -> None:
    assert spanish_date(written) == moment


@pytest.mark.parametrize(
    "written",
    ["", "mañana", "31 de febrero de 2026", "07 Dic 2026 25:00", "1 marte 2026",
     "07 Dec 2026 10:00:00 -0500", "Lun, 07 Dic 2026 10:00:00 EST", "2026-12-07"],
)  # fmt: skip
def test_what_is_not_a_date_in_spanish_is_none(written: str) -> None:
    assert spanish_date(written) is None
