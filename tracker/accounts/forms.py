"""Forms of the people pages and of a person's own account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import Role, User
from tracker.accounts.services import REASON_MAX_CHARS, email_in_use, role_party_error
from tracker.core.ids import parse_id
from tracker.core.models import Affiliation, Organisation

LANGUAGE_CHOICES = User._meta.get_field("language").choices


class OrganisationChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organisation.objects.order_by("name"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Organisation"))
        kwargs.setdefault("empty_label", _("None"))
        super().__init__(**kwargs)


class RolePartyForm(forms.Form):
    """Role and party, with the rule between them said beside the party."""

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        # A field that already failed (e.g. an unknown choice) has said what is wrong.
        if "role" in cleaned_data and "party" in cleaned_data:
            message = role_party_error(cleaned_data["role"], cleaned_data["party"])
            if message:
                self.add_error("party", message)
        return cleaned_data


class InviteForm(RolePartyForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email address"),
        max_length=150,
        help_text=_("The invitation goes here, and it becomes the person's username."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    party = forms.ChoiceField(
        label=_("Party"),
        choices=Affiliation.choices,
        help_text=_(
            "Co-chairs and members belong to a party; monitors and observers are independent."
        ),
    )
    organisation = OrganisationChoiceField()
    language = forms.ChoiceField(
        label=_("Language"),
        choices=LANGUAGE_CHOICES,
        help_text=_("The invitation and later emails are written in this language."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email_in_use(email):
            raise forms.ValidationError(_("Someone already has this email address."))
        return email


class ReasonField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Reason"))
        kwargs.setdefault("max_length", REASON_MAX_CHARS)
        kwargs.setdefault("help_text", _("Kept in the person's history. At most 100 characters."))
        super().__init__(**kwargs)


class ExpectedValuesForm(forms.Form):
    """The person's values the page showed, sent back to tell a stale page
    (tracker.accounts.services compares them under the row lock)."""

    seen_role = forms.CharField(required=False, widget=forms.HiddenInput)
    seen_party = forms.CharField(required=False, widget=forms.HiddenInput)
    seen_organisation = forms.CharField(required=False, widget=forms.HiddenInput)
    seen_active = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "seen_role": person.role,
            "seen_party": person.party,
            "seen_organisation": person.organisation_id or "",
            "seen_active": "1" if person.is_active else "0",
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)
        self.person = person

    def expected(self) -> dict[str, Any]:
        data = self.cleaned_data
        organisation = data.get("seen_organisation") or ""
        return {
            "role": data.get("seen_role") or "",
            "party": data.get("seen_party") or "",
            "organisation_id": parse_id(organisation),
            "is_active": data.get("seen_active") == "1",
        }


class RoleForm(ExpectedValuesForm, RolePartyForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    party = forms.ChoiceField(label=_("Party"), choices=Affiliation.choices)
    organisation = OrganisationChoiceField()
    reason = ReasonField()

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        kwargs["initial"] = {
            "role": person.role,
            "party": person.party,
            "organisation": person.organisation_id,
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, person=person, **kwargs)


class ReasonForm(ExpectedValuesForm):
    """Deactivate or reactivate: the reason, and the values the page showed."""

    reason = ReasonField()


class PlainPasswordHelp:
    """The password validators' rules as one sentence of help under the new password:
    Django gives them as a list, which the field template's help paragraph cannot hold."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = " ".join(str(text) for text in password_validation.password_validators_help_texts())
        self.fields["new_password1"].help_text = rules


class TrackerSetPasswordForm(PlainPasswordHelp, SetPasswordForm):
    pass


class TrackerPasswordChangeForm(PlainPasswordHelp, PasswordChangeForm):
    pass


class TrackerPasswordResetForm(PasswordResetForm):
    """Django's reset form; the email is written in the language the person chose."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        with translation.override(context["user"].language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class EnrolForm(forms.Form):
    """The first code from the app; and the password when an app is already set up."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        help_text=_("The 6-digit code the app shows for this account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, ask_password: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not ask_password:
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
