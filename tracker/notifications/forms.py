"""The forms of the notification pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.notifications.models import Delivery, Kind
from tracker.notifications.preferences import KIND_HELP, Choice

CHANNEL_LABELS = {"email": _("By e-mail"), "in_app": _("In the app")}


class PreferencesForm(forms.Form):
    """For each kind, how to hear of it by e-mail and in the app: two selects per kind, named
    ``<kind>-email`` and ``<kind>-in_app``."""

    def __init__(self, *args, current: dict[str, Choice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind.values:
            for position, channel in enumerate(CHANNEL_LABELS):
                self.fields[f"{kind}-{channel}"] = forms.ChoiceField(
                    label=CHANNEL_LABELS[channel],
                    choices=Delivery.choices,
                    initial=current[kind][position],
                )

    def groups(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        """(label, when, e-mail field, in-app field) of each kind, for the template."""
        return [
            (label, KIND_HELP[kind], self[f"{kind}-email"], self[f"{kind}-in_app"])
            for kind, label in Kind.choices
        ]

    def choices(self) -> dict[str, Choice]:
        data = self.cleaned_data
        return {kind: (data[f"{kind}-email"], data[f"{kind}-in_app"]) for kind in Kind.values}
