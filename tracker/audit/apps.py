from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tracker.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from simple_history.signals import post_create_historical_record

        from tracker.audit.chain import record_entry

        # Every historical record django-simple-history writes, whoever wrote it (a service,
        # the admin, the import, a management command), appends one entry to the chain.
        post_create_historical_record.connect(record_entry, dispatch_uid="audit.record_entry")
