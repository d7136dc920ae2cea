"""The form that adds or edits an organisation; its rules come from
tracker.core.organisations, so the messages beside the fields are the service's own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import User
from tracker.accounts.organisations import REASON_MAX_CHARS
from tracker.accounts.permissions import can_create_organisation
from tracker.core.models import Affiliation, Organisation
from tracker.core.organisations import organisation_errors

CHOOSE = ("", _("Choose…"))
NAME_MAX_CHARS = Organisation._meta.get_field("name").max_length


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=_("Name in English"),
        max_length=NAME_MAX_CHARS,
        widget=forms.TextInput(attrs={"lang": "en"}),
        error_messages={"required": _("Enter the organisation's name in English.")},
    )
    name_uk = forms.CharField(
        label=_("Name in Ukrainian"),
        max_length=NAME_MAX_CHARS,
        widget=forms.TextInput(attrs={"lang": "uk"}),
        required=False,
        help_text=_("As the organisation writes it. Leave empty if it has no Ukrainian name."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[CHOOSE, *Organisation.Kind.choices],
        error_messages={"required": _("Choose the kind of organisation.")},
    )
    affiliation = forms.ChoiceField(
        label=_("Party"),
        choices=[CHOOSE, *Affiliation.choices],
        help_text=_("Independent: an organisation of neither party, such as an NGO."),
        error_messages={"required": _("Choose a party, or Independent.")},
    )
    reason = forms.CharField(
        label=_("Note for the history"),
        max_length=REASON_MAX_CHARS,
        required=False,
        help_text=_("Why the organisation is added, for the history. At most 100 characters."),
    )

    def __init__(
        self, *args: Any, user: User, instance: Organisation | None = None, **kwargs: Any
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "name_uk": instance.name_uk,
                    "kind": instance.kind,
                    "affiliation": instance.affiliation,
                    "version": instance.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.instance = instance
        # Offer only the parties this person may add or move an organisation to; another
        # value still validates as a choice, so the service refuses it with 403.
        allowed = [
            choice for choice in Affiliation.choices if can_create_organisation(user, choice[0])
        ]
        self.fields["affiliation"].widget.choices = [CHOOSE, *allowed]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for field, message in organisation_errors(cleaned, instance=self.instance).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned


class EditOrganisationForm(OrganisationForm):
    """An edit says why, and carries the version it was rendered from."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the change"),
            max_length=REASON_MAX_CHARS,
            help_text=_("Kept in the organisation's history. At most 100 characters."),
            error_messages={
                "required": _("Say why the organisation changes: the history keeps the reason.")
            },
        )
