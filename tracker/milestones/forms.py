"""Forms of the milestone pages: they clean types; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.core.evidence import WITHDRAWAL_REASON_CHARS, upload_help_text
from tracker.core.forms import visibility_field
from tracker.milestones.models import Status
from tracker.milestones.services import NOTE_MAX_CHARS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and cleans to a list (possibly empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_file_clean(item, initial) for item in data if item]
        return [single_file_clean(data, initial)] if data else []


class VersionedForm(forms.Form):
    """Carries the milestone version the page was rendered with, for conflict detection."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("The form is incomplete: reload the page and try again."),
            "invalid": _("The form is incomplete: reload the page and try again."),
        },
    )


class ProgressForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    percent_complete = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        error_messages={"invalid": _("Enter a whole number from 0 to 100.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when completing, putting on hold or cancelling: say what or why."),
    )
    evidence = MultipleFileField(label=_("Evidence"), required=False)
    # Not on the inline row form of the lists: left out, a note is the task force's.
    visibility = visibility_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form so the text is in the request's language and the configured limit.
        self.fields["evidence"].help_text = upload_help_text()


class VerifyForm(VersionedForm):
    pass


class ReturnForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for returning the milestone.")},
    )


class WithdrawEvidenceForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the file withdrawn?"),
        max_length=WITHDRAWAL_REASON_CHARS,
        help_text=_("The file stays on record, marked withdrawn, with this reason."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
