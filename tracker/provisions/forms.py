"""The form of a co-chair's provision assessment."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tracker.core.limits import COMMENT
from tracker.core.models import ImplementationLevel, ProvisionAssessment


class AssessmentForm(forms.ModelForm):
    level = forms.TypedChoiceField(
        label=_("Implementation level"),
        choices=[
            ("", _("Choose a level")),
            *(
                (value, format_lazy("{} · {}", value, label))
                for value, label in ImplementationLevel.choices
            ),
        ],
        coerce=int,
        error_messages={"required": _("Choose an implementation level.")},
    )
    note = forms.CharField(
        label=_("Reasoning"),
        help_text=_("What the level rests on: milestones, checks, documents."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT,
        error_messages={"required": _("Say what the assessment rests on.")},
    )

    class Meta:
        model = ProvisionAssessment
        fields = ["level", "note"]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "assessment_%s")
        super().__init__(*args, **kwargs)
