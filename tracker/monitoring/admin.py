from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

# Closing an action is a transition with its own rules (tracker.monitoring.services); the
# admin shows its outcome but does not offer a second way to make it.
CLOSING_FIELDS = ("state", "closed_at", "closed_by", "closing_note")


class CorrectiveActionInline(admin.TabularInline):
    model = CorrectiveAction
    extra = 0
    readonly_fields = CLOSING_FIELDS


@admin.register(MonitoringCheck)
class MonitoringCheckAdmin(SimpleHistoryAdmin):
    list_display = ("criterion", "provision", "result", "severity", "monitor", "checked_on")
    list_filter = ("result", "severity", "provision__category", "provision")
    search_fields = ("criterion", "criterion_uk", "finding")
    list_select_related = ("provision", "monitor")
    autocomplete_fields = ("provision", "milestone", "monitor", "follows_up", "evidence")
    inlines = [CorrectiveActionInline]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(SimpleHistoryAdmin):
    list_display = ("description", "owner_party", "due_date", "state")
    list_filter = ("state", "owner_party")
    search_fields = ("description", "closing_note")
    autocomplete_fields = ("check_record",)
    readonly_fields = CLOSING_FIELDS
