from django.core.management.base import BaseCommand

from tracker.accounts.matrix import as_markdown


class Command(BaseCommand):
    help = "Prints the permission matrix as Markdown (redirect it to docs/permissions.md)."
    # It only prints a table: no database, so it runs on a bare checkout.
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        self.stdout.write(as_markdown(), ending="")
