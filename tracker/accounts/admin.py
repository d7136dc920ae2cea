"""Users, their role, party and organisation, managed by staff in the Django admin.

django-axes registers its own admin pages (access attempts, access failures): a locked-out
person is unlocked by deleting their access attempt there.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tracker.accounts.models import Role, User
from tracker.core.models import Affiliation

DELEGATION_PARTIES = (Affiliation.US, Affiliation.UA)


def role_party_error(role: str, party: str | None) -> str | None:
    """The database constraints on role and party, said in words next to the party field."""
    if role in (Role.CO_CHAIR, Role.MEMBER) and party not in DELEGATION_PARTIES:
        return _(
            "A co-chair or member speaks for a delegation: choose United States or Ukraine "
            "as the party."
        )
    if role in (Role.MONITOR, Role.OBSERVER) and party != Affiliation.INDEPENDENT:
        return _("Monitors and observers are independent: choose Independent as the party.")
    return None


class RolePartyFormMixin(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        # A field that already failed (e.g. an unknown choice) has said what is wrong.
        if "role" in cleaned_data and "party" in cleaned_data:
            message = role_party_error(cleaned_data["role"], cleaned_data["party"])
            if message:
                self.add_error("party", message)
        return cleaned_data


class TrackerUserChangeForm(RolePartyFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class TrackerUserCreationForm(RolePartyFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "role", "party", "organisation")


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    form = TrackerUserChangeForm
    add_form = TrackerUserCreationForm
    list_display = ("username", "get_full_name", "role", "party", "organisation", "is_active")
    list_filter = ("role", "party", "is_active", "is_staff", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Task force"),
            {
                "fields": ("role", "party", "organisation", "language"),
                "description": _(
                    "The role decides what the person may do in the tracker; without one they "
                    "see only the “no access yet” page. Co-chairs and members belong to a "
                    "party; monitors and observers are independent. Access to this admin "
                    "needs “Staff status” above."
                ),
            },
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Task force"), {"fields": ("first_name", "last_name", "role", "party", "organisation")}),
    )
