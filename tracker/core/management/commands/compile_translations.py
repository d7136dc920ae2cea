"""Compile the project's .po catalogues to .mo with polib, so GNU gettext is not needed.

    manage.py compile_translations          # write every .mo that is out of date
    manage.py compile_translations --check  # write nothing; fail if any .mo is out of date

The compiled .mo files are committed, so a fresh checkout works without this command; it is
for whoever edits a .po (and for `make`). Fuzzy and untranslated entries are left out of the
.mo, as msgfmt does, and reported.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

Catalogue = dict[tuple[str, str, str], str | tuple[str, ...]]


def po_files() -> list[Path]:
    return sorted(
        path for folder in settings.LOCALE_PATHS for path in Path(folder).glob("*/LC_MESSAGES/*.po")
    )


def catalogue(entries) -> Catalogue:
    """What gettext will look up: (context, msgid, plural msgid) → translation(s)."""
    result: Catalogue = {}
    for entry in entries:
        key = (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        if entry.msgid_plural:
            result[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            result[key] = entry.msgstr
    return result


def po_catalogue(po: polib.POFile) -> tuple[Catalogue, str]:
    return catalogue(po.translated_entries()), po.metadata.get("Plural-Forms", "")


def mo_catalogue(mo: polib.MOFile) -> tuple[Catalogue, str]:
    return catalogue(entry for entry in mo if entry.msgid), mo.metadata.get("Plural-Forms", "")


def mo_is_current(po_path: Path) -> bool:
    """True when the .mo beside the .po holds exactly the .po's translations."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return False
    return po_catalogue(polib.pofile(str(po_path))) == mo_catalogue(polib.mofile(str(mo_path)))


class Command(BaseCommand):
    help = "Compile the .po catalogues under LOCALE_PATHS to .mo files with polib."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit with an error if any .mo is missing or out of date.",
        )

    def handle(self, *args, check: bool = False, **options):
        paths = po_files()
        if not paths:
            raise CommandError("No .po file found under LOCALE_PATHS.")
        stale = []
        for po_path in paths:
            po = polib.pofile(str(po_path))
            untranslated, fuzzy = len(po.untranslated_entries()), len(po.fuzzy_entries())
            if untranslated or fuzzy:
                self.stderr.write(
                    f"{po_path}: {untranslated} untranslated and {fuzzy} fuzzy entries "
                    "are left out of the .mo."
                )
            mo_path = po_path.with_suffix(".mo")
            if check:
                if not mo_is_current(po_path):
                    stale.append(mo_path)
                continue
            binary = po.to_binary()
            # Rewriting identical bytes would only disturb file times and builds.
            if mo_path.exists() and mo_path.read_bytes() == binary:
                self.stdout.write(f"{mo_path}: up to date ({len(po.translated_entries())})")
                continue
            mo_path.write_bytes(binary)
            self.stdout.write(f"{mo_path}: compiled {len(po.translated_entries())} entries")
        if stale:
            names = ", ".join(str(path) for path in stale)
            raise CommandError(f"Out of date: {names}. Run manage.py compile_translations.")
