"""The background tasks of notifications, run by `manage.py db_worker` (django-tasks-db)."""

from __future__ import annotations

from django.tasks import task

from tracker.notifications import delivery


@task()
def send_emails(email_ids: list[int]) -> dict[str, int]:
    """Sends these e-mails (tracker.notifications.delivery): each once, whatever the number of
    workers, with retries for what fails."""
    return delivery.deliver(email_ids)
