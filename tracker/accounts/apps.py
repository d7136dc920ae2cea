from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tracker.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tracker.accounts.middleware import mark_session_renewed

        user_logged_in.connect(mark_session_renewed, dispatch_uid="tracker_session_renewed")
