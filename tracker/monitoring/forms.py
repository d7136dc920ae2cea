"""Forms of checks and corrective actions; their rules come from ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.core.evidence import upload_errors, upload_help_text
from tracker.core.forms import DateInput, visibility_field
from tracker.core.ids import parse_id
from tracker.core.limits import LONG_TEXT, NOTE
from tracker.core.models import Agreement, Provision
from tracker.core.workspace import within
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck
from tracker.monitoring.services import CHECK_FIELDS, action_errors, check_errors

ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.csv,.txt"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input; each is checked by content before anything is stored."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ACCEPTED_FILES

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        files = [super(EvidenceField, self).clean(upload, initial) for upload in uploads]
        messages = upload_errors(files)
        if messages:
            raise ValidationError(messages)
        return files


class ProvisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Provision) -> str:
        return f"{obj.reference} · {obj.display_title}"


# The milestones app sits beside this one: its model is reached through the check's foreign key.
Milestone = MonitoringCheck.milestone.field.related_model


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Milestone) -> str:
        return f"{obj.provision.reference} · {obj.display_title}"


class EarlierCheckChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MonitoringCheck) -> str:
        return (
            f"{obj.provision.reference} · {obj.checked_on:%Y-%m-%d} · {obj.display_criterion} "
            f"({obj.get_result_display()})"
        )


def version_field() -> forms.IntegerField:
    """The version of the row the form was rendered from, for conflict detection."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("The form is incomplete: reload the page and try again."),
            "invalid": _("The form is incomplete: reload the page and try again."),
            "min_value": _("The form is incomplete: reload the page and try again."),
        },
    )


def _milestones() -> QuerySet[Milestone]:
    return Milestone.objects.select_related("provision").order_by(
        "provision__reference", "due_date", "id"
    )


def _checks() -> QuerySet[MonitoringCheck]:
    return MonitoringCheck.objects.select_related("provision").order_by("-checked_on", "-id")


class CheckForm(forms.ModelForm):
    provision = ProvisionChoiceField(
        label=_("Provision"),
        queryset=Provision.objects.order_by("agreement", "reference"),
    )
    milestone = MilestoneChoiceField(
        label=_("Milestone"),
        queryset=_milestones(),
        required=False,
        help_text=_("Only if the check concerns one milestone of the provision."),
    )
    follows_up = EarlierCheckChoiceField(
        label=_("Follows up"),
        queryset=_checks(),
        required=False,
        help_text=_("An earlier check of the same provision that this one revisits."),
    )
    evidence = EvidenceField(label=_("Evidence files"))
    # Only a correction has one (NewCheckForm drops it): the check's version when rendered.
    version = version_field()

    class Meta:
        model = MonitoringCheck
        fields = CHECK_FIELDS
        widgets = {
            "checked_on": DateInput,
            "finding": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "criterion": _(
                "The standard or requirement checked. Use the same wording as earlier checks "
                "of this criterion, so the latest result replaces the earlier one."
            ),
            "severity": _("Required for partially compliant and non-compliant results only."),
        }

    def __init__(self, *args: Any, agreement: Agreement | None = None, **kwargs: Any) -> None:
        """`agreement`, when given, limits the provisions to that agreement's (a new check
        starts in the page's agreement; an edited check stays in its own)."""
        super().__init__(*args, **kwargs)
        for name in ("provision", "milestone", "follows_up"):
            self.fields[name].queryset = within(self.fields[name].queryset, agreement)
        # Words instead of Django's dashes for the empty choices.
        self.fields["result"].choices = [("", _("Choose…")), *self.fields["result"].choices[1:]]
        self.fields["severity"].choices = [("", _("None")), *self.fields["severity"].choices[1:]]
        self.fields["provision"].empty_label = _("Choose…")
        self.fields["evidence"].help_text = upload_help_text()
        if "version" in self.fields:
            self.fields["version"].initial = self.instance.version
        self.fields["milestone"].empty_label = _("None")
        self.fields["follows_up"].empty_label = _("None")
        # With JavaScript, choosing a provision narrows the milestone and follow-up choices.
        self.fields["provision"].widget.attrs.update(
            {
                "hx-get": reverse("monitoring:create"),
                "hx-trigger": "change",
                "hx-target": "#linked-fields",
                "hx-swap": "outerHTML",
            }
        )
        if not self.is_bound:
            self.narrow_choices(self.initial.get("provision") or self.instance.provision_id)

    def narrow_choices(self, provision: Provision | int | str | None) -> None:
        """Shows only the provision's milestones and checks once the provision is known.

        A bound form validates against every milestone and check, so a choice from another
        provision gets the clear message of ``check_errors`` instead of "not a valid choice".
        """
        provision_id = parse_id(getattr(provision, "pk", provision))
        if provision_id is None:
            return
        self.fields["milestone"].queryset = _milestones().filter(provision=provision_id)
        earlier = _checks().filter(provision=provision_id)
        if self.instance.pk:
            earlier = earlier.filter(pk__lt=self.instance.pk)
        self.fields["follows_up"].queryset = earlier

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for field, message in check_errors(cleaned, instance=self.instance).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound:
            self.narrow_choices(self.data.get("provision"))

    def check_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in CHECK_FIELDS}


class NewCheckForm(CheckForm):
    """Recording a check can open its first corrective action in the same step."""

    version = None

    action_description = forms.CharField(
        label=_("Corrective action"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. What the owner must do to remedy the finding."),
    )
    action_owner_party = forms.ChoiceField(
        label=_("Owner of the action"),
        required=False,
        choices=[("", _("Choose…")), *CorrectiveAction._meta.get_field("owner_party").choices],
    )
    action_due_date = forms.DateField(label=_("Action due date"), required=False, widget=DateInput)
    visibility = visibility_field()

    ACTION_FIELDS = {
        "action_description": "description",
        "action_owner_party": "owner_party",
        "action_due_date": "due_date",
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        given = {name for name in self.ACTION_FIELDS if cleaned.get(name)}
        if given:
            for name in set(self.ACTION_FIELDS) - given - set(self.errors):
                self.add_error(name, _("Needed for the corrective action."))
            errors = action_errors(self.first_action() or {}, cleaned.get("checked_on"))
            for field, message in errors.items():
                self.add_error(f"action_{field}", message)
        return cleaned

    def first_action(self) -> dict[str, Any] | None:
        action = {
            target: self.cleaned_data.get(name) for name, target in self.ACTION_FIELDS.items()
        }
        return action if any(action.values()) else None


class ActionForm(forms.ModelForm):
    visibility = visibility_field()

    class Meta:
        model = CorrectiveAction
        fields = ("description", "owner_party", "due_date")
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "due_date": DateInput}

    def __init__(self, *args: Any, check: MonitoringCheck, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "action-%s")
        super().__init__(*args, **kwargs)
        self.check = check
        self.fields["due_date"].widget.attrs["min"] = check.checked_on.isoformat()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for field, message in action_errors(cleaned, self.check.checked_on).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class CloseActionForm(forms.Form):
    version = version_field()
    closing_note = forms.CharField(
        label=_("Closing note"),
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done, and how it was confirmed."),
        error_messages={"required": _("Say what was done: closing an action needs a note.")},
    )

    def __init__(self, *args: Any, action: CorrectiveAction, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"close-{action.pk}-%s")
        kwargs.setdefault("initial", {"version": action.version})
        super().__init__(*args, **kwargs)
        self.action = action
