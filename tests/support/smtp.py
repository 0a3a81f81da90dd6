"""A real SMTP server on 127.0.0.1 (aiosmtpd) for mail tests: plain, STARTTLS, SSL, AUTH."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    # aiosmtpd cannot start on port 0 (aio-libs/aiosmtpd#276): find one first.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    tls: list[bool] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    #: Each message's envelope: MAIL FROM and RCPT TO, as the server was given them.
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        over_tls = server.transport.get_extra_info("ssl_object") is not None
        self.tls.append(session.ssl is not None or over_tls)
        return "250 OK"


def _authenticator(inbox: Inbox, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword) and data.password == password.encode():
            inbox.logins.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return check


@contextmanager
def smtp_server(
    *,
    starttls: bool = False,
    implicit_tls: bool = False,
    password: str | None = None,
    smtputf8: bool = False,
) -> Iterator[tuple[Inbox, int, ssl.SSLContext]]:
    """Yields (inbox, port, client TLS context that trusts the server's test CA)."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    inbox = Inbox()
    port = free_port()
    kwargs: dict[str, Any] = {}
    if starttls:
        kwargs.update(tls_context=server_context, require_starttls=True)
    if implicit_tls:
        kwargs.update(ssl_context=server_context)
    if password is not None:
        kwargs.update(authenticator=_authenticator(inbox, password), auth_required=True)
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8, **kwargs
    )
    controller.start()
    try:
        yield inbox, port, client_context
    finally:
        controller.stop()
