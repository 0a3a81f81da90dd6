"""Alert channels through Apprise (ntfy, Slack, Telegram, Matrix, mail, JSON webhooks…).

The only module importing apprise. A channel is what a watchlist's ``alert.to`` says:
the name of an environment variable holding an Apprise URL (``MONITOR_ALERT_NTFY``), so
that tokens and passwords stay out of config/, or a URL with no secret in it. It is read
from the environment at each delivery, so a changed secret needs no restart. Apprise's
failures (and its log lines, which say why) become one DeliveryError.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Protocol

from monitor.errors import DeliveryError
from monitor.types import AlertMessage

_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


class Notifier(Protocol):
    def send(self, channel: str, alert: AlertMessage) -> str:
        """Deliver ``alert`` to ``channel``; where it went (no secret in it), or
        DeliveryError."""
        ...


class AppriseNotifier:
    """Sends through Apprise, each request bounded by ``timeout`` seconds."""

    def __init__(self, timeout: float = 20.0, environ: Mapping[str, str] | None = None) -> None:
        self._timeout = timeout
        self._environ = os.environ if environ is None else environ

    def url_of(self, channel: str) -> str:
        """The Apprise URL of a channel: the variable's value, or the URL as written."""
        if not _ENV_NAME.match(channel):
            return channel
        value = self._environ.get(channel, "").strip()
        if not value:
            raise DeliveryError(f"alert channel {channel}: the environment variable is not set")
        return value

    def send(self, channel: str, alert: AlertMessage) -> str:
        # Imported on the first delivery: every `monitor poll` would pay for it otherwise.
        import apprise

        url = self.url_of(channel)
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            raise DeliveryError(f"alert channel {channel}: not an Apprise URL Apprise knows")
        # Apprise waits 4 s to connect and 4 s to read by default; a hung service is
        # bounded by alerts.timeout instead.
        plugin.socket_connect_timeout = self._timeout
        plugin.socket_read_timeout = self._timeout
        where = str(plugin.url(privacy=True)).partition("?")[0]  # type: ignore[no-untyped-call]
        sender = apprise.Apprise()
        sender.add(plugin)
        capture = apprise.LogCapture(level=logging.WARNING, fmt="%(message)s")  # type: ignore[no-untyped-call]
        with capture as log:
            try:
                delivered = sender.notify(title=alert.title, body=alert.body)
            except Exception as e:  # a plugin's own bug must not end the cycle
                raise DeliveryError(f"alert channel {channel} ({where}): {e}") from e
        if not delivered:
            lines = [line.strip() for line in log.getvalue().splitlines() if line.strip()]
            why = lines[-1] if lines else "the service refused it"
            raise DeliveryError(f"alert channel {channel} ({where}): {why}")
        return where
