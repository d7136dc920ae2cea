"""Counts take plural forms: "1 open dispute", "2 open disputes"; in Ukrainian the four forms
of the catalogue's Plural-Forms (Django's own: one, few, many, fractions).

- The templates are scanned for a `{{ … }}` followed by a plural English noun outside a
  `{% blocktranslate count %}`, so a new counter written as "{{ n }} milestones" fails here.
- Every plural entry of the catalogue is rendered with 1, 2, 5 and 21 in Ukrainian and with
  1 and 2 in English: each counter of every page, e-mail and message goes through one of
  them, so a missing or copied form shows here.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext, npgettext

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
CATALOGUE = Path(settings.BASE_DIR) / "tracker/locale/uk/LC_MESSAGES/django.po"

COMMENT = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
COUNTED_BLOCK = re.compile(
    r"{%\s*blocktrans(?:late)?\b[^%]*\bcount\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S
)
VARIABLE = re.compile(r"{{(.*?)}}", re.S)
# What may stand between the number and its noun: closing tags, spaces, a translate tag's
# opening (the noun then being its text).
BETWEEN = re.compile(r"""(?:\s|&nbsp;|</\w+>|{%\s*translate\s*["'])*""")
# The first two words after it.
NEXT_WORDS = re.compile(r"([A-Za-z][A-Za-z-]*)(?:[ ]+([A-Za-z][A-Za-z-]*))?")
# Words ending in "s" that are not plural nouns (verbs, function words, singular nouns).
NOT_PLURAL = {
    "is",
    "was",
    "has",
    "does",
    "this",
    "its",
    "his",
    "as",
    "us",
    "yes",
    "across",
    "always",
    "less",
    "unless",
    "concurs",
    "invites",
    "status",
    "process",
    "access",
    "address",
    "progress",
    "bytes",
}
PLURAL_NOUNS = {"people", "children", "data"}


def looks_plural(word: str) -> bool:
    word = word.lower()
    return word in PLURAL_NOUNS or (word.endswith("s") and len(word) > 3 and word not in NOT_PLURAL)


def counts_without_plural_forms(template: str) -> list[str]:
    """Each `{{ … }}` directly followed by a plural English noun (or an adjective and one,
    "open disputes"), outside a counted block."""
    text = COUNTED_BLOCK.sub("", COMMENT.sub("", template))
    found = []
    for match in VARIABLE.finditer(text):
        rest = text[match.end() : match.end() + 200]
        rest = rest[BETWEEN.match(rest).end() :]
        words = NEXT_WORDS.match(rest)
        if not words:
            continue
        noun = next((word for word in words.groups() if word and looks_plural(word)), None)
        if noun:
            found.append(f"{{{{{match.group(1)}}}}} {noun}")
    return found


def test_the_scan_finds_a_count_written_without_plural_forms():
    assert counts_without_plural_forms("<p>{{ total }} milestones</p>") == [
        "{{ total }} milestones"
    ]
    assert counts_without_plural_forms(
        '<span class="figure">{{ n }}</span> {% translate "disputes" %}'
    ) == ["{{ n }} disputes"]
    assert counts_without_plural_forms(
        "{% blocktranslate with n=x %}{{ n }} days left{% endblocktranslate %}"
    ) == ["{{ n }} days"]
    assert (
        counts_without_plural_forms(
            "{% blocktranslate count counter=n %}{{ counter }} day{% plural %}{{ counter }} days"
            "{% endblocktranslate %}"
        )
        == []
    )
    assert counts_without_plural_forms("{{ n }} open disputes") == ["{{ n }} disputes"]
    assert counts_without_plural_forms("{{ party }} concurs · {{ who }} was here") == []


@pytest.mark.parametrize(
    "path",
    sorted(TEMPLATES_DIR.rglob("*.html")) + sorted(TEMPLATES_DIR.rglob("*.txt")),
    ids=lambda path: str(path.relative_to(TEMPLATES_DIR)),
)
def test_no_template_shows_a_count_without_plural_forms(path):
    assert counts_without_plural_forms(path.read_text(encoding="utf-8")) == []


# --- the catalogue: every plural entry in both languages ---------------------------------------


def plural_entries() -> list[polib.POEntry]:
    return [
        entry for entry in polib.pofile(str(CATALOGUE)) if entry.msgid_plural and not entry.obsolete
    ]


def render(entry: polib.POEntry, number: int) -> str:
    singular, plural = entry.msgid, entry.msgid_plural
    if entry.msgctxt:
        text = npgettext(entry.msgctxt, singular, plural, number)
    else:
        text = ngettext(singular, plural, number)
    return fill(text, number)


def test_the_catalogue_uses_djangos_ukrainian_plural_forms():
    header = polib.pofile(str(CATALOGUE)).metadata["Plural-Forms"]
    django_po = Path(django.__file__).parent / "conf/locale/uk/LC_MESSAGES/django.po"
    assert header == polib.pofile(str(django_po)).metadata["Plural-Forms"]
    assert header.startswith("nplurals=4;")


def fill(text: str, number: int) -> str:
    names = set(re.findall(r"%\((\w+)\)", text))
    return text % dict.fromkeys(names, number) if names else text


@pytest.mark.parametrize("entry", plural_entries(), ids=lambda entry: entry.msgid[:60])
def test_each_counter_in_ukrainian_with_1_2_5_and_21(entry):
    forms = entry.msgstr_plural
    assert len(forms) == 4 and all(forms.values()), "all four Ukrainian forms are filled in"
    assert forms[0] != forms[2], "one and many are different words in Ukrainian"
    with translation.override("uk"):
        # one: 1 and 21; few: 2; many: 5 (and 11).
        for number, form in ((1, 0), (2, 1), (5, 2), (21, 0), (11, 2)):
            text = render(entry, number)
            assert text == fill(forms[form], number)
            assert re.search(r"[А-Яа-яІіЇїЄєҐґ]", text), "translated"


@pytest.mark.parametrize("entry", plural_entries(), ids=lambda entry: entry.msgid[:60])
def test_each_counter_in_english_with_1_and_2(entry):
    with translation.override("en"):
        one, two = render(entry, 1), render(entry, 2)
    assert (one, two) == (fill(entry.msgid, 1), fill(entry.msgid_plural, 2))
