"""The disputes list's filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from tracker.core.filters import ANY, YES_NO, ListFilterSet
from tracker.core.models import Party, Provision
from tracker.core.search import search_filter, search_rows, text_search
from tracker.core.sorting import SortFilter
from tracker.disputes.models import (
    CLOSED_DISPUTE_STATUSES,
    Dispute,
    DisputeEvent,
    DisputeStatus,
)
from tracker.disputes.queries import response_overdue_q


class DisputeFilter(ListFilterSet):
    q = search_filter(_("Title, description, positions or comments"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", _("Open (not resolved or withdrawn)")), *DisputeStatus.choices],
        method="filter_status",
        empty_label=ANY,
    )
    raised_by_party = django_filters.ChoiceFilter(
        label=_("Raised by"), choices=Party.choices, empty_label=ANY
    )
    provision = django_filters.ModelChoiceFilter(
        label=_("Provision"),
        field_name="provisions",
        queryset=Provision.objects.order_by("agreement", "reference"),
        empty_label=ANY,
    )
    response_overdue = django_filters.ChoiceFilter(
        label=_("Response overdue"), choices=YES_NO, method="filter_overdue", empty_label=ANY
    )
    sort = SortFilter(
        fields=(
            ("title", "title"),
            ("raised_by_party", "raised_by"),
            ("raised_on", "raised_on"),
            ("response_due", "response_due"),
            ("status", "status"),
        ),
        field_labels={
            "title": _("Title"),
            "raised_by_party": _("Raised by"),
            "raised_on": _("Raised on"),
            "response_due": _("Response due"),
            "status": _("Status"),
        },
        # Among equal values, the most recently raised first, as in the unsorted list.
        tie_break=("-id",),
    )

    class Meta(ListFilterSet.Meta):
        model = Dispute
        fields: list[str] = []

    def search(self, queryset, name, value: str):
        # The dispute's own text or its timeline's (comments, positions, notes of status
        # changes), which is visible with the dispute. The form field strips the text.
        events = DisputeEvent.objects.filter(text_search(DisputeEvent, value)).values("dispute_id")
        return queryset.filter(search_rows(Dispute, value, pk=events))

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.exclude(status__in=CLOSED_DISPUTE_STATUSES)
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        overdue = response_overdue_q()
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)
