"""Forms of disputes; the rules they show come from ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.core.forms import visibility_field
from tracker.core.ids import IdMultipleChoiceField
from tracker.core.limits import COMMENT, LONG_TEXT, NOTE
from tracker.core.models import Agreement, Party, Provision
from tracker.core.workspace import within
from tracker.disputes.models import DisputeStatus


class ProvisionsField(IdMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Provision) -> str:
        return f"{obj.reference} · {obj.display_title}"


class RaiseDisputeForm(forms.Form):
    agreement = forms.ModelChoiceField(
        label=_("Agreement"), queryset=Agreement.objects.all(), empty_label=_("Choose…")
    )
    provisions = ProvisionsField(
        label=_("Provisions concerned"),
        queryset=Provision.objects.select_related("agreement").order_by("agreement", "reference"),
        error_messages={"required": _("Choose at least one provision.")},
    )
    # Both parties are valid values: the view refuses (403) a party that is not the user's,
    # instead of treating a forged value as a typing mistake.
    raised_by_party = forms.ChoiceField(label=_("Raised by"), choices=Party.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("What the dispute is about"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=LONG_TEXT,
    )
    raising_position = forms.CharField(
        label=_("Your party's position"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=LONG_TEXT,
        help_text=_("What your party holds and what it asks of the other party."),
    )
    visibility = visibility_field()

    def __init__(self, *args: Any, agreement: Agreement | None = None, **kwargs: Any) -> None:
        """`agreement`, when given (the page's, with several agreements), is the only one
        offered, with only its provisions."""
        super().__init__(*args, **kwargs)
        if agreement is not None:
            self.fields["agreement"].queryset = Agreement.objects.filter(pk=agreement.pk)
            self.fields["provisions"].queryset = within(
                self.fields["provisions"].queryset, agreement
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        agreement, provisions = cleaned.get("agreement"), cleaned.get("provisions")
        if agreement and provisions and any(p.agreement_id != agreement.pk for p in provisions):
            self.add_error(
                "provisions", _("Choose provisions of the agreement the dispute is about.")
            )
        return cleaned


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=DisputeStatus.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # One small form per possible move on the page; ids must not repeat.
        kwargs.setdefault("auto_id", f"move-{kwargs.get('initial', {}).get('to_status', '')}-%s")
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.auto_id = f"move-{self.data.get('to_status', '')}-%s"


class ProposalForm(forms.Form):
    """The first key of a two-key decision: the resolution proposed, or the reason to
    withdraw."""

    decision = forms.ChoiceField(
        choices=[(DisputeStatus.RESOLVED, ""), (DisputeStatus.WITHDRAWN, "")],
        widget=forms.HiddenInput,
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=LONG_TEXT)

    LABELS = {
        DisputeStatus.RESOLVED: (
            _("Resolution you propose"),
            _("Write the resolution you propose: resolving needs it."),
        ),
        DisputeStatus.WITHDRAWN: (
            _("Reason for withdrawing"),
            _("Give the reason for withdrawing the dispute."),
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        decision = kwargs.get("initial", {}).get("decision", "")
        if args and args[0] is not None:
            decision = args[0].get("decision", "")
        kwargs.setdefault("auto_id", f"propose-{decision}-%s")
        super().__init__(*args, **kwargs)
        label, required = self.LABELS.get(decision, (_("Text"), _("This field is required.")))
        self.fields["text"].label = label
        self.fields["text"].error_messages["required"] = required


class ConcurForm(forms.Form):
    """The second key. ``proposal`` names the proposal the page showed: a newer one is not
    concurred with unseen."""

    proposal = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "concur-%s")
        super().__init__(*args, **kwargs)


class RejectForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE,
        error_messages={"required": _("Give the reason for rejecting the proposal.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reject-%s")
        super().__init__(*args, **kwargs)


class PositionForm(forms.Form):
    responding_position = forms.CharField(
        label=_("Position of the responding party"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=LONG_TEXT,
        error_messages={"required": _("Write the position.")},
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Add a comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment.")},
        max_length=COMMENT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "comment-%s")
        super().__init__(*args, **kwargs)
