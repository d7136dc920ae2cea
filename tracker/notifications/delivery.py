"""Sending e-mails: claim one, word it in its recipient's language, send it, record how it went.

Runs in the task worker (tracker.notifications.tasks). Each e-mail is claimed first, with one
conditional UPDATE from pending to sending that commits before anything is sent: of two
workers (or two tasks) holding the same e-mail, only the one whose UPDATE changed the row
sends it. Each e-mail is sent on its own, so one bad address or one failure does not stop the
others of the same task.

When sending fails:
- the server refuses the address for good (a 5xx answer to RCPT TO): the e-mail is marked
  failed at once, with the server's answer, for the staff admins to see
  (/notifications/deliveries/) and retry once the address is corrected;
- anything else (server down or unreachable, a 4xx answer, a time-out): the e-mail goes back
  to pending and a new task is queued to try again after 1, 2, 4 … minutes (at most 6 hours
  apart); after MAX_ATTEMPTS tries it is marked failed. Nothing is lost meanwhile: the e-mail
  stays in the database with its state and last error.

A worker that dies between the server's acceptance and the UPDATE to sent leaves the e-mail
"sending"; it is not sent again by itself (that could send it twice), but shows among the
deliveries for a staff admin to retry.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.notifications.models import Kind, Notification, OutgoingEmail
from tracker.notifications.text import Wording, wording

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)
#: A digest lists this many notifications of each kind and counts the rest.
DIGEST_ITEMS_PER_KIND = 20
ERROR_CHARS = 1000

State = OutgoingEmail.State


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed try: 1, 2, 4 … minutes, at most 6 h."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


class PermanentFailure(Exception):
    """Sending again would fail again (the server refused the address for good)."""


@dataclass(frozen=True)
class Line:
    notification: Notification
    words: Wording
    url: str


@dataclass(frozen=True)
class Group:
    label: str
    count: int
    lines: list[Line]

    @property
    def more(self) -> int:
        return self.count - len(self.lines)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _lines(notifications: Sequence[Notification]) -> list[Line]:
    lines = []
    for notification in notifications:
        words = wording(notification)
        lines.append(Line(notification, words, absolute(words.path)))
    return lines


def _groups(notifications: list[Notification]) -> list[Group]:
    by_kind: dict[str, list[Notification]] = {}
    for notification in notifications:
        by_kind.setdefault(notification.kind, []).append(notification)
    return [
        Group(str(label), len(by_kind[kind]), _lines(by_kind[kind][:DIGEST_ITEMS_PER_KIND]))
        for kind, label in Kind.choices
        if kind in by_kind
    ]


def compose(email: OutgoingEmail) -> mail.EmailMultiAlternatives | None:
    """The e-mail, plain text and HTML, in its recipient's language; None when nothing is
    left to tell (its items were deleted)."""
    user = email.recipient
    notifications = list(
        email.notifications.select_related(
            "milestone", "dispute", "corrective_action", "actor"
        ).order_by("created_at", "id")
    )
    if not notifications:
        return None
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "site_url": settings.SITE_URL,
            "inbox_url": absolute(reverse("notifications:inbox")),
            "preferences_url": absolute(reverse("notifications:settings")),
        }
        if email.is_digest:
            template = "notifications/email/digest"
            context["groups"] = _groups(notifications)
            context["count"] = len(notifications)
            subject = ngettext(
                "Your daily summary: %(count)d notification",
                "Your daily summary: %(count)d notifications",
                len(notifications),
            ) % {"count": len(notifications)}
        else:
            template = "notifications/email/notification"
            line = _lines(notifications[:1])[0]
            context["line"] = line
            subject = f"{line.words.headline}: {line.words.sentence}"
        subject = Truncator(_("Tracker: %(subject)s") % {"subject": subject}).chars(150)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = mail.EmailMultiAlternatives(
        subject,
        text,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def claim(email_id: int) -> bool:
    """Takes the e-mail from pending to sending; false when another worker has it, or when
    it was sent (or has failed) already."""
    return bool(
        OutgoingEmail.objects.filter(pk=email_id, state=State.PENDING).update(
            state=State.SENDING, attempts=F("attempts") + 1
        )
    )


def _refused_for_good(error: smtplib.SMTPRecipientsRefused) -> bool:
    return all(code >= 500 for code, _message in error.recipients.values())


def _describe(error: BaseException) -> str:
    return Truncator(f"{type(error).__name__}: {error}").chars(ERROR_CHARS)


def _send(email: OutgoingEmail, connection) -> None:
    message = compose(email)
    if message is None:
        raise PermanentFailure(_("Nothing to send: its notifications were deleted."))
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as refused:
        if _refused_for_good(refused):
            raise PermanentFailure(_describe(refused)) from refused
        raise


def deliver_one(email_id: int, connection) -> str:
    """Sends one e-mail if it is still pending; answers what became of it."""
    if not claim(email_id):
        return "skipped"
    email = OutgoingEmail.objects.select_related("recipient").get(pk=email_id)
    now = timezone.now()
    try:
        _send(email, connection)
    except PermanentFailure as failure:
        email.state, email.last_error = State.FAILED, str(failure)
        email.save(update_fields=["state", "last_error"])
        return "failed"
    # Whatever went wrong (server down, a time-out, a temporary refusal), try again later.
    except Exception as error:
        logger.warning("E-mail %s not sent (attempt %s): %s", email.pk, email.attempts, error)
        # A broken connection would fail the next e-mails of the task too.
        connection.close()
        return _retry_later(email, error, now)
    email.state, email.sent_at, email.last_error = State.SENT, now, ""
    email.save(update_fields=["state", "sent_at", "last_error"])
    return "sent"


@transaction.atomic
def _retry_later(email: OutgoingEmail, error: BaseException, now: datetime.datetime) -> str:
    from tracker.notifications.tasks import send_emails

    email.last_error = _describe(error)
    if email.attempts >= MAX_ATTEMPTS:
        email.state = State.FAILED
        email.save(update_fields=["state", "last_error"])
        return "failed"
    email.state = State.PENDING
    email.next_attempt_at = now + retry_delay(email.attempts)
    email.save(update_fields=["state", "last_error", "next_attempt_at"])
    send_emails.using(run_after=email.next_attempt_at).enqueue([email.pk])
    return "retry"


def deliver(email_ids: Sequence[int]) -> dict[str, int]:
    """Sends each of these e-mails over one connection; answers how many were sent, skipped,
    failed, or left for a retry."""
    outcomes: Counter[str] = Counter()
    connection = mail.mailers.default
    try:
        for email_id in email_ids:
            outcomes[deliver_one(email_id, connection)] += 1
    finally:
        connection.close()
    return dict(outcomes)
