"""Text sorting follows the active language on PostgreSQL, and stays plain on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import translation

from tracker.core.collation import localized_order
from tracker.core.models import Category, Provision, ResponsibleParty

ON_POSTGRESQL = connection.vendor == "postgresql"

# Ukrainian alphabet order puts Ґ after Г and Є, І, Ї after Е and И; code points put Є, І, Ї
# (U+0404–U+0407) before А (U+0410) and Ґ (U+0490) after Я.
UKRAINIAN_TITLES = ["Їжак", "Абрикос", "Ґанок", "Гора", "Іва", "Ель", "Єнот", "Яблуко"]
IN_UKRAINIAN_ORDER = ["Абрикос", "Гора", "Ґанок", "Ель", "Єнот", "Іва", "Їжак", "Яблуко"]


def make_provisions(agreement, titles_uk, titles=None):
    for number, title_uk in enumerate(titles_uk):
        Provision.objects.create(
            agreement=agreement,
            reference=f"P-{number:02}",
            title=titles[number] if titles else f"Provision {number}",
            title_uk=title_uk,
            category=Category.CAPACITY,
            responsible_party=ResponsibleParty.JOINT,
        )


def ordered(*, field="title", bilingual=False, descending=False) -> list[str]:
    provisions = Provision.objects.order_by(
        localized_order(field, bilingual=bilingual, descending=descending)
    )
    return [provision.display_title for provision in provisions]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="ICU collations exist only on PostgreSQL.")
def test_ukrainian_titles_sort_in_alphabet_order_on_postgresql(agreement):
    make_provisions(agreement, UKRAINIAN_TITLES)

    with translation.override("uk"):
        assert ordered(field="title_uk") == IN_UKRAINIAN_ORDER
        assert ordered(field="title_uk", descending=True) == IN_UKRAINIAN_ORDER[::-1]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="ICU collations exist only on PostgreSQL.")
def test_english_titles_sort_without_regard_to_case_on_postgresql(agreement):
    make_provisions(agreement, ["", "", ""], titles=["beta", "Alpha", "Gamma"])

    with translation.override("en"):
        assert ordered(bilingual=True) == ["Alpha", "beta", "Gamma"]


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite has no locale collation: plain order.")
def test_sqlite_falls_back_to_plain_order(agreement):
    make_provisions(agreement, UKRAINIAN_TITLES)

    with translation.override("uk"):
        assert ordered(field="title_uk") == sorted(UKRAINIAN_TITLES)


def test_bilingual_order_sorts_by_what_the_page_shows(agreement):
    # Two provisions have no Ukrainian title, so Ukrainian pages show (and sort by) their
    # English ones; without the fallback both would sort as "" in creation order.
    make_provisions(
        agreement, ["Буря", "", "", "Вишня"], titles=["Storm", "Beta", "Alpha", "Cherry"]
    )

    with translation.override("uk"):
        # ICU's Ukrainian order puts Cyrillic before Latin; code points put Latin first.
        expected = ["Буря", "Вишня", "Alpha", "Beta"]
        if not ON_POSTGRESQL:
            expected = ["Alpha", "Beta", "Буря", "Вишня"]
        assert ordered(bilingual=True) == expected
    with translation.override("en"):
        assert ordered(bilingual=True) == ["Alpha", "Beta", "Cherry", "Storm"]


def test_order_follows_the_language_active_when_the_query_is_built(agreement):
    make_provisions(agreement, ["Яр", "Арка"], titles=["Arch", "Ravine"])

    with translation.override("uk"):
        ukrainian = ordered(bilingual=True)
    with translation.override("en"):
        english = ordered(bilingual=True)

    assert ukrainian == ["Арка", "Яр"]
    assert english == ["Arch", "Ravine"]
