"""Build the daily digest from what waits in the store, deliver it, record it: once.

    store.unsent_hits | build.build_digest | render.render | transport.deliver
        | store.record_sent_digest | (file transport) render.render_index

Exactly once: a hit is tied to a digest only after the transport delivered it, in the
same transaction that records the digest. A failed delivery records nothing, so its hits
go out with the next digest. The one gap: a crash after delivery and before that
transaction sends the same digest again next time, once (nothing is lost).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from monitor.config import Config
from monitor.digest.build import Digest, build_digest
from monitor.digest.mail import FileTransport, SmtpTransport, Transport
from monitor.digest.render import Rendered, message, render, render_index
from monitor.errors import DeliveryError
from monitor.storage import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    digest: Digest
    rendered: Rendered
    #: Where it went; None when nothing was sent (a preview, or nothing new).
    delivered_to: str | None = None
    digest_id: int | None = None


def transport_for(config: Config) -> Transport:
    email = config.settings.email
    if email.transport == "smtp":
        return SmtpTransport(email.smtp)
    return FileTransport(config.digest_directory)


def prepare(
    config: Config, store: Store, now: datetime, since: timedelta | None = None
) -> tuple[Digest, Rendered]:
    """The digest of every unsent hit of the last ``since`` (default: digest.since)."""
    settings = config.settings.digest
    window = since or settings.since
    digest = build_digest(
        store.unsent_hits(now - window),
        watchlists=config.watchlists,
        activity=store.feed_activity(),
        hit_times=store.hit_times(now - timedelta(days=15)),
        now=now,
        timezone=settings.timezone,
        subject=settings.subject,
        max_items=settings.max_items,
    )
    return digest, render(digest)


def send_digest(
    config: Config,
    store: Store,
    transport: Transport,
    now: datetime,
    *,
    since: timedelta | None = None,
) -> Outcome:
    """Send the digest if there is anything new (or digest.send_empty); record it."""
    digest, rendered = prepare(config, store, now, since)
    settings = config.settings.digest
    if not digest.hit_ids and not settings.send_empty:
        log.info("digest: no new hits, nothing sent")
        return Outcome(digest, rendered)
    email = message(digest, rendered, sender=settings.from_, to=settings.to, now=now)
    where = transport.deliver(email, date=digest.date, html=rendered.html)
    digest_id = store.record_sent_digest(
        hit_ids=digest.hit_ids,
        created_at=now,
        sent_at=now,
        date=digest.date,
        subject=digest.subject,
        message_id=str(email["Message-ID"]),
        transport=transport.name,
        items=digest.items,
        location=where,
    )
    if isinstance(transport, FileTransport):
        _publish_index(transport)
    log.info(
        "digest %s: %d items, %d hits, sent to %s",
        digest.date,
        digest.items,
        len(digest.hit_ids),
        where,
    )
    return Outcome(digest, rendered, where, digest_id)


def _publish_index(transport: FileTransport) -> None:
    """index.html beside the digests, so a browser can page through them."""
    try:
        transport.put("index.html", render_index(transport.delivered()).encode("utf-8"))
    except DeliveryError as e:
        # The digest itself is delivered and recorded; only the listing is stale.
        log.warning("digest index not updated: %s", e)


def write_out(
    path: Path, config: Config, digest: Digest, rendered: Rendered, now: datetime
) -> None:
    """Save a rendered digest: .eml (the whole email), .txt (the text part), else HTML."""
    settings = config.settings.digest
    if path.suffix == ".eml":
        data = bytes(message(digest, rendered, sender=settings.from_, to=settings.to, now=now))
    elif path.suffix == ".txt":
        data = rendered.text.encode("utf-8")
    else:
        data = rendered.html.encode("utf-8")
    try:
        path.write_bytes(data)
    except OSError as e:
        raise DeliveryError(f"cannot write {path}: {e.strerror or e}") from e
