"""The filters of the inbox and of the e-mail deliveries (tracker.core.filters' toolkit)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tracker.core.filters import ALL, ListFilterSet, yes_no_filter
from tracker.core.sorting import SortFilter
from tracker.notifications.models import Kind, Notification, OutgoingEmail


class NotificationFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=ALL)
    unread = yes_no_filter(_("Unread"), "filter_unread")
    sort = SortFilter(
        fields=(("created_at", "created"), ("kind", "kind")),
        field_labels={"created_at": _("When"), "kind": _("Kind")},
        default="-created",
        tie_break=("-id",),
    )

    class Meta(ListFilterSet.Meta):
        model = Notification
        fields: list[str] = []

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "yes")


class DeliveryFilter(ListFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=OutgoingEmail.State.choices, empty_label=ALL
    )
    sort = SortFilter(
        fields=(("created_at", "created"), ("state", "state"), ("attempts", "attempts")),
        field_labels={"created_at": _("Written"), "state": _("State"), "attempts": _("Attempts")},
        default="-created",
        tie_break=("-id",),
    )

    class Meta(ListFilterSet.Meta):
        model = OutgoingEmail
        fields: list[str] = []
