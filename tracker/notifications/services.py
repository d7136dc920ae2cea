"""Every write of the notifications app: writing notifications and their e-mails, marking them
read, saving preferences, retrying a failed e-mail.

E-mails are sent by the task worker (`manage.py db_worker`), never during a request: writing a
notification writes its `OutgoingEmail` and queues the delivery task in the same transaction
(django-tasks-db keeps the queue in the same database), so a committed notification always
has its e-mail queued, and a rolled-back one has none. One task carries the e-mails of one
event (however many recipients), so the queries of a request that notifies do not grow with
the number of people notified.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tracker.accounts.permissions import (
    can_manage_email_deliveries,
    can_read_notifications,
    can_set_notification_preferences,
)
from tracker.notifications.models import Delivery, Notification, OutgoingEmail, Preference
from tracker.notifications.preferences import Preferences

if TYPE_CHECKING:
    from tracker.accounts.models import User

#: The e-mails one delivery task sends, at most.
EMAILS_PER_TASK = 50


@dataclass
class Event:
    """What one notification says, before it is addressed to anyone."""

    kind: str
    key: str
    milestone_id: int | None = None
    dispute_id: int | None = None
    corrective_action_id: int | None = None
    actor: User | None = None
    note: str = ""
    due_date: datetime.date | None = None
    status: str = ""
    at: datetime.datetime = field(default_factory=timezone.now)

    def addressed_to(self, user_id: int, email: str, in_app: str) -> Notification:
        return Notification(
            recipient_id=user_id,
            kind=self.kind,
            key=self.key,
            milestone_id=self.milestone_id,
            dispute_id=self.dispute_id,
            corrective_action_id=self.corrective_action_id,
            actor=self.actor,
            note=self.note,
            due_date=self.due_date,
            status=self.status,
            created_at=self.at,
            shown_at=self.at if in_app == Delivery.IMMEDIATE else None,
            in_app=in_app,
            email=email,
        )


def email_key(notification: Notification) -> str:
    return f"{notification.recipient_id}:{notification.key}"


def digest_key(user_id: int, day: datetime.date) -> str:
    return f"{user_id}:digest:{day.isoformat()}"


def enqueue_delivery(email_ids: Sequence[int]) -> None:
    """Queues the delivery of these e-mails, a task per EMAILS_PER_TASK of them."""
    from tracker.notifications.tasks import send_emails

    for start in range(0, len(email_ids), EMAILS_PER_TASK):
        send_emails.enqueue(list(email_ids[start : start + EMAILS_PER_TASK]))


def notify(event: Event, recipients: Iterable[User]) -> list[Notification]:
    """Tells these people of the event, each as their preferences say; the actor is left out.

    Call inside the transaction of the change (the domain services send their signals there).
    """
    people = [user for user in recipients if event.actor is None or user.pk != event.actor.pk]
    if not people:
        return []
    preferences = Preferences(people)
    now = timezone.now()
    rows, emails = [], []
    for user in people:
        email, in_app = preferences.of(user.pk, event.kind)
        if email == Delivery.OFF and in_app == Delivery.OFF:
            continue
        notification = event.addressed_to(user.pk, email, in_app)
        if email == Delivery.IMMEDIATE and user.email:
            notification.message = OutgoingEmail(
                recipient_id=user.pk, key=email_key(notification), created_at=now
            )
            emails.append(notification.message)
        rows.append(notification)
    # The e-mails first: saving the notifications then takes up the ids they were given.
    OutgoingEmail.objects.bulk_create(emails)
    Notification.objects.bulk_create(rows)
    enqueue_delivery([email.pk for email in emails])
    return rows


def queue_immediate_emails(created_at: datetime.datetime) -> int:
    """E-mails for the notifications written at `created_at` (one run of the reminder job)
    that their recipients want at once; answers how many."""
    notifications = list(
        Notification.objects.filter(
            created_at=created_at, email=Delivery.IMMEDIATE, message__isnull=True
        )
        .exclude(recipient__email="")
        .only("pk", "recipient_id", "key")
    )
    now = timezone.now()
    emails = OutgoingEmail.objects.bulk_create(
        [
            OutgoingEmail(recipient_id=n.recipient_id, key=email_key(n), created_at=now)
            for n in notifications
        ]
    )
    for notification, email in zip(notifications, emails, strict=True):
        notification.message = email
    Notification.objects.bulk_update(notifications, ["message"], batch_size=500)
    enqueue_delivery([email.pk for email in emails])
    return len(emails)


def open_digests(user_ids, now: datetime.datetime) -> dict[int, int]:
    """Writes today's digest e-mail (not yet queued) for each of these people who has an
    address and no digest today; answers {person: e-mail id} of the digests written now.

    The digest's key is unique per person and day, so however often and wherever this runs,
    nobody gets two digests a day. Only digests this run wrote take up notifications: one
    written earlier may be on its way out, so what comes after it waits for tomorrow's.
    """
    day = timezone.localdate(now)
    with_address = get_user_model().objects.filter(pk__in=list(user_ids)).exclude(email="")
    keys = {
        digest_key(user_id, day): user_id for user_id in with_address.values_list("pk", flat=True)
    }
    had_one = set(OutgoingEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [key for key in keys if key not in had_one]
    OutgoingEmail.objects.bulk_create(
        [
            OutgoingEmail(recipient_id=keys[key], key=key, is_digest=True, created_at=now)
            for key in new
        ],
        ignore_conflicts=True,
    )
    return dict(
        OutgoingEmail.objects.filter(key__in=new, created_at=now).values_list("recipient_id", "pk")
    )


@transaction.atomic
def send_digests(now: datetime.datetime, opened: dict[int, int] | None = None) -> int:
    """Sends today's digests: the ones this run opened (`open_digests`), and one for anyone
    else with notifications waiting for a digest; answers how many were queued.

    Notifications written before this moment that wait for a digest join their person's
    digest of this run; digests left empty are deleted.
    """
    opened = dict(opened or {})
    waiting = Notification.objects.filter(
        email=Delivery.DIGEST, message__isnull=True, created_at__lte=now
    )
    people = set(waiting.values_list("recipient_id", flat=True).distinct())
    opened.update(open_digests(people - set(opened), now))
    for user_id in people & set(opened):
        waiting.filter(recipient_id=user_id).update(message_id=opened[user_id])
    # Notifications chosen for the app's daily digest enter the inbox now.
    Notification.objects.filter(
        in_app=Delivery.DIGEST, shown_at__isnull=True, created_at__lte=now
    ).update(shown_at=now)
    empty = OutgoingEmail.objects.filter(pk__in=opened.values(), notifications__isnull=True)
    empty_ids = set(empty.values_list("pk", flat=True))
    OutgoingEmail.objects.filter(pk__in=empty_ids).delete()
    queued = [email_id for email_id in opened.values() if email_id not in empty_ids]
    for email_id in queued:
        enqueue_delivery([email_id])
    return len(queued)


def _readable(user: User) -> None:
    if not can_read_notifications(user):
        raise PermissionDenied


@transaction.atomic
def mark_read(user: User, notification: Notification, *, at=None) -> bool:
    """Marks one of the person's own notifications read; answers whether it was unread."""
    _readable(user)
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    return bool(
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=at or timezone.now()
        )
    )


@transaction.atomic
def mark_all_read(user: User, *, at=None) -> int:
    """Marks every notification in the person's inbox read; answers how many were unread."""
    _readable(user)
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, shown_at__isnull=False
    ).update(read_at=at or timezone.now())


@transaction.atomic
def save_preferences(user: User, choices: dict[str, tuple[str, str]]) -> None:
    """Stores the person's (e-mail, in-app) choice of every kind given."""
    if not can_set_notification_preferences(user):
        raise PermissionDenied
    Preference.objects.bulk_create(
        [
            Preference(user=user, kind=kind, email=email, in_app=in_app)
            for kind, (email, in_app) in choices.items()
        ],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["email", "in_app"],
    )


@transaction.atomic
def retry_email(user: User, email: OutgoingEmail) -> bool:
    """A staff admin sends a failed e-mail (or one stuck while sending) again; answers whether
    it was queued."""
    if not can_manage_email_deliveries(user):
        raise PermissionDenied
    queued = OutgoingEmail.objects.filter(
        pk=email.pk, state__in=[OutgoingEmail.State.FAILED, OutgoingEmail.State.SENDING]
    ).update(state=OutgoingEmail.State.PENDING, next_attempt_at=None)
    if queued:
        enqueue_delivery([email.pk])
    return bool(queued)
