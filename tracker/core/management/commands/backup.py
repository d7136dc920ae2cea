"""manage.py backup PATH: the database and every evidence file in one archive (see core.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one archive (PATH, .tar or .tar.gz; it must not exist) with a consistent "
        "snapshot of the database, every evidence file and a manifest of SHA-256 sums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            summary = backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {summary.vendor} database and {summary.files} evidence files "
            f"({summary.bytes} bytes) to {path}."
        )
