"""The Ukrainian catalogue is complete, well-formed and compiled.

When one of these fails after adding strings, refresh the catalogue (commands in
tracker/locale/uk/LC_MESSAGES/django.po's header): makemessages, translate, then
`manage.py compile_translations`.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tracker.core.management.commands.compile_translations import (
    mo_catalogue,
    po_catalogue,
)

PO_PATH = Path(settings.BASE_DIR) / "tracker" / "locale" / "uk" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
DJANGO_UK_PO = Path(django.__file__).parent / "conf" / "locale" / "uk" / "LC_MESSAGES" / "django.po"

# %(name)s, %s, %d, %% and {name} placeholders; a translation must keep every one.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]|\{[^{}]*\}")


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def describe(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r}"


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def test_every_entry_is_translated(po):
    untranslated = [describe(entry) for entry in po.untranslated_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated}"


def test_no_entry_is_fuzzy(po):
    fuzzy = [describe(entry) for entry in po.fuzzy_entries()]
    assert not fuzzy, f"fuzzy entries (check the translation, then drop the flag): {fuzzy}"
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"


def test_plural_entries_have_all_four_ukrainian_forms(po):
    incomplete = [
        describe(entry)
        for entry in live_entries(po)
        if entry.msgid_plural
        and (sorted(entry.msgstr_plural) != [0, 1, 2, 3] or not all(entry.msgstr_plural.values()))
    ]
    assert not incomplete, incomplete


def test_plural_rule_is_djangos_own_for_ukrainian(po):
    # Django's catalogue and ours are merged at run time: the same rule keeps them in step.
    django_rule = polib.pofile(str(DJANGO_UK_PO)).metadata["Plural-Forms"]
    assert po.metadata["Plural-Forms"] == django_rule
    assert po.metadata["Language"] == "uk"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_translations_keep_every_placeholder(po):
    broken = []
    for entry in live_entries(po):
        if entry.msgid_plural:
            expected = sorted(PLACEHOLDER.findall(entry.msgid_plural))
            translations = entry.msgstr_plural.values()
        else:
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            translations = [entry.msgstr]
        for translation in translations:
            if sorted(PLACEHOLDER.findall(translation)) != expected:
                broken.append(f"{describe(entry)} → {translation!r}")
    assert not broken, broken


def test_compiled_catalogue_is_current():
    """The committed .mo holds exactly the .po's translations (compiled in memory to compare)."""
    assert MO_PATH.exists(), "run manage.py compile_translations"
    expected_entries, expected_rule = po_catalogue(polib.pofile(str(PO_PATH)))
    committed_entries, committed_rule = mo_catalogue(polib.mofile(str(MO_PATH)))
    missing = sorted(set(expected_entries) - set(committed_entries))
    extra = sorted(set(committed_entries) - set(expected_entries))
    changed = sorted(
        key
        for key in set(expected_entries) & set(committed_entries)
        if expected_entries[key] != committed_entries[key]
    )
    assert not (missing or extra or changed), (
        f"the .mo is out of date: run manage.py compile_translations "
        f"(missing {missing[:5]}, extra {extra[:5]}, changed {changed[:5]})"
    )
    assert committed_rule == expected_rule


def test_compile_translations_writes_the_mo_and_check_passes(settings, tmp_path):
    folder = tmp_path / "uk" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_bytes(PO_PATH.read_bytes())
    settings.LOCALE_PATHS = [tmp_path]

    with pytest.raises(CommandError, match="Out of date"):
        call_command("compile_translations", check=True, stdout=StringIO(), stderr=StringIO())
    call_command("compile_translations", stdout=StringIO(), stderr=StringIO())
    call_command("compile_translations", check=True, stdout=StringIO(), stderr=StringIO())

    assert (folder / "django.mo").read_bytes() == polib.pofile(str(PO_PATH)).to_binary()


def test_compile_translations_check_fails_after_the_po_changes(settings, tmp_path):
    folder = tmp_path / "uk" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.pofile(str(PO_PATH))
    po.save(str(folder / "django.po"))
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compile_translations", stdout=StringIO(), stderr=StringIO())

    entry = next(entry for entry in po if not entry.msgid_plural and entry.translated())
    entry.msgstr += " (змінено)"
    po.save(str(folder / "django.po"))

    with pytest.raises(CommandError, match="Out of date"):
        call_command("compile_translations", check=True, stdout=StringIO(), stderr=StringIO())
