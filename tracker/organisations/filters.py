"""The directory's filters and sorting (tracker.core.filters explains the list toolkit)."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import Case, Choices, IntegerField, OrderBy, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from tracker.core.filters import ALL, ListFilterSet, contains_text
from tracker.core.models import Affiliation, Organisation
from tracker.core.sorting import SortFilter, shown_text


def by_label(field: str, choices: type[Choices]) -> Callable[[bool], OrderBy]:
    """A choice column sorted by the label the page shows, in the active language, rather
    than by its stored code ("agency" would come before "NGO" whatever it is called)."""

    def ordering(descending: bool) -> OrderBy:
        labels = sorted(choices.choices, key=lambda choice: str(choice[1]).casefold())
        rank = Case(
            *(When(**{field: code}, then=Value(index)) for index, (code, _l) in enumerate(labels)),
            output_field=IntegerField(),
        )
        return rank.desc() if descending else rank.asc()

    return ordering


class OrganisationFilter(ListFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.SearchInput(attrs={"placeholder": _("Name in English or Ukrainian")}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=ALL
    )
    party = django_filters.ChoiceFilter(
        label=_("Party"), field_name="affiliation", choices=Affiliation.choices, empty_label=ALL
    )
    sort = SortFilter(
        fields=(
            ("name", "name"),
            ("kind", "kind"),
            ("affiliation", "party"),
            ("milestone_count", "milestones"),
            ("people_count", "people"),
        ),
        field_labels={
            "name": _("Organisation"),
            "kind": _("Kind"),
            "affiliation": _("Party"),
            "milestone_count": _("Milestones led"),
            "people_count": _("People"),
        },
        orderings={
            "name": shown_text("name"),
            "kind": by_label("kind", Organisation.Kind),
            "party": by_label("affiliation", Affiliation),
        },
        default="name",
    )

    class Meta(ListFilterSet.Meta):
        model = Organisation
        fields: list[str] = []

    def search(self, queryset: QuerySet[Organisation], name: str, value: str):
        return queryset.filter(contains_text(("name", "name_uk"), value))
