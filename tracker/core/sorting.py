"""Sortable column headers of the lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

SORT_PARAM = "sort"


@dataclass(frozen=True)
class SortHeader:
    key: str
    label: str
    query: str
    direction: str  # "ascending", "descending" or "" (for aria-sort)


def sort_headers(query: QueryDict, columns: dict[str, str]) -> dict[str, SortHeader]:
    """One link per sortable column: the first click sorts ascending, the next descending.

    The links keep every filter, drop the page (a new order starts on page one) and carry
    the sort in the URL, so they work without JavaScript and can be shared.
    """
    current = query.get(SORT_PARAM, "")
    headers = {}
    for key, label in columns.items():
        direction = {key: "ascending", f"-{key}": "descending"}.get(current, "")
        params = query.copy()
        params.pop("page", None)
        params[SORT_PARAM] = f"-{key}" if direction == "ascending" else key
        headers[key] = SortHeader(key, str(label), params.urlencode(), direction)
    return headers
