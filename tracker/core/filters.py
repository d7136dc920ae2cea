"""The list toolkit: what every list shares, and how a new list is built from it.

A list is a FilterSet, a view and one template; tracker/monitoring's check list is the
shortest example.

1. Filters (this module): subclass `ListFilterSet`, with ``class Meta(ListFilterSet.Meta)``
   so the form is a `tracker.core.forms.FilterForm` (no "(optional)" on its labels). Text
   search goes through `contains_text`, yes/no questions `yes_no_filter`, dates
   `tracker.core.forms.DateInput`; an empty choice says `ALL` or `ANY`.
2. Sorting (`tracker.core.sorting`): the sortable columns are declared once, as the
   ``sort = SortFilter(...)`` filter (URL values, labels, orderings, default, tie-break).
3. The view::

       list_filter = CheckFilter(request.GET, queryset=..., request=request)
       context = {
           "filter": list_filter,
           "page": paginate(request, list_filter.qs),   # tracker.core.paging
           "headers": sort_headers(list_filter),        # tracker.core.sorting
       }
       return render_page_or_partial(request, "monitoring/check_list.html", context)

   `render_page_or_partial` (tracker.core.http) answers an htmx swap with the template's
   ``results`` partial and anything else (a plain request, a boosted link, a history
   restore) with the whole page, and sends ``Vary`` for the htmx headers.
4. The template: one container around the filter form and the results carries
   ``hx-target="#results" hx-swap="outerHTML" hx-push-url="true"`` once; inside it

   - the filter form is a plain GET form with ``hx-get`` (and ``hx-trigger``), its fields
     ``{% for field in filter.visible_fields %}{{ field.as_field_group }}{% endfor %}``;
   - ``{% partialdef results inline %}<div id="results">`` holds a hidden
     ``<input type="hidden" name="sort" value="{{ headers.sort_value }}" form="<form id>">``
     (so a new filter keeps the order), the table, whose sortable headers are
     ``{% include "partials/sort_header.html" with header=headers.<value> %}``, and
     ``{% include "partials/pagination.html" %}``.

   The header and page links say only ``href`` and ``hx-get``: they inherit the rest. An
   htmx form inside the results that must not change the address (the milestone rows'
   inline updates) sits under an element with ``hx-push-url="false"``.

   Inside the filter form, ``{% include "partials/workspace_field.html" %}`` carries the
   agreement (below) to every new filter, and ``{% workspace_url %}`` gives the "clear the
   filters" link.

Without JavaScript, the filter form is a plain GET form and every link a plain link; every
URL can be shared.

5. The agreement (tracker.core.workspace): a list shows one agreement's rows. The view is
   decorated with ``workspace_page``; the FilterSet reads the request's workspace and narrows
   its queryset, and the choices of its model choice filters whose model belongs to an
   agreement (the provision select), through `tracker.core.workspace.within`. Choices built
   by hand take `self.agreement`.
"""

import django_filters
from django.db import connection
from django.db.models import Q, QuerySet
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from tracker.core.forms import FilterForm
from tracker.core.sorting import SORT_PARAM, SortFilter
from tracker.core.workspace import agreement_lookup, scope_of, within

ALL = _("All")
ANY = _("Any")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


# `agreement` not given: the request's workspace decides.
_FROM_REQUEST = object()


class ListFilterSet(django_filters.FilterSet):
    """The FilterSet of a list: its form is a FilterForm, and a sort the URL asks for but the
    list does not know gives the list's default order, as no sort at all does.

    Rows and choices are narrowed to `agreement`: the request's workspace scope unless given
    (an Agreement, a short name, or None for no narrowing). `narrow_each_row` tests each row
    instead (see `tracker.core.workspace.within`), for a list whose page costs more per row
    than the test: it then reads its rows in order and stops at the page's end.
    """

    narrow_each_row = False

    class Meta:
        form = FilterForm

    def __init__(
        self, data=None, queryset=None, *, request=None, prefix=None, agreement=_FROM_REQUEST
    ):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.agreement = scope_of(request) if agreement is _FROM_REQUEST else agreement
        # Lists of what belongs to no agreement (people, organisations) are left whole.
        if agreement_lookup(self.queryset.model):
            self.queryset = within(self.queryset, self.agreement, each_row=self.narrow_each_row)
        for list_filter in self.filters.values():
            choices = getattr(list_filter, "queryset", None)
            if isinstance(choices, QuerySet) and agreement_lookup(choices.model):
                list_filter.queryset = within(choices, self.agreement)

    @property
    def visible_fields(self) -> list[BoundField]:
        """The fields the filter form shows: not the sort, which the column headers set."""
        return [field for field in self.form.visible_fields() if field.name != SORT_PARAM]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        sort = self.filters.get(SORT_PARAM)
        if isinstance(sort, SortFilter) and SORT_PARAM not in self.form.cleaned_data:
            queryset = sort.filter(queryset, None)
        return super().filter_queryset(queryset)


def yes_no_filter(label, method: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(label=label, choices=YES_NO, method=method, empty_label=ANY)


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
