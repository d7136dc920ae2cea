"""The report's filters: a plain GET form, so a report's URL can be shared and reloaded."""

from __future__ import annotations

import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.forms import DateInput, FilterForm
from tracker.core.models import Agreement, Category, ResponsibleParty
from tracker.reports.builder import ReportScope

FORMATS = ("html", "csv", "xlsx", "pdf")


class ReportFilterForm(FilterForm):
    agreement = forms.ModelChoiceField(
        label=_("Agreement"),
        queryset=Agreement.objects.order_by("-signed_on", "short_name"),
        required=False,
        empty_label=None,
    )
    party = forms.ChoiceField(
        label=_("Responsible party"),
        choices=[("", _("All parties")), *ResponsibleParty.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories")), *Category.choices],
        required=False,
    )
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("The state at the end of that day. Leave empty for today."),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD, for example 2025-04-30.")},
        widget=DateInput,
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(code, code) for code in FORMATS],
        required=False,
        error_messages={
            "invalid_choice": _("Choose one of the formats: HTML, CSV, XLSX or PDF."),
        },
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The browser's date picker stops at today; the server checks it again below.
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_agreement(self) -> Agreement | None:
        # Without a choice, the most recently signed agreement: the tracker usually holds one.
        return self.cleaned_data.get("agreement") or self.fields["agreement"].queryset.first()

    def clean_as_of(self) -> datetime.date | None:
        as_of = self.cleaned_data.get("as_of")
        if as_of and as_of > timezone.localdate():
            raise forms.ValidationError(
                _("The as-of date cannot be in the future. Choose today or an earlier date."),
                code="future",
            )
        return as_of

    def scope(self) -> ReportScope:
        data = self.cleaned_data
        return ReportScope(
            agreement=data["agreement"],
            party=data["party"],
            category=data["category"],
            as_of=data["as_of"],
        )

    def query(self, **extra: str) -> str:
        """The filters as a query string, e.g. for the download links of the same report."""
        query = QueryDict(mutable=True)
        data = self.cleaned_data
        if data.get("agreement"):
            query["agreement"] = str(data["agreement"].pk)
        for name in ("party", "category"):
            if data.get(name):
                query[name] = data[name]
        if data.get("as_of"):
            query["as_of"] = data["as_of"].isoformat()
        query.update(extra)
        return query.urlencode()
