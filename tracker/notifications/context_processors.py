"""The header's unread count, on every page that shows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tracker.accounts.permissions import can_read_notifications
from tracker.notifications.queries import unread_count


def unread_notifications(request: HttpRequest) -> dict:
    """`unread_notifications`: one COUNT query, run only when a template shows the number."""
    user = getattr(request, "user", None)
    if user is None or not can_read_notifications(user):
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
