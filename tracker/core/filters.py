"""What every list's filters share: the "All"/"Any" labels, yes/no choices, text search that
ignores case in both languages, a date input, and sorting that pages deterministically."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ALL = _("All")
ANY = _("Any")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates (YYYY-MM-DD) whatever the
    language, so the value is always rendered in that format."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def yes_no_filter(label, method: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(label=label, choices=YES_NO, method=method, empty_label=ANY)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting by a column with repeated values still pages deterministically."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "-id")
        return qs


def search_variants(value: str) -> set[str]:
    """Spellings to match case-insensitively where the database cannot for Cyrillic.

    SQLite's LIKE folds only ASCII letters, so "статут" would miss "Статут фонду"; trying the
    common capitalisations covers what people type. PostgreSQL folds every script itself.
    """
    if connection.vendor == "postgresql":
        return {value}
    return {value, value.lower(), value.upper(), value.capitalize(), value.title()}


def contains_text(fields: tuple[str, ...], value: str) -> Q:
    """Rows where any of these fields contains the text, ignoring case in either language."""
    matches = Q()
    for variant in search_variants(value):
        for field in fields:
            matches |= Q(**{f"{field}__icontains": variant})
    return matches
