"""manage.py restore PATH: fill an empty database and evidence storage from a backup archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Check every SHA-256 sum of a backup archive, then restore its database and evidence "
        "files into an empty database and storage. Refuses a database with tables or a "
        "storage with files unless --force is given, which removes them first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Drop every table of the database and delete every evidence file first.",
        )

    def handle(self, *args, path: Path, force: bool, **options) -> None:
        try:
            summary = restore(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the {summary.vendor} database and {summary.files} evidence files "
            f"from {path}; every SHA-256 sum matched."
        )
