"""A real SMTP server in the test process, and the real task worker.

`smtp_server` starts aiosmtpd on a free loopback port and points Django's SMTP backend at it;
what it receives is parsed into `smtp_server.messages`. It can refuse addresses for good
(`refuse`), or answer every message with a temporary failure (`down()` / `up()`, or
`down_after` messages), to stand for an outage.

`run_worker()` runs `manage.py db_worker --batch` in this process (it empties the queue of
what is due, then returns); `worker_process()` starts the same command as a process of its
own, on the test database.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class Mailbox:
    """aiosmtpd's handler: keeps what it accepts, refuses what it is told to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.down_after: int | None = None
        self.refused_data = 0

    def down(self) -> None:
        self.down_after = len(self.messages)

    def up(self) -> None:
        self.down_after = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.down_after is not None and len(self.messages) >= self.down_after:
            self.refused_data += 1
            return "421 4.3.0 Service not available, try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.mailbox.messages

    def env(self) -> dict[str, str]:
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port)}


@pytest.fixture
def smtp_server(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 10},
        }
    }
    settings.SITE_URL = "https://tracker.example.org"
    yield server
    server.stop()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def run_worker() -> None:
    """The real worker command, in this process, until no task is due.

    Only in a test with ``django_db(transaction=True)``: the worker closes and reopens the
    database connection between tasks, which the transaction around an ordinary test forbids.
    """
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        # The command installs its own handlers for a graceful stop; give pytest its own back.
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def database_url() -> str:
    """The test database, for a process of its own."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def worker_process(server: SMTPServer, worker_id: str) -> subprocess.Popen:
    """`manage.py db_worker --batch` as its own process, on the test database, sending to the
    test's SMTP server."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "SITE_URL": "https://tracker.example.org",
        **server.env(),
    }
    env.pop("TRACKER_TESTING", None)
    return subprocess.Popen(  # noqa: S603 - this project's manage.py
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--worker-id",
            worker_id,
            "--verbosity",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
