import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.core.models import Agreement, Category, Mineral, Provision, ResponsibleParty


class ProvisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    agreement = django_filters.ModelChoiceFilter(
        label=_("Agreement"), queryset=Agreement.objects.all()
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    responsible_party = django_filters.ChoiceFilter(
        label=_("Responsible party"), choices=ResponsibleParty.choices
    )
    mineral = django_filters.ModelChoiceFilter(
        label=_("Mineral"), field_name="minerals", queryset=Mineral.objects.all()
    )

    class Meta:
        model = Provision
        fields = ["q", "agreement", "category", "responsible_party", "mineral"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(title_uk__icontains=value)
            | Q(text__icontains=value)
            | Q(text_uk__icontains=value)
        )
