"""The issued reports list's filters."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import User
from tracker.core.filters import ALL, ANY, ListFilterSet
from tracker.core.forms import DateInput
from tracker.core.sorting import SortFilter
from tracker.reports.models import Edition, IssuedReport


class IssuedReportFilter(ListFilterSet):
    edition = django_filters.ChoiceFilter(
        label=_("Edition"), choices=Edition.choices, empty_label=ALL
    )
    issued_by = django_filters.ModelChoiceFilter(
        label=_("Issued by"),
        # Those who have issued a report, whatever their role today.
        queryset=User.objects.filter(
            Exists(IssuedReport.objects.filter(issued_by=OuterRef("pk")))
        ).order_by("first_name", "last_name", "username"),
        empty_label=ANY,
    )
    issued_from = django_filters.DateFilter(
        label=_("Issued from"), field_name="issued_at__date", lookup_expr="gte", widget=DateInput
    )
    issued_to = django_filters.DateFilter(
        label=_("Issued until"), field_name="issued_at__date", lookup_expr="lte", widget=DateInput
    )
    as_of_from = django_filters.DateFilter(
        label=_("As of, from"), field_name="as_of", lookup_expr="gte", widget=DateInput
    )
    as_of_to = django_filters.DateFilter(
        label=_("As of, until"), field_name="as_of", lookup_expr="lte", widget=DateInput
    )
    sort = SortFilter(
        fields=(
            ("issued_at", "issued_at"),
            ("number", "number"),
            ("as_of", "as_of"),
            ("edition", "edition"),
        ),
        field_labels={
            "issued_at": _("Issued at"),
            "number": _("Issue number"),
            "as_of": _("As of"),
            "edition": _("Edition"),
        },
        default="-issued_at",
        tie_break=("-id",),
    )

    class Meta(ListFilterSet.Meta):
        model = IssuedReport
        fields: list[str] = []
