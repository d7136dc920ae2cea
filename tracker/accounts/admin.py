"""Users in the Django admin, for superusers. Staff admins invite and manage people on the
people page (tracker.accounts.people_views), which keeps the reason of each change; the
admin's forms check the same rule of role and party, and ask for the email address.

django-axes registers its own admin pages (access attempts, access failures): a locked-out
person is unlocked by deleting their access attempt there.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.accounts.models import User
from tracker.accounts.services import role_party_error
from tracker.core.admin_history import HistoryAdmin


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
        fields = (
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "party",
            "organisation",
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin, HistoryAdmin):
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
        (
            _("Task force"),
            {"fields": ("first_name", "last_name", "email", "role", "party", "organisation")},
        ),
    )


# django-otp's own admins of the authenticator apps and recovery codes, with the person picked
# by typing (autocomplete) like everywhere else in this admin, rather than by a raw id box.
class TOTPDeviceAdmin(otp_totp_admin.TOTPDeviceAdmin):
    raw_id_fields = ()
    autocomplete_fields = ("user",)


class StaticDeviceAdmin(otp_static_admin.StaticDeviceAdmin):
    raw_id_fields = ()
    autocomplete_fields = ("user",)


for _device, _device_admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)
    admin.site.register(_device, _device_admin)
