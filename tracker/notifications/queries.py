"""What the notification pages read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from tracker.notifications.models import Notification, OutgoingEmail

if TYPE_CHECKING:
    from tracker.accounts.models import User


def inbox(user: User) -> QuerySet[Notification]:
    """The person's notifications that have entered the inbox, with what their words need."""
    return Notification.objects.filter(recipient=user, shown_at__isnull=False).select_related(
        "milestone", "dispute", "corrective_action", "actor"
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, shown_at__isnull=False
    ).count()


def deliveries() -> QuerySet[OutgoingEmail]:
    return OutgoingEmail.objects.select_related("recipient")
