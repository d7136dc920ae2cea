"""The audit page's filters and sorting (tracker.core.filters explains the list toolkit)."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from tracker.audit.chain import audited_models
from tracker.audit.models import AuditEntry, ChangeType
from tracker.core.filters import ALL, ANY, ListFilterSet, contains_text
from tracker.core.forms import DateInput
from tracker.core.sorting import SortFilter


def model_choices() -> list[tuple[str, str]]:
    return sorted(
        (
            (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
            for model in audited_models()
        ),
        key=lambda choice: choice[1].casefold(),
    )


class AuditFilter(ListFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.SearchInput(attrs={"placeholder": _("Record, reason, values, user name")}),
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Who"),
        # Only people who changed something: the list stays short whatever the user count.
        queryset=get_user_model()
        .objects.filter(Exists(AuditEntry.objects.filter(actor=OuterRef("pk"))))
        .order_by("first_name", "last_name", "username"),
        empty_label=ANY,
    )
    model = django_filters.ChoiceFilter(
        label=_("Record type"), choices=model_choices, empty_label=ALL
    )
    object_id = django_filters.CharFilter(label=_("Record id"))
    change_type = django_filters.ChoiceFilter(
        label=_("Change"), choices=ChangeType.choices, empty_label=ANY
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), field_name="at", lookup_expr="date__lte", widget=DateInput
    )
    sort = SortFilter(
        fields=(("seq", "number"), ("at", "time"), ("model", "type")),
        field_labels={"seq": _("No."), "at": _("Time"), "model": _("Record type")},
        default="-number",
        tie_break=("-seq",),
    )

    class Meta(ListFilterSet.Meta):
        model = AuditEntry
        fields: list[str] = []

    def search(self, queryset: QuerySet[AuditEntry], name: str, value: str):
        return queryset.filter(
            contains_text(("object_repr", "reason", "changes", "actor_name"), value)
        )
