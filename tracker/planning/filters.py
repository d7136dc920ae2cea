"""The planning lists' filters and sortable columns (the list toolkit, tracker/core/filters.py):
agreements, an agreement's provisions, a provision's milestones."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from tracker.core.filters import ALL, ListFilterSet, contains_text
from tracker.core.models import Agreement, Category, Provision, ResponsibleParty
from tracker.core.sorting import SortFilter, shown_text
from tracker.milestones.models import Milestone, Status


class AgreementFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", widget=forms.SearchInput)
    sort = SortFilter(
        fields=(
            ("title", "title"),
            ("short_name", "short_name"),
            ("signed_on", "signed_on"),
            ("provision_count", "provisions"),
        ),
        field_labels={
            "title": _("Agreement"),
            "short_name": _("Short name"),
            "signed_on": _("Signed on"),
            "provision_count": _("Provisions"),
        },
        orderings={"title": shown_text("title")},
        default="-signed_on",
    )

    class Meta(ListFilterSet.Meta):
        model = Agreement
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(contains_text(("title", "title_uk", "short_name", "place"), value))


class PlanProvisionFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", widget=forms.SearchInput)
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=ALL
    )
    responsible_party = django_filters.ChoiceFilter(
        label=_("Responsible party"), choices=ResponsibleParty.choices, empty_label=ALL
    )
    sort = SortFilter(
        fields=(
            ("reference", "reference"),
            ("title", "title"),
            ("milestone_total", "milestones"),
        ),
        field_labels={
            "reference": _("Reference"),
            "title": _("Title"),
            "milestone_total": _("Milestones"),
        },
        orderings={"title": shown_text("title")},
        default="reference",
    )

    class Meta(ListFilterSet.Meta):
        model = Provision
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            contains_text(("reference", "title", "title_uk", "text", "text_uk"), value)
        )


class PlanMilestoneFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", widget=forms.SearchInput)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=ALL)
    responsible_party = django_filters.ChoiceFilter(
        label=_("Responsible party"), choices=ResponsibleParty.choices, empty_label=ALL
    )
    replanned = django_filters.BooleanFilter(
        label=_("Re-planned only"), method="filter_replanned", widget=forms.CheckboxInput
    )
    sort = SortFilter(
        fields=(
            ("title", "title"),
            ("responsible_party", "party"),
            ("baseline_due", "baseline"),
            ("due_date", "due"),
            ("status", "status"),
        ),
        field_labels={
            "title": _("Milestone"),
            "responsible_party": _("Party"),
            "baseline_due": _("Baseline due"),
            "due_date": _("Due"),
            "status": _("Status"),
        },
        orderings={"title": shown_text("title")},
        default="due",
    )

    class Meta(ListFilterSet.Meta):
        model = Milestone
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            contains_text(("title", "title_uk", "description", "description_uk"), value)
        )

    def filter_replanned(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.exclude(due_date=F("baseline_due")) if value else queryset
