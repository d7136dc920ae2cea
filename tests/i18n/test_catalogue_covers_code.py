"""Every string the code marks for translation is in the committed Ukrainian catalogue.

makemessages extracts the strings from a copy of the sources into a temporary folder (the
working tree is never touched), and the result is compared with the committed .po. It needs
GNU gettext's xgettext: `make test` installs it (or names the command that does) before any
test runs, so a missing xgettext here is a failure, never a skip.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = BASE_DIR / "tracker" / "locale" / "uk" / "LC_MESSAGES" / "django.po"
# The same folders the refresh command leaves out (see the .po header).
NOT_SCANNED = {"tests", "var", "static", "node_modules", "locale"}


def keys(po: polib.POFile) -> set[tuple[str, str, str]]:
    return {
        (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        for entry in po
        if not entry.obsolete
    }


def copy_sources(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.mo", "*.po", ".*", *NOT_SCANNED)
    for item in BASE_DIR.iterdir():
        if item.name.startswith(".") or item.name in NOT_SCANNED:
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, ignore=ignore)
        elif item.suffix in (".py", ".html", ".txt"):
            shutil.copy2(item, target / item.name)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    if shutil.which("xgettext") is None:
        pytest.fail(
            "GNU gettext (xgettext) is not installed, so makemessages cannot extract: "
            "`apt-get install gettext`, or run the suite through `make test`."
        )
    sources = tmp_path_factory.mktemp("sources")
    output = tmp_path_factory.mktemp("locale")
    copy_sources(sources)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(sources)
        patch.setattr(settings, "LOCALE_PATHS", [output])
        call_command("makemessages", locale=["uk"], no_location=True, verbosity=0)
    return polib.pofile(str(output / "uk" / "LC_MESSAGES" / "django.po"))


def test_committed_catalogue_has_every_string_of_the_code(extracted):
    missing = keys(extracted) - keys(polib.pofile(str(PO_PATH)))
    assert not missing, (
        f"{len(missing)} strings are not in tracker/locale/uk/LC_MESSAGES/django.po; refresh it "
        f"with makemessages and translate them: {sorted(missing)[:20]}"
    )


def test_committed_catalogue_has_no_stale_strings(extracted):
    stale = keys(polib.pofile(str(PO_PATH))) - keys(extracted)
    assert not stale, (
        f"{len(stale)} entries of the .po are no longer in the code; makemessages marks them "
        f"obsolete (#~), or delete them: {sorted(stale)[:20]}"
    )


def test_extraction_finds_the_strings_of_templates_and_python(extracted):
    found = keys(extracted)
    assert ("", "Skip to main content", "") in found  # templates/base.html
    assert ("", "Co-chair", "") in found  # tracker/accounts/models.py
    assert ("abbrev. month", "April", "") in found  # tracker/formats
