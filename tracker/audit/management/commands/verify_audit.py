"""Walk the audit chain; exit non-zero naming the first entry that does not match.

Each run is recorded (time, entries checked, first bad entry), and the /audit/ page shows the
last one. deploy/tracker-audit.timer runs it daily.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.audit.chain import verify_chain
from tracker.audit.models import ChainVerification


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and its agreement with the history tables."

    def handle(self, *args, **options) -> None:
        outcome = verify_chain()
        ChainVerification.objects.create(
            at=timezone.now(),
            ok=outcome.ok,
            entries_checked=outcome.checked,
            first_bad_seq=outcome.first_bad_seq,
            message=outcome.message,
        )
        if not outcome.ok:
            raise CommandError(
                f"The audit chain is broken after {outcome.checked} good entries. {outcome.message}"
            )
        self.stdout.write(f"The audit chain is intact: {outcome.checked} entries checked.")
