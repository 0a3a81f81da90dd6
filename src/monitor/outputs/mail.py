"""Delivering a finished message: to files (the default) or through an SMTP server.

Both transports raise DeliveryError when the digest did not get through, saying whether
it may have been delivered all the same (``maybe_delivered``: the connection dropped
after the message was handed over). smtplib and socket errors are translated here.
Delivering the same message twice is harmless: the file transport writes a Message-ID
once, and mail clients show one message per Message-ID.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Protocol

from monitor.config.schema import SmtpSettings
from monitor.errors import DeliveryError
from monitor.types import DigestFile

log = logging.getLogger(__name__)

_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(\d+))?$")


class Transport(Protocol):
    name: str

    def deliver(self, message: EmailMessage, *, date: str) -> str:
        """Deliver the message (of the digest of ``date``); return where it went."""


@dataclass
class FileTransport:
    """Writes DATE.eml (the whole email) and DATE.html (its HTML part) into a folder."""

    directory: Path
    name: str = "file"

    def deliver(self, message: EmailMessage, *, date: str) -> str:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            already = self._written(str(message["Message-ID"] or ""))
            if already is not None:
                return str(already)  # delivered before a crash: once is enough
            stem = self._free_stem(date)
            eml = self.directory / f"{stem}.eml"
            # The page first: once the .eml exists, the digest counts as delivered.
            _write(self.directory / f"{stem}.html", _html_part(message).encode("utf-8"))
            _write(eml, bytes(message))
        except OSError as e:
            raise DeliveryError(f"cannot write the digest to {self.directory}: {e}") from e
        return str(eml)

    def _written(self, message_id: str) -> Path | None:
        if not message_id:
            return None
        found = next((d for d in self.delivered() if d.message_id == message_id), None)
        return self.directory / f"{found.stem}.eml" if found else None

    def delivered(self) -> list[DigestFile]:
        """The digests in the folder, newest first."""
        found = []
        for path in self.directory.glob("*.eml"):
            if not _DATED.match(path.stem):
                continue
            with path.open("rb") as f:
                headers = BytesParser(policy=default_policy).parse(f, headersonly=True)
            found.append(
                DigestFile(
                    stem=path.stem,
                    subject=str(headers["subject"] or ""),
                    message_id=str(headers["message-id"] or ""),
                )
            )
        return sorted(found, key=lambda d: _order(d.stem), reverse=True)

    def put(self, name: str, data: bytes) -> None:
        """Write a page beside the digests (the index of them)."""
        try:
            _write(self.directory / name, data)
        except OSError as e:
            raise DeliveryError(f"cannot write {self.directory / name}: {e}") from e

    def _free_stem(self, date: str) -> str:
        n = 1
        stem = date
        while (self.directory / f"{stem}.eml").exists():
            n += 1
            stem = f"{date}-{n}"
        return stem


def _order(stem: str) -> tuple[str, int]:
    """2026-02-05-2 comes after 2026-02-05."""
    match = _DATED.match(stem)
    assert match is not None
    return match[1], int(match[2] or 1)


def _html_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    return str(body.get_content()) if body is not None else ""


def _write(path: Path, data: bytes) -> None:
    # Write then rename, so a crash never leaves half a digest behind; a failed write
    # (a full disk) leaves no temporary file either.
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@dataclass
class SmtpTransport:
    """Sends through an SMTP server: plain, STARTTLS or SSL, with optional login."""

    settings: SmtpSettings
    #: TLS context; None means the system's trusted CAs.
    context: ssl.SSLContext | None = None
    name: str = "smtp"

    def deliver(self, message: EmailMessage, *, date: str) -> str:
        s = self.settings
        where = f"{s.host}:{s.port}"
        password = self._password()
        try:
            client = self._connect(password)
        except smtplib.SMTPAuthenticationError as e:
            raise DeliveryError(
                f"SMTP login to {where} as {s.username!r} refused: {_reply(e)}"
            ) from e
        except smtplib.SMTPException as e:
            raise DeliveryError(f"SMTP delivery through {where} failed: {_reply(e)}") from e
        except OSError as e:  # refused, unreachable, timed out, TLS failed
            raise DeliveryError(f"cannot reach SMTP server {where}: {e}") from e
        with client:
            self._send(client, message, where)
        return where

    def _connect(self, password: str | None) -> smtplib.SMTP:
        """Connected, secured and logged in: nothing can have been delivered yet."""
        s = self.settings
        context = self.context or ssl.create_default_context()
        timeout = s.timeout.total_seconds()
        client = (
            smtplib.SMTP_SSL(s.host, s.port, timeout=timeout, context=context)
            if s.ssl
            else smtplib.SMTP(s.host, s.port, timeout=timeout)
        )
        try:
            if s.starttls and not s.ssl:
                client.starttls(context=context)
            if s.username:
                client.login(s.username, password or "")
        except BaseException:
            client.close()
            raise
        return client

    def _send(self, client: smtplib.SMTP, message: EmailMessage, where: str) -> None:
        try:
            refused = client.send_message(message)
        except smtplib.SMTPResponseException as e:
            # The server answered with a refusal (MAIL, RCPT or DATA): it kept nothing.
            raise DeliveryError(f"SMTP delivery through {where} failed: {_reply(e)}") from e
        except smtplib.SMTPRecipientsRefused as e:
            raise DeliveryError(f"SMTP server {where} refused every recipient: {e}") from e
        except smtplib.SMTPNotSupportedError as e:
            # smtplib asks before it sends anything: nothing was handed over.
            raise DeliveryError(
                f"SMTP server {where} does not take addresses with accents or other non-ASCII"
                f" letters (it does not offer SMTPUTF8): {_non_ascii(message)}"
            ) from e
        except (smtplib.SMTPException, OSError) as e:
            # The connection broke while the message was being handed over: the server
            # may have accepted it, so it is sent again as is, never rebuilt.
            raise DeliveryError(
                f"SMTP connection to {where} broke while sending: {e or type(e).__name__}",
                maybe_delivered=True,
            ) from e
        if refused:
            log.warning("SMTP server %s refused some recipients: %s", where, sorted(refused))

    def _password(self) -> str | None:
        if not self.settings.username:
            return None
        name = self.settings.password_env
        password = os.environ.get(name)
        if password is None:
            raise DeliveryError(
                f"email.smtp.username is set but the environment variable {name} "
                "(email.smtp.password_env) holding the password is not"
            )
        return password


def _reply(error: smtplib.SMTPException) -> str:
    code = getattr(error, "smtp_code", None)
    text = getattr(error, "smtp_error", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if code:
        return f"{code} {' '.join(str(text).split())}"
    return " ".join(str(error).split()) or type(error).__name__


def _non_ascii(message: EmailMessage) -> str:
    """The addresses of ``message`` that need SMTPUTF8."""
    found = [
        address.addr_spec
        for field in ("From", "To", "Cc", "Bcc")
        for address in getattr(message[field], "addresses", ())
        if not address.addr_spec.isascii()
    ]
    return ", ".join(found) or "(none in the headers)"
