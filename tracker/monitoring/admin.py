from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

# Closing an action is a transition with its own rules (tracker.monitoring.services); the
# admin shows its outcome but does not offer a second way to make it.
CLOSING_FIELDS = ("state", "closed_at", "closed_by", "closing_note")
# An edit here raises the version as the services do, so a monitor's form opened before it is
# refused (409) instead of overwriting it.
READONLY = (*CLOSING_FIELDS, "version")


class CorrectiveActionInline(admin.TabularInline):
    model = CorrectiveAction
    extra = 0
    readonly_fields = READONLY


@admin.register(MonitoringCheck)
class MonitoringCheckAdmin(SimpleHistoryAdmin):
    list_display = ("criterion", "provision", "result", "severity", "monitor", "checked_on")
    list_filter = ("result", "severity", "provision__category", "provision")
    search_fields = ("criterion", "criterion_uk", "finding")
    list_select_related = ("provision", "monitor")
    autocomplete_fields = ("provision", "milestone", "monitor", "follows_up", "evidence")
    readonly_fields = ("version",)
    inlines = [CorrectiveActionInline]

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.instance.pk and inline_form.has_changed():
                inline_form.instance.version += 1
        super().save_formset(request, form, formset, change)


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(SimpleHistoryAdmin):
    list_display = ("description", "owner_party", "due_date", "state")
    list_filter = ("state", "owner_party")
    search_fields = ("description", "closing_note")
    autocomplete_fields = ("check_record",)
    readonly_fields = READONLY

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.version += 1
        super().save_model(request, obj, form, change)
