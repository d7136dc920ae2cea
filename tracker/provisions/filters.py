"""The provision list's filters and column sorting."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tracker.core.filters import ALL, ListFilterSet
from tracker.core.models import Category, Mineral, Provision, ResponsibleParty
from tracker.core.search import search_filter, text_search
from tracker.core.sorting import SortFilter, shown_text


class ProvisionFilter(ListFilterSet):
    q = search_filter()
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
    sort = SortFilter(
        fields=(
            ("reference", "reference"),
            ("title", "title"),
            ("milestone_total", "milestones"),
            ("milestone_completed", "completed"),
            ("progress_percent", "progress"),
        ),
        field_labels={
            "reference": _("Reference"),
            "title": _("Title"),
            "milestone_total": _("Milestones"),
            "milestone_completed": _("Completed"),
            "progress_percent": _("Implementation"),
        },
        orderings={"title": shown_text("title")},
        # Rows that tie keep the agreement's reference order.
        tie_break=("agreement", "reference"),
    )

    class Meta(ListFilterSet.Meta):
        model = Provision
        fields = ["q", "category", "responsible_party", "mineral"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Reference, titles and texts in both languages. The form field strips the text, and
        # django-filter skips an empty one.
        return queryset.filter(text_search(Provision, value, "search_document_full"))

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.Meta.fields)
