from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.monitoring.models import CorrectiveAction, MonitoringCheck


class CorrectiveActionInline(admin.TabularInline):
    model = CorrectiveAction
    extra = 0


@admin.register(MonitoringCheck)
class MonitoringCheckAdmin(SimpleHistoryAdmin):
    list_display = ("criterion", "provision", "result", "severity", "monitor", "checked_on")
    list_filter = ("result", "severity", "provision__category", "provision")
    search_fields = ("criterion", "criterion_uk", "finding")
    list_select_related = ("provision", "monitor")
    raw_id_fields = ("milestone", "follows_up", "evidence")
    inlines = [CorrectiveActionInline]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(SimpleHistoryAdmin):
    list_display = ("description", "owner_party", "due_date", "state")
    list_filter = ("state", "owner_party")
    search_fields = ("description", "closing_note")
    raw_id_fields = ("check_record",)
