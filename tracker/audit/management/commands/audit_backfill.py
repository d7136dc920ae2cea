"""Chain the history recorded before the audit log existed.

On a database upgraded to the audit log, the history tables already hold every earlier
change; this command appends one entry per historical record, oldest first (by history date,
then history id), through the same code as a live change. It runs only on an empty chain, so
it can never reorder or duplicate entries; run it once, right after the migration, before
people make changes.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker.audit.chain import audited_models, record_entry
from tracker.audit.models import AuditEntry


class Command(BaseCommand):
    help = "Append an audit entry for every historical record, on an empty audit chain."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if AuditEntry.objects.exists():
            raise CommandError("The audit chain already has entries: nothing is backfilled.")
        keys = []
        for model in audited_models():
            history = model.history.model
            for history_date, history_id in history.objects.values_list(
                "history_date", history._meta.pk.name
            ):
                keys.append((history_date, model._meta.label_lower, history_id, history))
        keys.sort(key=lambda key: key[:3])
        appended = 0
        for _date, _label, history_id, history in keys:
            record = history.objects.select_related("history_user").get(pk=history_id)
            if record_entry(history, record.instance, record) is not None:
                appended += 1
        self.stdout.write(f"{appended} audit entries appended from {len(keys)} history records.")
