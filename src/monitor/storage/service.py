"""The service's own state: pid, start, heartbeat and the last digest time it handled."""

from __future__ import annotations

from datetime import datetime

from monitor.storage.backend import Backend
from monitor.storage.times import from_iso, iso
from monitor.types import ServiceState


class ServiceQueries:
    """The service part of Store (mixed in)."""

    def service_state(self: Backend) -> ServiceState:
        values = {r["key"]: r["value"] for r in self.rows("SELECT key, value FROM service")}
        pid = values.get("pid", "")
        return ServiceState(
            pid=int(pid) if pid.isdigit() else None,
            started_at=from_iso(values.get("started_at")),
            heartbeat_at=from_iso(values.get("heartbeat_at")),
            stopped_at=from_iso(values.get("stopped_at")),
            digest_handled_for=from_iso(values.get("digest_handled_for")),
        )

    def set_service_state(self: Backend, **values: datetime | int | None) -> None:
        """Set some of pid, started_at, heartbeat_at, stopped_at, digest_handled_for."""
        with self.write() as db:
            for key, value in values.items():
                if value is None:
                    db.execute("DELETE FROM service WHERE key = ?", [key])
                    continue
                text = iso(value) if isinstance(value, datetime) else str(value)
                db.execute(
                    "INSERT INTO service (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, text],
                )
