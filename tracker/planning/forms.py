"""The planning forms. They check what a field can check alone; the rules across fields and
rows (unique references and titles, due dates after the signing, stale versions, who may)
are the services', whose messages the views put beside the fields."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from tracker.core.forms import DateInput
from tracker.core.limits import NOTE
from tracker.core.models import (
    Agreement,
    Mineral,
    Organisation,
    Provision,
    ResponsibleParty,
    ValueChainStage,
)
from tracker.milestones.models import Milestone
from tracker.planning.models import PendingImport
from tracker.planning.reading import MAX_BYTES, Upload

# A short name is a segment of the planning URLs; these segments are pages of their own.
RESERVED_SHORT_NAMES = ("new",)
# Each bilingual pair, English first, laid out side by side by the form templates.
AGREEMENT_PAIRS = (("title", "title_uk"), ("place", "place_uk"), ("summary", "summary_uk"))
PROVISION_PAIRS = (("title", "title_uk"), ("text", "text_uk"))
MILESTONE_PAIRS = (("title", "title_uk"), ("description", "description_uk"))


class VersionField(forms.IntegerField):
    """The version a form was rendered with, so a save based on stale data is refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "error_messages",
            {"required": _("Reload the page: the form is missing its version.")},
        )
        super().__init__(**kwargs)


class PairedForm:
    """A form whose English and Ukrainian fields the template shows side by side."""

    pairs: tuple[tuple[str, str], ...] = ()

    def layout(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """The visible fields in order, each English one with its Ukrainian partner (None
        for a field without one); the partner is not listed again."""
        partners = dict(self.pairs)
        ukrainian = set(partners.values())
        return [
            (field, self[partners[field.name]] if field.name in partners else None)
            for field in self.visible_fields()
            if field.name not in ukrainian
        ]


class AgreementForm(PairedForm, forms.ModelForm):
    pairs = AGREEMENT_PAIRS

    class Meta:
        model = Agreement
        fields = (
            "title",
            "title_uk",
            "short_name",
            "signed_on",
            "place",
            "place_uk",
            "summary",
            "summary_uk",
            "source",
        )
        widgets = {
            "signed_on": DateInput,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "summary_uk": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "short_name": _(
                "Letters, digits and hyphens, e.g. minerals-2025. It names the agreement in "
                "links, so choose it once."
            ),
            "source": _("Where the text comes from, e.g. the official gazette."),
        }
        error_messages = {
            "short_name": {
                "unique": _("Another agreement has this short name. Choose another one.")
            }
        }

    def clean_short_name(self) -> str:
        short_name = self.cleaned_data["short_name"]
        if short_name in RESERVED_SHORT_NAMES:
            raise forms.ValidationError(
                _("“%(name)s” names a page of its own. Choose another short name.")
                % {"name": short_name}
            )
        return short_name


class AgreementEditForm(AgreementForm):
    version = VersionField()


class ProvisionForm(PairedForm, forms.ModelForm):
    pairs = PROVISION_PAIRS

    minerals = forms.ModelMultipleChoiceField(
        label=_("Minerals"),
        queryset=Mineral.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    value_chain_stages = forms.MultipleChoiceField(
        label=_("Value-chain stages"),
        choices=ValueChainStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Provision
        fields = (
            "reference",
            "title",
            "title_uk",
            "text",
            "text_uk",
            "category",
            "responsible_party",
            "minerals",
            "value_chain_stages",
        )
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "text_uk": forms.Textarea(attrs={"rows": 6}),
            "responsible_party": forms.RadioSelect,
        }
        help_texts = {
            "reference": _("As the agreement numbers it, e.g. P-03. Unique in the agreement."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose…")), *self.fields["category"].choices[1:]]
        # Radio buttons need no empty choice: none checked is the empty answer.
        self.fields["responsible_party"].choices = ResponsibleParty.choices

    def provision_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields if name != "minerals"}


class ProvisionEditForm(ProvisionForm):
    version = VersionField()


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj} ({obj.get_affiliation_display()})"


class MilestoneForm(PairedForm, forms.ModelForm):
    pairs = MILESTONE_PAIRS

    lead_organisation = OrganisationChoiceField(
        label=_("Lead organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
    )

    class Meta:
        model = Milestone
        fields = (
            "title",
            "title_uk",
            "description",
            "description_uk",
            "responsible_party",
            "lead_organisation",
            "due_date",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_uk": forms.Textarea(attrs={"rows": 4}),
            "responsible_party": forms.RadioSelect,
            "due_date": DateInput,
        }
        help_texts = {
            "due_date": _("Also the milestone's baseline: re-planning later keeps it."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_party"].choices = ResponsibleParty.choices

    def planning_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields if name != "due_date"}


class MilestoneEditForm(MilestoneForm):
    """Everything but the due date, which moves only by re-planning, with a reason."""

    version = VersionField()
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the milestone changes; kept in its history and Activity."),
    )

    class Meta(MilestoneForm.Meta):
        fields = tuple(name for name in MilestoneForm.Meta.fields if name != "due_date")


class ReplanForm(forms.Form):
    version = VersionField()
    due_date = forms.DateField(
        label=_("New due date"),
        widget=DateInput,
        error_messages={"required": _("Enter the new due date.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the date moves. The milestone page and Activity show it."),
        error_messages={"required": _("Give the reason for moving the due date.")},
    )


class CancelForm(forms.Form):
    version = VersionField()
    reason = forms.CharField(
        label=_("Reason"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the milestone is cancelled. The milestone page and Activity show it."),
        error_messages={"required": _("Give the reason for cancelling the milestone.")},
    )


def add_service_errors(form: forms.Form, errors: dict[str, list[str]] | list[str]) -> None:
    """A service's messages beside the form's fields; those of fields the form does not
    show go on top."""
    if isinstance(errors, dict):
        for field, messages in errors.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in errors:
            form.add_error(None, message)


class ImportForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Workbook (XLSX)"),
        required=False,
        help_text=gettext_lazy(
            "With the sheets Provisions and Milestones (either may be left out)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    provisions_csv = forms.FileField(
        label=gettext_lazy("Provisions (CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )
    milestones_csv = forms.FileField(
        label=gettext_lazy("Milestones (CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )

    PARTS = {
        "workbook": PendingImport.Part.WORKBOOK,
        "provisions_csv": PendingImport.Part.PROVISIONS,
        "milestones_csv": PendingImport.Part.MILESTONES,
    }

    def _checked(self, name: str, suffixes: tuple[str, ...]):
        upload = self.cleaned_data.get(name)
        if not upload:
            return upload
        suffix = PurePath(upload.name).suffix.casefold()
        if name == "workbook" and suffix in (".xlsm", ".xltm", ".xlsb", ".xls"):
            raise forms.ValidationError(
                _(
                    "Only .xlsx workbooks are read: save it as an Excel workbook (.xlsx) "
                    "without macros."
                )
            )
        if suffix not in suffixes:
            raise forms.ValidationError(
                _("Choose a %(kind)s file.")
                % {"kind": "/".join(s.lstrip(".").upper() for s in suffixes)}
            )
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)}
            )
        return upload

    def clean_workbook(self):
        return self._checked("workbook", (".xlsx",))

    def clean_provisions_csv(self):
        return self._checked("provisions_csv", (".csv",))

    def clean_milestones_csv(self):
        return self._checked("milestones_csv", (".csv",))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        workbook = cleaned.get("workbook")
        csvs = [cleaned.get("provisions_csv"), cleaned.get("milestones_csv")]
        if workbook and any(csvs):
            raise forms.ValidationError(_("Upload either a workbook or CSV files, not both."))
        if not workbook and not any(csvs):
            raise forms.ValidationError(
                _("Choose a workbook (XLSX), or a CSV file for provisions, milestones or both.")
            )
        return cleaned

    def uploads(self) -> list[Upload]:
        uploads = []
        for name, part in self.PARTS.items():
            upload = self.cleaned_data.get(name)
            if upload:
                upload.seek(0)
                uploads.append(Upload(part, upload.name, upload.read(MAX_BYTES + 1)))
        return uploads
