"""Finds what is due and writes the day's reminders and digests; the worker sends the e-mails.

Run it once a day: deploy/tracker-reminders.timer (systemd) does, or a cron line such as
``0 7 * * * cd /srv/tracker && deploy/manage send_reminders``. Running it again the same day
sends nothing new (see tracker.notifications.reminders).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tracker.notifications.reminders import send_reminders


class Command(BaseCommand):
    help = "Write today's reminders and digests, and queue their e-mails for the task worker."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_reminders()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{summary.notifications} reminders written, {summary.emails} e-mails and "
                f"{summary.digests} digests queued for the worker (manage.py db_worker)."
            )
