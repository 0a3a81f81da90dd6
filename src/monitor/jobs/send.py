"""Build the daily digest from what waits in the store, deliver it, record it::

    (store.pending_digest | transport.deliver | store.mark_digest_sent)
    store.unsent_hits | build.build_digest | render.render | render.message
        | store.reserve_digest | transport.deliver | store.mark_digest_sent
        | (file transport) render.render_index

The promise (docs/reliability.md): every hit goes out in exactly one digest, and a
digest is delivered at least once; it is delivered again only when a crash or a broken
connection leaves its delivery unconfirmed, and then as the identical message (same
Message-ID, Date, subject and body), which mail clients show once and the file
transport writes once. How: the digest is recorded with its exact message and its hits
before delivery (``reserve_digest``), and confirmed after (``mark_digest_sent``). A
delivery that certainly failed (server down, login or recipients refused) releases it,
and its hits wait for the next digest; an unconfirmed one is delivered again, as is,
before anything new.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from zoneinfo import ZoneInfo

from monitor.config import Config
from monitor.config.schema import DigestSettings
from monitor.digest.build import Digest, build_digest
from monitor.digest.render import Rendered, message, render, render_index
from monitor.errors import DeliveryError
from monitor.outputs.mail import FileTransport, SmtpTransport, Transport
from monitor.storage import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    digest: Digest
    rendered: Rendered
    #: Where it went; None when nothing was sent (a preview, or nothing new).
    delivered_to: str | None = None
    digest_id: int | None = None
    #: The date of an unconfirmed digest delivered again first, if there was one.
    resent: str | None = None


def last_due(settings: DigestSettings, now: datetime) -> datetime:
    """The latest time at or before ``now`` when a digest was due (digest.time in
    digest.timezone), in UTC: today's, or yesterday's if today's is still to come."""
    zone, at = ZoneInfo(settings.timezone), time_of_day(settings.time)
    local = now.astimezone(zone)
    due = datetime.combine(local.date(), at, zone)
    if due > local:
        due = datetime.combine(local.date() - timedelta(days=1), at, zone)
    return due.astimezone(UTC)


def next_due(settings: DigestSettings, now: datetime) -> datetime:
    """The next time a digest is due, after ``now``, in UTC."""
    zone, at = ZoneInfo(settings.timezone), time_of_day(settings.time)
    local = now.astimezone(zone)
    due = datetime.combine(local.date(), at, zone)
    if due <= local:
        due = datetime.combine(local.date() + timedelta(days=1), at, zone)
    return due.astimezone(UTC)


def time_of_day(value: str) -> time:
    """digest.time ("07:00", or "07:00:30") as a time."""
    hour, minute, second = (int(part) for part in f"{value}:00".split(":")[:3])
    return time(hour, minute, second)


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
        story_times=store.story_times(now - timedelta(days=15)),
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
    """Deliver an unconfirmed digest again, then the digest of what is new, if anything
    is (or digest.send_empty); record each."""
    resent = _deliver_pending(store, transport, now)
    digest, rendered = prepare(config, store, now, since)
    settings = config.settings.digest
    if not digest.hit_ids and (resent or not settings.send_empty):
        log.info("digest: no new hits, nothing sent")
        return Outcome(digest, rendered, resent=resent)
    email = message(digest, rendered, sender=settings.from_, to=settings.to, now=now)
    digest_id = store.reserve_digest(
        hit_ids=digest.hit_ids,
        created_at=now,
        date=digest.date,
        subject=digest.subject,
        message_id=str(email["Message-ID"]),
        message=bytes(email),
        transport=transport.name,
        items=digest.item_count,
    )
    where = _deliver(store, transport, digest_id, email, digest.date, now)
    log.info(
        "digest %s: %d items, %d hits, sent to %s",
        digest.date,
        digest.item_count,
        len(digest.hit_ids),
        where,
    )
    return Outcome(digest, rendered, where, digest_id, resent)


def _deliver_pending(store: Store, transport: Transport, now: datetime) -> str | None:
    """Deliver again a digest whose delivery a crash (or a broken connection) left
    unconfirmed: the same bytes, so the same Message-ID and Date."""
    pending = store.pending_digest()
    if pending is None:
        return None
    email = message_from_bytes(pending.message, policy=default_policy)
    assert isinstance(email, EmailMessage)
    where = _deliver(store, transport, pending.digest_id, email, pending.date, now)
    log.warning(
        "digest %s: delivered again as the same message (Message-ID %s), its delivery "
        "was left unconfirmed; %d hits, to %s",
        pending.date,
        email["Message-ID"],
        pending.hits,
        where,
    )
    return pending.date


def _deliver(
    store: Store,
    transport: Transport,
    digest_id: int,
    email: EmailMessage,
    date: str,
    now: datetime,
) -> str:
    store.count_attempt(digest_id)
    try:
        where = transport.deliver(email, date=date)
    except DeliveryError as e:
        if not e.maybe_delivered:
            store.release_digest(digest_id)  # nothing went out: the hits wait, unsent
        raise
    store.mark_digest_sent(digest_id, sent_at=now, transport=transport.name, location=where)
    if isinstance(transport, FileTransport):
        _publish_index(transport)
    return where


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
