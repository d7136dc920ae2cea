"""Filters and sorting of the milestone list and the activity log."""

from __future__ import annotations

import datetime
import functools

import django_filters
from django import forms
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import User
from tracker.core.filters import ALL, ListFilterSet
from tracker.core.forms import DateInput
from tracker.core.ids import IdFilter
from tracker.core.models import (
    Category,
    Mineral,
    Organisation,
    Provision,
    ResponsibleParty,
    localized_sql,
)
from tracker.core.search import search_filter, search_rows, text_search
from tracker.core.sorting import SortFilter, shown_text
from tracker.core.workspace import current, within
from tracker.milestones.models import Milestone, ProgressUpdate, Schedule, Status

SCHEDULE_FILTERS = {
    Schedule.OVERDUE: "overdue",
    Schedule.DUE_SOON: "due_soon",
    Schedule.ON_TRACK: "on_track",
}


class FlatSelect(forms.Select):
    """A select of flat choices whose template draws every option in one loop.

    Django's select template includes a template for each option, after building a dict of
    attributes for each; the list's filter form has about 140 options (docs/performance.md).
    The widget's template lives in this app's templates folder, where the form renderer looks.
    """

    template_name = "milestones/widgets/flat_select.html"

    def get_context(self, name, value, attrs):
        # Widget's context without ChoiceWidget's optgroups: flat choices need only each
        # option's value, label and whether it is selected.
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = set(context["widget"]["value"])
        context["widget"]["options"] = [
            (str(code), label, str(code) in selected) for code, label in self.choices
        ]
        return context


def _text(value: str = "") -> Value:
    return Value(value, output_field=CharField())


def _number(value: int = 0) -> Value:
    return Value(value, output_field=BigIntegerField())


def reference_choices(agreement=None) -> dict[str, list[tuple[int, str]]]:
    """The provision, mineral and organisation options of the filter form, in one query.

    Three small reference tables read with one UNION ALL instead of one query each (and no
    extra query to validate a chosen value), so the list keeps a fixed, small query count.
    Labels are built here in the active language. The provisions are those of `agreement`
    (tracker.core.workspace.within); minerals and organisations serve every agreement.
    """
    columns = ("source", "pk", "sort", "code", "label")
    provisions = (
        within(Provision.objects.all(), agreement)
        .annotate(
            source=_text("provision"),
            sort=F("agreement_id"),
            code=F("reference"),
            label=localized_sql("title"),
        )
        .values_list(*columns)
    )
    minerals = Mineral.objects.annotate(
        source=_text("mineral"),
        sort=_number(),
        code=_text(),
        label=localized_sql("name"),
    ).values_list(*columns)
    organisations = Organisation.objects.annotate(
        source=_text("organisation"),
        sort=_number(),
        code=_text(),
        label=localized_sql("name"),
    ).values_list(*columns)
    # No ORDER BY anywhere (the union would inherit Provision's default): sorted below.
    rows = (
        provisions.order_by()
        .union(minerals.order_by(), organisations.order_by(), all=True)
        .order_by()
    )
    choices: dict[str, list[tuple[tuple, int, str]]] = {
        "provision": [],
        "mineral": [],
        "organisation": [],
    }
    for kind, pk, sort, code, shown in rows:
        text = f"{code} {shown}" if code else shown
        choices[kind].append(((sort, code, shown.casefold()), pk, text))
    return {
        kind: [(pk, text) for _key, pk, text in sorted(options)]
        for kind, options in choices.items()
    }


def activity_choices(agreement=None, *, with_agreement: bool = False) -> dict[str, list]:
    """The person and provision options of the activity log's filters, in one query.

    As `reference_choices`: one UNION ALL of two small tables, sorted here. The provisions are
    those of `agreement` (every one for None); `with_agreement` puts each one's agreement
    before it, for a log that mixes agreements (their references repeat). The people are
    everyone with a role, named as `User.__str__` names them.
    """
    columns = ("source", "pk", "sort", "first", "second", "third")
    provisions = (
        within(Provision.objects.all(), agreement)
        .annotate(
            source=_text("provision"),
            sort=F("agreement_id"),
            first=F("agreement__short_name") if with_agreement else _text(),
            second=F("reference"),
            third=localized_sql("title"),
        )
        .values_list(*columns)
    )
    people = (
        User.objects.exclude(role="")
        .annotate(
            source=_text("person"),
            sort=_number(),
            first=F("first_name"),
            second=F("last_name"),
            third=F("username"),
        )
        .values_list(*columns)
    )
    # No ORDER BY anywhere (the union would inherit Provision's default): sorted below.
    rows = provisions.order_by().union(people.order_by(), all=True).order_by()
    found: dict[str, list[tuple[tuple, int, str]]] = {"provision": [], "person": []}
    for kind, pk, sort, first, second, third in rows:
        if kind == "provision":
            text = f"{first} · {second} {third}" if first else f"{second} {third}"
            found[kind].append(((sort, second, third.casefold()), pk, text))
        else:
            name = f"{first} {second}".strip() or third
            found[kind].append(((first.casefold(), second.casefold(), third), pk, name))
    return {
        kind: [(pk, text) for _key, pk, text in sorted(options)] for kind, options in found.items()
    }


# The status column sorts in workflow order, not by the codes' alphabet.
_STATUS_ORDER = Case(
    *(When(status=code, then=Value(index)) for index, code in enumerate(Status.values)),
    output_field=IntegerField(),
)

SELECT_FILTERS = (
    "status",
    "schedule",
    "responsible_party",
    "provision",
    "category",
    "mineral",
    "lead_organisation",
)


class MilestoneFilter(ListFilterSet):
    q = search_filter(_("Title or description"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=ALL)
    schedule = django_filters.ChoiceFilter(
        label=_("Schedule"),
        choices=[(code, label) for code, label in Schedule.choices if code in SCHEDULE_FILTERS],
        method="filter_schedule",
        empty_label=ALL,
    )
    responsible_party = django_filters.ChoiceFilter(
        label=_("Responsible party"), choices=ResponsibleParty.choices, empty_label=ALL
    )
    # Options come from reference_choices() in __init__ (one query for all three).
    provision = django_filters.ChoiceFilter(label=_("Provision"), choices=(), empty_label=ALL)
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        field_name="provision__category",
        choices=Category.choices,
        empty_label=ALL,
    )
    mineral = django_filters.ChoiceFilter(
        label=_("Mineral"),
        field_name="provision__minerals",
        choices=(),
        empty_label=ALL,
    )
    lead_organisation = django_filters.ChoiceFilter(
        label=_("Lead organisation"), choices=(), empty_label=ALL
    )
    due_after = django_filters.DateFilter(
        label=_("Due on or after"), field_name="due_date", lookup_expr="gte", widget=DateInput
    )
    due_before = django_filters.DateFilter(
        label=_("Due on or before"), field_name="due_date", lookup_expr="lte", widget=DateInput
    )
    awaiting = django_filters.BooleanFilter(
        label=_("Awaiting verification only"),
        method="filter_awaiting",
        widget=forms.CheckboxInput,
    )
    # Text sorts by what the page shows, in the active language's alphabet where possible.
    sort = SortFilter(
        fields=(
            ("title", "title"),
            ("responsible_party", "party"),
            ("lead_organisation__name", "lead"),
            ("due_date", "due"),
            ("status", "status"),
            ("percent_complete", "percent"),
        ),
        field_labels={
            "title": _("Milestone"),
            "responsible_party": _("Party"),
            "lead_organisation__name": _("Lead organisation"),
            "due_date": _("Due"),
            "status": _("Status"),
            "percent_complete": _("Progress"),
        },
        orderings={
            "title": shown_text("title"),
            "lead": shown_text("lead_organisation__name"),
            "status": _STATUS_ORDER,
        },
        default="due",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Callable choices are read only when the form is rendered or one of these filters
        # has a value to validate, so an inline update's counters skip the query.
        choices = functools.cache(functools.partial(reference_choices, self.agreement))
        self.filters["provision"].extra["choices"] = lambda: choices()["provision"]
        self.filters["mineral"].extra["choices"] = lambda: choices()["mineral"]
        self.filters["lead_organisation"].extra["choices"] = lambda: choices()["organisation"]
        for name in SELECT_FILTERS:
            self.filters[name].extra["widget"] = FlatSelect

    class Meta(ListFilterSet.Meta):
        model = Milestone
        fields: list[str] = []

    def search(self, queryset: QuerySet[Milestone], name: str, value: str):
        # Titles and descriptions in both languages. The form field strips the text, and
        # django-filter skips an empty one.
        return queryset.filter(text_search(Milestone, value, "search_document_full"))

    def filter_schedule(self, queryset: QuerySet[Milestone], name: str, value: str):
        return getattr(queryset, SCHEDULE_FILTERS[value])()

    def filter_awaiting(self, queryset: QuerySet[Milestone], name: str, value: bool | None):
        return queryset.awaiting_verification() if value else queryset


class ActivityFilter(ListFilterSet):
    q = search_filter(_("Note or milestone"))
    party = django_filters.ChoiceFilter(
        label=_("Responsible party"),
        field_name="milestone__responsible_party",
        choices=ResponsibleParty.choices,
        empty_label=ALL,
    )
    # Options are filled in __init__ (one query for both), with no query to validate a choice.
    author = django_filters.ChoiceFilter(label=_("Person"), choices=(), empty_label=ALL)
    provision = django_filters.ChoiceFilter(
        label=_("Provision"), field_name="milestone__provision", choices=(), empty_label=ALL
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=ProgressUpdate.Kind.choices, empty_label=ALL
    )
    since = django_filters.DateFilter(label=_("From"), method="filter_since", widget=DateInput)
    until = django_filters.DateFilter(label=_("To"), method="filter_until", widget=DateInput)
    # Reached from a milestone page's "whole log" link; not one of the visible filters.
    milestone = IdFilter(field_name="milestone_id", widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        workspace = current(self.request) if self.request is not None else None
        mixed = workspace is not None and workspace.everything and workspace.several
        choices = activity_choices(self.agreement, with_agreement=mixed)
        self.filters["author"].extra["choices"] = choices["person"]
        self.filters["provision"].extra["choices"] = choices["provision"]

    class Meta(ListFilterSet.Meta):
        model = ProgressUpdate
        fields: list[str] = []

    def search(self, queryset, name, value: str):
        # The entry's note or its milestone's title. The form field strips the text.
        milestones = Milestone.objects.filter(text_search(Milestone, value)).values("pk")
        return queryset.filter(search_rows(ProgressUpdate, value, milestone=milestones))

    @staticmethod
    def _start_of(day: datetime.date) -> datetime.datetime:
        # Whole days in the local time zone, as bounds on the indexed column.
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def filter_since(self, queryset, name, value: datetime.date):
        return queryset.filter(created_at__gte=self._start_of(value))

    def filter_until(self, queryset, name, value: datetime.date):
        return queryset.filter(created_at__lt=self._start_of(value + datetime.timedelta(days=1)))
