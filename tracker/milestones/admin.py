"""Admin of milestones: staff keep the reference data (titles, dates, parties) up to date.

The workflow fields (status, progress, completion, verification, version) are read-only
here: they change only through tracker/milestones/services.py, which checks the rules and
writes the progress log. The progress log itself is read-only.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.milestones.models import Milestone, ProgressUpdate

WORKFLOW_FIELDS = (
    # The first planned due date: set when the milestone is created, never changed.
    "baseline_due",
    "status",
    "percent_complete",
    "completed_on",
    "verified_by",
    "verified_at",
    "version",
)


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = (
        "title",
        "provision",
        "responsible_party",
        "lead_organisation",
        "due_date",
        "status",
        "percent_complete",
        "verified_at",
    )
    list_filter = ("status", "responsible_party", "provision__category", "provision")
    search_fields = ("title", "title_uk", "description", "description_uk")
    list_select_related = ("provision", "lead_organisation")
    date_hierarchy = "due_date"
    list_per_page = 50
    readonly_fields = WORKFLOW_FIELDS
    raw_id_fields = ("provision", "lead_organisation")


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ("milestone", "author", "created_at", "kind", "old_status", "new_status")
    list_filter = ("kind", "new_status")
    search_fields = ("note", "milestone__title")
    list_select_related = ("milestone", "author")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
