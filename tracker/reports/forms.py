"""The report's filters (a plain GET form, so a report's URL can be shared and reloaded), and
the forms of the issued reports: issuing one, verifying a file."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tracker.accounts.permissions import can_see_restricted
from tracker.core.forms import DateInput, FilterForm
from tracker.core.models import Agreement, Category, ResponsibleParty
from tracker.core.workspace import Workspace, directory
from tracker.reports.builder import ReportScope
from tracker.reports.issuing import validate_issue
from tracker.reports.models import Edition

FORMATS = ("html", "csv", "xlsx", "pdf")


class ReportFilterForm(FilterForm):
    """The report's filters. The agreement is the page's workspace (tracker.core.workspace):
    the field names it by short name, as the URL's ``agreement`` parameter does, and offers
    the workspace's agreements, so a choice here and the header's switcher agree."""

    agreement = forms.ChoiceField(label=_("Agreement"), required=False)
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
    edition = forms.ChoiceField(
        label=_("Edition"),
        choices=Edition.choices,
        required=False,
        help_text=_("The public edition lists public records only, with every figure."),
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

    def __init__(self, *args, workspace: Workspace | None = None, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Observers are offered the public edition only; the view refuses them the other.
        self.restricted_allowed = user is not None and can_see_restricted(user)
        if not self.restricted_allowed:
            self.fields["edition"].choices = [(Edition.PUBLIC, Edition.PUBLIC.label)]
        self.agreements = workspace.agreements if workspace is not None else directory()
        self.fields["agreement"].choices = [
            (agreement.short_name, agreement.display_title) for agreement in self.agreements
        ]
        # Without a choice, the workspace's agreement; outside a workspace, the most
        # recently signed one (the tracker usually holds one). The field shows it chosen.
        if workspace is not None:
            self.default_agreement = workspace.agreement
        else:
            self.default_agreement = self.agreements[0] if self.agreements else None
        self.named_agreement = bool(self.data.get("agreement"))
        if self.is_bound and not self.named_agreement and self.default_agreement:
            self.data = self.data.copy()
            self.data["agreement"] = self.default_agreement.short_name
        # The browser's date picker stops at today; the server checks it again below.
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()
        if self.agreements:
            # ... and starts at the earliest signing of the agreements offered; clean()
            # holds the chosen one's.
            earliest = min(agreement.signed_on for agreement in self.agreements)
            self.fields["as_of"].widget.attrs["min"] = earliest.isoformat()

    def clean_agreement(self) -> Agreement | None:
        chosen = self.cleaned_data.get("agreement")
        by_name = {agreement.short_name: agreement for agreement in self.agreements}
        return by_name.get(chosen) or self.default_agreement

    def clean_edition(self) -> str:
        chosen = self.cleaned_data.get("edition")
        if chosen:
            return chosen
        return Edition.RESTRICTED if self.restricted_allowed else Edition.PUBLIC

    def clean_as_of(self) -> datetime.date | None:
        as_of = self.cleaned_data.get("as_of")
        if as_of and as_of > timezone.localdate():
            raise forms.ValidationError(
                _("The as-of date cannot be in the future. Choose today or an earlier date."),
                code="future",
            )
        return as_of

    def clean(self) -> dict:
        data = super().clean()
        # Before the signing there is nothing to report: a report of zeros would read as a
        # finding, so the date is refused beside its field (the issue form says the same).
        agreement, as_of = data.get("agreement"), data.get("as_of")
        if agreement is not None and as_of is not None and as_of < agreement.signed_on:
            self.add_error(
                "as_of",
                forms.ValidationError(
                    _("The agreement was signed on %(signed)s; choose that day or a later one.")
                    % {"signed": agreement.signed_on.isoformat()},
                    code="before_signing",
                ),
            )
        return data

    def scope(self) -> ReportScope:
        data = self.cleaned_data
        return ReportScope(
            agreement=data["agreement"],
            party=data["party"],
            category=data["category"],
            as_of=data["as_of"],
            edition=data["edition"],
        )

    def query(self, **extra: str) -> str:
        """The filters as a query string, e.g. for the download links of the same report."""
        query = QueryDict(mutable=True)
        data = self.cleaned_data
        # The agreement as the page's URL names it: always with several agreements, with one
        # only when the URL named it.
        if data.get("agreement") and (len(self.agreements) > 1 or self.named_agreement):
            query["agreement"] = data["agreement"].short_name
        for name in ("party", "category"):
            if data.get(name):
                query[name] = data[name]
        # The edition when the reader chose one; otherwise each reader's default again.
        if self.data.get("edition"):
            query["edition"] = data["edition"]
        if data.get("as_of"):
            query["as_of"] = data["as_of"].isoformat()
        query.update(extra)
        return query.urlencode()


class IssueForm(forms.Form):
    """What a co-chair chooses when issuing a report: the edition, the as-of day and the
    language; the agreement is the page's workspace."""

    edition = forms.ChoiceField(
        label=_("Edition"),
        choices=Edition.choices,
        initial=Edition.RESTRICTED,
        widget=forms.RadioSelect,
        help_text=_(
            "The restricted edition holds every record, for the task force; the public "
            "edition holds the public records and the aggregate figures."
        ),
    )
    as_of = forms.DateField(
        label=_("As of"),
        input_formats=["%Y-%m-%d"],
        help_text=_("The state at the end of that day: not before the agreement was signed."),
        error_messages={
            "invalid": _("Enter the date as YYYY-MM-DD, for example 2025-04-30."),
            "required": _("Enter the date the report is as of."),
        },
        widget=DateInput,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, agreement: Agreement | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        today = timezone.localdate()
        self.fields["as_of"].initial = today
        self.fields["as_of"].widget.attrs["max"] = today.isoformat()
        if agreement is not None:
            self.fields["as_of"].widget.attrs["min"] = agreement.signed_on.isoformat()
        self.fields["language"].initial = translation.get_language()

    def scope(self) -> ReportScope:
        return ReportScope(
            agreement=self.agreement,
            as_of=self.cleaned_data["as_of"],
            edition=self.cleaned_data["edition"],
        )

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            try:
                validate_issue(self.scope(), today=timezone.localdate())
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data


class VerifyForm(forms.Form):
    """A file to compare with the issued ones. Its bytes never reach the form: the upload
    handler of the view keeps only their SHA-256 (tracker.reports.issuing)."""

    file = forms.FileField(
        label=_("File to verify"),
        help_text=_("A PDF, XLSX or CSV file said to be an issued report."),
        error_messages={
            "required": _("Choose the file to verify."),
            "empty": _("The file is empty, so it is not an issued report."),
        },
    )
