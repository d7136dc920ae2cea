"""Cheap building blocks for pages that print many rows.

Django's `reverse()` and `get_FOO_display()` do their work again on every call (the latter
hashes every lazy label of the field each time), and a table or list calls them for each
row. These give the same results, computed once.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.urls import get_script_prefix, reverse

_PLACEHOLDER = 987654321


@cache
def _url_parts(name: str, script_prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    return head, tail


def url_for_pk(name: str, pk: object) -> str:
    """`reverse(name, args=[pk])` for a URL whose only argument is a primary key: reversed
    once per name, then only the key changes."""
    head, tail = _url_parts(name, get_script_prefix())
    return f"{head}{pk}{tail}"


def labels(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Each choice's label in the active language, for one page's rows."""
    return {code: str(label) for code, label in choices}
