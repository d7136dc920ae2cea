"""Admin of checks and corrective actions: shown, with their history, never changed here.

Checks are recorded and corrected by monitors in the tracker, corrective actions added and
closed there (tracker.monitoring.services), each with its rules and reason
(tracker.core.admin_history).
"""

from django.contrib import admin

from tracker.core.admin_history import ReadOnlyInline, WorkflowRecordAdmin
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck


class CorrectiveActionInline(ReadOnlyInline):
    model = CorrectiveAction
    fields = ("description", "owner_party", "due_date", "state", "closed_at", "closed_by")
    readonly_fields = fields


@admin.register(MonitoringCheck)
class MonitoringCheckAdmin(WorkflowRecordAdmin):
    list_display = ("criterion", "provision", "result", "severity", "monitor", "checked_on")
    list_filter = ("result", "severity", "provision__category", "provision")
    search_fields = ("criterion", "criterion_uk", "finding")
    list_select_related = ("provision", "monitor")
    inlines = [CorrectiveActionInline]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(WorkflowRecordAdmin):
    list_display = ("description", "owner_party", "due_date", "state")
    list_filter = ("state", "owner_party")
    search_fields = ("description", "closing_note")
