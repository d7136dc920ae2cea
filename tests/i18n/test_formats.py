"""Dates and numbers in the active language's format."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, timezone, translation

APRIL_30 = datetime.date(2025, 4, 30)
UKRAINIAN_MONTHS = [
    "січ.",
    "лют.",
    "бер.",
    "квіт.",
    "трав.",
    "черв.",
    "лип.",
    "серп.",
    "вер.",
    "жовт.",
    "лист.",
    "груд.",
]


@pytest.fixture(autouse=True)
def tracker_formats():
    """The project's format modules, also where settings do not name them yet."""
    original = getattr(settings, "FORMAT_MODULE_PATH", None)
    settings.FORMAT_MODULE_PATH = ["tracker.formats"]
    formats.reset_format_cache()
    yield
    settings.FORMAT_MODULE_PATH = original
    formats.reset_format_cache()


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


def test_settings_use_the_tracker_formats():
    # The fixture above sets it for the other tests; the settings module must say it too.
    import tracker.settings

    assert getattr(tracker.settings, "FORMAT_MODULE_PATH", None) == ["tracker.formats"]


@pytest.mark.parametrize(("language", "expected"), [("en", "30 Apr 2025"), ("uk", "30 квіт. 2025")])
def test_date_shows_day_abbreviated_month_and_year(language, expected):
    with translation.override(language):
        assert formats.date_format(APRIL_30) == expected


def test_every_ukrainian_month_has_its_standard_abbreviation():
    with translation.override("uk"):
        shown = [formats.date_format(datetime.date(2025, month, 1)) for month in range(1, 13)]
    assert shown == [f"1 {month} 2025" for month in UKRAINIAN_MONTHS]


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "3 May 2025, 14:05"), ("uk", "3 трав. 2025, 14:05")]
)
def test_date_and_time(language, expected):
    moment = timezone.make_aware(datetime.datetime(2025, 5, 3, 14, 5))
    with translation.override(language):
        assert formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", '<time datetime="2025-04-30">30 Apr 2025</time>'),
        ("uk", '<time datetime="2025-04-30">30 квіт. 2025</time>'),
    ],
)
def test_display_date_tag_follows_the_language(language, expected):
    assert render("{% load tracker %}{% display_date day %}", language, day=APRIL_30) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "12,345.5 · 1,234,567"), ("uk", "12 345,5 · 1 234 567")]
)
def test_numbers_use_the_languages_separators(language, expected):
    shown = render(
        "{% load humanize %}{{ share|floatformat:'1g' }} · {{ count|intcomma }}",
        language,
        share=12345.5,
        count=1234567,
    )
    assert shown.replace("\xa0", " ") == expected


def test_percentages_show_a_decimal_comma_in_ukrainian():
    assert render("{{ value|floatformat:1 }}", "uk", value=62.5) == "62,5"
    assert render("{{ value|floatformat:1 }}", "en", value=62.5) == "62.5"
