"""Admin of milestones and their progress log: shown, with their history, never changed here.

No silent rewrites (tracker.core.admin_history): a milestone is added, edited, re-planned and
cancelled on the planning pages (tracker.planning), each with its rules and a reason; its
status, progress and verification change through tracker/milestones/services.py, which writes
the progress log. The admin lists and shows milestones and the log, with no add, change,
delete or revert.
"""

from __future__ import annotations

from django.contrib import admin

from tracker.core.admin_history import ReadOnlyInline, WorkflowRecordAdmin
from tracker.milestones.models import Milestone, ProgressUpdate


class MilestoneInline(ReadOnlyInline):
    """A provision's milestones on the provision's admin page (tracker.provisions.admin)."""

    model = Milestone
    fields = (
        "title",
        "responsible_party",
        "lead_organisation",
        "due_date",
        "status",
        "percent_complete",
        "verified_at",
    )
    readonly_fields = fields
    show_change_link = True


@admin.register(Milestone)
class MilestoneAdmin(WorkflowRecordAdmin):
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
    search_fields = (
        "title",
        "title_uk",
        "description",
        "description_uk",
        "provision__reference",
    )
    list_select_related = ("provision", "lead_organisation")
    date_hierarchy = "due_date"
    list_per_page = 50


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(WorkflowRecordAdmin):
    list_display = ("milestone", "author", "created_at", "kind", "old_status", "new_status")
    list_filter = ("kind", "new_status")
    search_fields = ("note", "milestone__title")
    list_select_related = ("milestone", "author")
    date_hierarchy = "created_at"
