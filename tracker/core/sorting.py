"""Sorting of the lists: one `sort` parameter, declared once per list, read by the headers.

A list declares its sortable columns once, as the `sort` filter of its FilterSet (a
`tracker.core.filters.ListFilterSet`)::

    sort = SortFilter(
        fields=(("title", "title"), ("due_date", "due")),   # (model field, URL value)
        field_labels={"title": _("Milestone"), "due_date": _("Due")},
        orderings={"title": shown_text("title")},           # sort by what the page shows
        default="due",
    )

`?sort=due` sorts ascending, `?sort=-due` descending; rows that tie keep a stable order
(`tie_break`, the id by default), so pages never overlap. The view passes
`sort_headers(filterset)` to the template as `headers`, and each sortable column header is
``{% include "partials/sort_header.html" with header=headers.due %}`` (``numeric=True``
right-aligns it). `headers.sort_value` is the sort the URL asked for, for the hidden ``sort``
input of the filter form, so a new filter keeps the order. `column_headers(FilterSetClass)`
gives the same headers without links, for the same table shown where it is not sorted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import django_filters
from django.db.models import OrderBy, QuerySet
from django.db.models.expressions import BaseExpression
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tracker.core.collation import localized_order

SORT_PARAM = "sort"

# How one column sorts, when a plain field name will not do: an expression (sorted .asc() or
# .desc()), or a function of `descending` that gives the order_by() term.
Ordering = BaseExpression | Callable[[bool], OrderBy]


def shown_text(field: str) -> Callable[[bool], OrderBy]:
    """Text sorted by what the page shows: the active language's column of a bilingual pair
    (`field`, `field_uk`), in that language's alphabet where the database knows it."""
    return lambda descending: localized_order(field, bilingual=True, descending=descending)


def _by_expression(expression: BaseExpression) -> Callable[[bool], OrderBy]:
    return lambda descending: expression.desc() if descending else expression.asc()


class SortFilter(django_filters.OrderingFilter):
    """django-filter's OrderingFilter, with orderings beyond field names, a default order and
    a stable tie-break.

    `orderings` maps a URL value to an `Ordering`; `default` (a URL value, "-" for
    descending) applies when the URL asks for no sort or an unknown one; `tie_break` fields
    are appended to every chosen order.
    """

    def __init__(
        self,
        *,
        fields,
        orderings: Mapping[str, Ordering] | None = None,
        default: str = "",
        tie_break: Iterable[str] = ("id",),
        **kwargs,
    ) -> None:
        kwargs.setdefault("label", _("Sort by"))
        super().__init__(fields=fields, **kwargs)
        # Functions only: FilterSet deep-copies its filters for every request, and copying
        # the expressions each time would cost more than the rest of the filter.
        self.orderings = {
            value: _by_expression(ordering) if isinstance(ordering, BaseExpression) else ordering
            for value, ordering in (orderings or {}).items()
        }
        self.default = default
        self.tie_break = tuple(tie_break)
        # URL value -> label of each column, in the declared order.
        self.columns = {
            value: label for value, label in self.extra["choices"] if not value.startswith("-")
        }

    def get_ordering_value(self, param: str):
        descending = param.startswith("-")
        ordering = self.orderings.get(param.removeprefix("-"))
        if ordering is None:
            return super().get_ordering_value(param)
        return ordering(descending)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        params = [param for param in value or () if param] or [self.default]
        ordering = [self.get_ordering_value(param) for param in params if param]
        if not ordering:
            return qs
        return qs.order_by(*ordering, *self.tie_break)


@dataclass(frozen=True)
class SortHeader:
    """A column header: its label, the link that sorts by it, and its state for aria-sort."""

    label: str
    url: str = ""  # empty when the table is shown without sorting
    aria_sort: str = ""  # "ascending", "descending" or ""

    @property
    def arrow(self) -> str:
        return {"ascending": "▲", "descending": "▼"}.get(self.aria_sort, "↕")


class SortHeaders(dict[str, SortHeader]):
    """The headers by URL value, and the sort the URL asked for (`sort_value`, empty for the
    default order)."""

    def __init__(self, headers: Mapping[str, SortHeader], sort_value: str = "") -> None:
        super().__init__(headers)
        self.sort_value = sort_value


def sort_headers(filterset: django_filters.FilterSet) -> SortHeaders:
    """One header per column of the filterset's `sort` filter.

    The first click on a column sorts it ascending, the next descending. The links keep
    every filter, drop the page (a new order starts on page one) and carry the sort in the
    URL, so they work without JavaScript and can be shared. The column the list is sorted by
    (the default when the URL asks for none, or for one it does not know) is marked for
    aria-sort.
    """
    sort: SortFilter = filterset.filters[SORT_PARAM]
    query = QueryDict(mutable=True)
    chosen: list[str] = []
    if filterset.is_bound:
        filterset.is_valid()  # cleans the form, if the list has not been filtered yet
        # An unknown sort is left out of cleaned_data, like any invalid filter value.
        chosen = [param for param in filterset.form.cleaned_data.get(SORT_PARAM) or () if param]
        query.update(filterset.data)
    current = (chosen or [sort.default])[0]
    key, descending = current.removeprefix("-"), current.startswith("-")
    query.pop("page", None)
    path = filterset.request.path if filterset.request is not None else ""
    headers = {}
    for value, label in sort.columns.items():
        state = ("descending" if descending else "ascending") if value == key else ""
        query[SORT_PARAM] = f"-{value}" if state == "ascending" else value
        headers[value] = SortHeader(label, f"{path}?{query.urlencode()}", state)
    return SortHeaders(headers, sort_value=",".join(chosen))


def column_headers(filterset_class: type[django_filters.FilterSet]) -> SortHeaders:
    """The same headers without links or state, for the table shown where it is not sorted."""
    sort: SortFilter = filterset_class.base_filters[SORT_PARAM]
    return SortHeaders({value: SortHeader(label) for value, label in sort.columns.items()})
