"""The checks list's filters, and the sorting and paging both lists (checks, disputes) share."""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import Role, User
from tracker.core.models import Category, Provision, ResponsibleParty
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck, Result, Severity
from tracker.monitoring.queries import is_latest_of_criterion

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
SORT_PARAM = "sort"


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting by a column with repeated values still pages deterministically."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "-id")
        return qs


class DateInput(forms.DateInput):
    input_type = "date"


def _yes_no_filter(label, method: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=label, choices=YES_NO, method=method, empty_label=_("Any")
    )


class CheckFilter(django_filters.FilterSet):
    result = django_filters.ChoiceFilter(
        label=_("Result"), choices=Result.choices, empty_label=_("Any")
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=_("Any")
    )
    provision = django_filters.ModelChoiceFilter(
        label=_("Provision"),
        queryset=Provision.objects.order_by("agreement", "reference"),
        empty_label=_("Any"),
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        field_name="provision__category",
        choices=Category.choices,
        empty_label=_("Any"),
    )
    responsible_party = django_filters.ChoiceFilter(
        label=_("Responsible party"),
        field_name="provision__responsible_party",
        choices=ResponsibleParty.choices,
        empty_label=_("Any"),
    )
    monitor = django_filters.ModelChoiceFilter(
        label=_("Monitor"),
        # A monitor who later changed role still appears beside the checks they recorded.
        queryset=User.objects.filter(
            Q(role=Role.MONITOR) | Exists(MonitoringCheck.objects.filter(monitor=OuterRef("pk")))
        ).order_by("first_name", "last_name", "username"),
        empty_label=_("Any"),
    )
    checked_from = django_filters.DateFilter(
        label=_("Checked from"), field_name="checked_on", lookup_expr="gte", widget=DateInput
    )
    checked_to = django_filters.DateFilter(
        label=_("Checked until"), field_name="checked_on", lookup_expr="lte", widget=DateInput
    )
    open_actions = _yes_no_filter(_("Open corrective actions"), "filter_open_actions")
    action_overdue = _yes_no_filter(_("Corrective action overdue"), "filter_action_overdue")
    current = _yes_no_filter(_("Latest per criterion"), "filter_current")
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("checked_on", "checked_on"),
            ("provision__reference", "provision"),
            ("criterion", "criterion"),
            ("result", "result"),
            ("severity", "severity"),
            ("open_actions", "open_actions"),
        ),
    )

    class Meta:
        model = MonitoringCheck
        fields: list[str] = []

    def _with_actions(self, queryset, value: str, actions):
        exists = Exists(actions.filter(check_record=OuterRef("pk")))
        return queryset.filter(exists if value == "yes" else ~exists)

    def filter_open_actions(self, queryset, name, value):
        return self._with_actions(
            queryset, value, CorrectiveAction.objects.filter(state=CorrectiveAction.State.OPEN)
        )

    def filter_action_overdue(self, queryset, name, value):
        overdue = CorrectiveAction.objects.filter(
            state=CorrectiveAction.State.OPEN, due_date__lt=timezone.localdate()
        )
        return self._with_actions(queryset, value, overdue)

    def filter_current(self, queryset, name, value):
        latest = is_latest_of_criterion()
        return queryset.filter(latest) if value == "yes" else queryset.exclude(latest)


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


PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a page number out of range gives the last page, not an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
