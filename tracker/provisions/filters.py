"""The provision list's filters and column sorting."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tracker.core.collation import localized_order
from tracker.core.filters import ALL, contains_text
from tracker.core.models import Agreement, Category, Mineral, Provision, ResponsibleParty


class ProvisionOrdering(django_filters.OrderingFilter):
    """Sorting by a column; rows that tie keep the agreement's reference order.

    Titles sort by what the page shows (the active language, falling back to the other),
    in that language's alphabet where the database knows it.
    """

    def get_ordering_value(self, param: str):
        if param.lstrip("-") == "title":
            return localized_order("title", bilingual=True, descending=param.startswith("-"))
        return super().get_ordering_value(param)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        sorted_qs = super().filter(qs, value)
        if sorted_qs is qs:
            return qs
        return sorted_qs.order_by(*sorted_qs.query.order_by, "agreement", "reference")


class ProvisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    agreement = django_filters.ModelChoiceFilter(
        label=_("Agreement"), queryset=Agreement.objects.all(), empty_label=ALL
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=ALL
    )
    responsible_party = django_filters.ChoiceFilter(
        label=_("Responsible party"), choices=ResponsibleParty.choices, empty_label=ALL
    )
    mineral = django_filters.ModelChoiceFilter(
        label=_("Mineral"), field_name="minerals", queryset=Mineral.objects.all(), empty_label=ALL
    )
    # Sorted by the column headers, not by a form control (see provision_list.html).
    o = ProvisionOrdering(
        fields=(
            ("reference", "reference"),
            ("title", "title"),
            ("milestone_total", "milestones"),
            ("milestone_completed", "completed"),
            ("progress_percent", "progress"),
        )
    )

    class Meta:
        model = Provision
        fields = ["q", "agreement", "category", "responsible_party", "mineral"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The form field strips the text, and django-filter skips an empty one.
        return queryset.filter(
            contains_text(("reference", "title", "title_uk", "text", "text_uk"), value)
        )

    @property
    def visible_fields(self):
        """The form's fields shown as filters: everything but the sort order."""
        return [field for field in self.form if field.name != "o"]

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.Meta.fields)
