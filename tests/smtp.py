"""A real SMTP server in the test process (aiosmtpd), for the tests of email.

The application sends through Django's SMTP backend to this server exactly as it would to a
mail relay; each message the server accepts is parsed and kept in an `Inbox`. Sending is
synchronous (the backend returns once the server has accepted the message), so a message is
in the inbox as soon as the request that sent it has been answered.
"""

from __future__ import annotations

import email
import re
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Received:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        body = self.message.get_body(("html",))
        return body.get_content() if body is not None else ""

    def links(self) -> list[str]:
        return URL.findall(self.text)


class Inbox:
    """What the server received, in order (aiosmtpd's handler interface: handle_DATA)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        with self._lock:
            self._received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def mailer(self) -> dict:
        """The MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
        }

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
