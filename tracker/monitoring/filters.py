"""The checks list's filters."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import Role, User
from tracker.core.filters import ANY, ListFilterSet, yes_no_filter
from tracker.core.forms import DateInput
from tracker.core.models import Category, Provision, ResponsibleParty
from tracker.core.search import search_filter, search_rows, text_search
from tracker.core.sorting import SortFilter
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck, Result, Severity
from tracker.monitoring.queries import is_latest_of_criterion


class CheckFilter(ListFilterSet):
    # Each row of the list counts its corrective actions: read in date order, a page computes
    # fifty counts, where starting from the agreement's checks would compute them all.
    narrow_each_row = True

    q = search_filter(_("Finding, corrective action or provision"))
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Result.choices, empty_label=ANY)
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Severity.choices, empty_label=ANY
    )
    provision = django_filters.ModelChoiceFilter(
        label=_("Provision"),
        queryset=Provision.objects.order_by("agreement", "reference"),
        empty_label=ANY,
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        field_name="provision__category",
        choices=Category.choices,
        empty_label=ANY,
    )
    responsible_party = django_filters.ChoiceFilter(
        label=_("Responsible party"),
        field_name="provision__responsible_party",
        choices=ResponsibleParty.choices,
        empty_label=ANY,
    )
    monitor = django_filters.ModelChoiceFilter(
        label=_("Monitor"),
        # A monitor who later changed role still appears beside the checks they recorded.
        queryset=User.objects.filter(
            Q(role=Role.MONITOR) | Exists(MonitoringCheck.objects.filter(monitor=OuterRef("pk")))
        ).order_by("first_name", "last_name", "username"),
        empty_label=ANY,
    )
    checked_from = django_filters.DateFilter(
        label=_("Checked from"), field_name="checked_on", lookup_expr="gte", widget=DateInput
    )
    checked_to = django_filters.DateFilter(
        label=_("Checked until"), field_name="checked_on", lookup_expr="lte", widget=DateInput
    )
    open_actions = yes_no_filter(_("Open corrective actions"), "filter_open_actions")
    action_overdue = yes_no_filter(_("Corrective action overdue"), "filter_action_overdue")
    current = yes_no_filter(_("Latest per criterion"), "filter_current")
    sort = SortFilter(
        fields=(
            ("checked_on", "checked_on"),
            ("provision__reference", "provision"),
            ("criterion", "criterion"),
            ("result", "result"),
            ("severity", "severity"),
            ("open_actions", "open_actions"),
        ),
        field_labels={
            "checked_on": _("Checked on"),
            "provision__reference": _("Provision"),
            "criterion": _("Criterion"),
            "result": _("Result"),
            "severity": _("Severity"),
            "open_actions": _("Open actions"),
        },
        # Among equal values, the most recently recorded first, as in the unsorted list.
        tie_break=("-id",),
    )

    class Meta(ListFilterSet.Meta):
        model = MonitoringCheck
        fields: list[str] = []

    def search(self, queryset, name, value: str):
        # The check's own text, an action the reader may see, or its provision's reference
        # and title. The form field strips the text, and django-filter skips an empty one.
        user = self.request.user if self.request is not None else None
        actions = (
            CorrectiveAction.objects.visible_to(user)
            .filter(text_search(CorrectiveAction, value))
            .values("check_record_id")
        )
        provisions = Provision.objects.filter(text_search(Provision, value)).values("pk")
        return queryset.filter(
            search_rows(MonitoringCheck, value, pk=actions, provision=provisions)
        )

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
