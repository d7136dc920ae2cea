from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.milestones.models import Milestone, ProgressUpdate


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
    search_fields = ("title", "title_uk", "description")
    list_select_related = ("provision", "lead_organisation")
    date_hierarchy = "due_date"
    list_per_page = 50
    readonly_fields = ("version",)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ("milestone", "author", "created_at", "old_status", "new_status", "percent")
    list_filter = ("kind", "new_status")
    search_fields = ("note", "milestone__title")
    list_select_related = ("milestone", "author")
    raw_id_fields = ("milestone", "evidence")
