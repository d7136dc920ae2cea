"""The people list's filters."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import Role, User
from tracker.accounts.queries import Status
from tracker.core.collation import localized_order
from tracker.core.filters import ANY, ListFilterSet, contains_text, yes_no_filter
from tracker.core.models import Affiliation, Organisation
from tracker.core.sorting import SortFilter

STATUS_CHOICES = [
    (Status.ACTIVE, _("Active")),
    (Status.INVITED, _("Invited, no password yet")),
    (Status.DEACTIVATED, _("Deactivated")),
]


def by_name(descending: bool):
    # What the list shows first is the full name; people without one show their username.
    return localized_order("first_name", descending=descending)


class PersonFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Name, username or email"), method="filter_text")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, empty_label=ANY)
    party = django_filters.ChoiceFilter(
        label=_("Party"), choices=Affiliation.choices, empty_label=ANY
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=ANY
    )
    two_factor = yes_no_filter(_("Two-factor sign-in"), "filter_two_factor")
    sort = SortFilter(
        fields=(
            ("first_name", "name"),
            ("username", "username"),
            ("role", "role"),
            ("party", "party"),
            ("last_login", "last_login"),
        ),
        field_labels={
            "first_name": _("Name"),
            "username": _("Username"),
            "role": _("Role"),
            "party": _("Party"),
            "last_login": _("Last log-in"),
        },
        orderings={"name": by_name},
        default="name",
        tie_break=("last_name", "username", "id"),
    )

    class Meta(ListFilterSet.Meta):
        model = User
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            contains_text(("first_name", "last_name", "username", "email"), value)
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value)

    def filter_two_factor(self, queryset, name, value):
        return queryset.filter(has_two_factor=value == "yes")
