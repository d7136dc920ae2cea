from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    # This module also holds the admin's configuration, which is not the app's default.
    default = True
    name = "tracker.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tracker.accounts import checks, two_factor
        from tracker.accounts.middleware import mark_session_renewed

        user_logged_in.connect(mark_session_renewed, dispatch_uid="tracker_session_renewed")
        post_save.connect(
            two_factor.device_saved, sender=TOTPDevice, dispatch_uid="tracker_device_saved"
        )
        post_delete.connect(
            two_factor.device_deleted, sender=TOTPDevice, dispatch_uid="tracker_device_deleted"
        )
        checks.register()


class TrackerAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that opens only to sessions that passed the second factor."""

    default = False
    default_site = "tracker.accounts.admin_site.TrackerAdminSite"
