"""Ids read from what a request sends: one parser, so a crafted value is never a 500.

A query parameter or form value that names a row is text the client chose. Python's
``str.isdigit`` is true for "²" and "①", which ``int()`` then refuses, and a number beyond
64 bits overflows the database driver (SQLite raises OverflowError; PostgreSQL refuses it).
Django bounds its own ``pk=`` lookups, not ``__in`` or lookups through a foreign key. So
every id taken from a request goes through `parse_id` (views), `IdFilter` (filters) or
`IdMultipleChoiceField` (forms): ASCII digits within the range of an id, or no id at all.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters.constants import EMPTY_VALUES

# Every table's key is a BigAutoField (settings.DEFAULT_AUTO_FIELD): a signed 64-bit integer
# on SQLite and PostgreSQL alike, and always positive.
MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int | None:
    """The id `value` spells in ASCII digits, within 1..MAX_ID; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdFilter(django_filters.Filter):
    """Rows whose `field_name` is the given id; a value that is no id matches no row.

    Its form field takes any text (a plain ``forms.Field``), so that every value that is no
    id, a null character included, gives the same empty list rather than the whole one.
    """

    field_class = forms.Field

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        pk = parse_id(value)
        if pk is None:
            return qs.none()
        return super().filter(qs, pk)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id; a value that is no id is refused as Django refuses an
    unknown one, before it reaches the database."""

    def clean(self, value: Any) -> Any:
        if self.to_field_name is None and isinstance(value, list | tuple):
            for item in value:
                if parse_id(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super().clean(value)
