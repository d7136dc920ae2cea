"""Paging of the lists.

A view gives its template `page` (from `paginate` or `page_by_ids`), and the template shows
it with ``{% include "partials/pagination.html" %}`` (``previous_label``/``next_label`` rename
the two arrows, e.g. "Newer"/"Older" for a log). The links keep every filter and the sort.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a page number out of range gives the last page, not an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def page_by_ids(
    ordered: QuerySet,
    load_rows: Callable[[QuerySet], QuerySet],
    number: str | int | None,
    per_page: int,
    *,
    count: int | None = None,
) -> Page:
    """A page of `ordered`: sorted and sliced on ids alone, then its rows loaded by id.

    Sorting the whole filtered set on narrow id rows, and skipping ids rather than joined
    rows for a deep page, is several times cheaper than doing both on the full rows. `count`,
    when already known, spares the paginator its COUNT query.
    """
    paginator = Paginator(ordered.values_list("pk", flat=True), per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = load_rows(ordered.model._default_manager.all()).in_bulk(ids) if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


@dataclass(frozen=True)
class PageLink:
    """One numbered page: its link, or a gap (number None) between the numbers shown."""

    number: int | None
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class PageLinks:
    previous: str  # the previous page's link, empty on the first page
    next: str  # the next page's link, empty on the last page
    pages: list[PageLink]


def page_links(page: Page, request: HttpRequest) -> PageLinks:
    """The links of partials/pagination.html: the first and the last page, two either side
    of the current one, Previous and Next, each keeping the request's other parameters."""
    query = request.GET.copy()

    def link(number: int) -> str:
        query["page"] = str(number)
        return f"{request.path}?{query.urlencode()}"

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return PageLinks(
        previous=link(page.previous_page_number()) if page.has_previous() else "",
        next=link(page.next_page_number()) if page.has_next() else "",
        pages=[
            PageLink(number, link(number), number == page.number)
            if isinstance(number, int)
            else PageLink(None)  # the paginator's ELLIPSIS
            for number in numbers
        ],
    )
