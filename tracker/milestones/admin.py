"""Admin of milestones: staff add planned milestones; an existing milestone is read-only.

No silent rewrites (tracker.core.admin_history): a milestone that exists changes only through
the tracker — its status, progress and verification through tracker/milestones/services.py,
which checks the rules and writes the progress log, and its plan (title, due date, lead) on
the planning pages, with a reason. The admin shows it and its history, with no change,
delete or revert. Adding a milestone (here or as a row of its provision's page) is planning,
not a rewrite, and stays open: it is recorded in the history and the audit log like any
change. The progress log itself is read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tracker.core.admin_history import HistoryAdmin, WorkflowRecordAdmin
from tracker.milestones.models import Milestone, ProgressUpdate

WORKFLOW_FIELDS = (
    "status",
    "percent_complete",
    "completed_on",
    "verified_by",
    "verified_at",
    "version",
)

DUE_DATE_HELP = _(
    "Set when the milestone is added. Moving it later is re-planning: do it on the "
    "milestone's planning page, which asks for the reason and keeps the first (baseline) date."
)


class MilestoneAdminForm(forms.ModelForm):
    class Meta:
        model = Milestone
        # What staff edit; the workflow fields are shown read-only beside these.
        fields = (
            "provision",
            "title",
            "title_uk",
            "description",
            "description_uk",
            "responsible_party",
            "lead_organisation",
            "due_date",
        )
        help_texts = {"due_date": DUE_DATE_HELP}


class MilestoneInlineForm(MilestoneAdminForm):
    """A row of a provision's milestones: a new row takes a due date, an existing one shows
    its date and ignores any other value posted for it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["due_date"].disabled = True


class MilestoneInline(admin.TabularInline):
    """A provision's milestones on the provision's admin page (tracker.provisions.admin)."""

    model = Milestone
    form = MilestoneInlineForm
    extra = 0
    fields = (
        "title",
        "title_uk",
        "responsible_party",
        "lead_organisation",
        "due_date",
        "status",
        "percent_complete",
        "verified_at",
    )
    readonly_fields = ("status", "percent_complete", "verified_at")
    autocomplete_fields = ("lead_organisation",)
    show_change_link = True

    # New rows only: the existing ones are shown, not changed or deleted.
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    form = MilestoneAdminForm
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
    autocomplete_fields = ("provision", "lead_organisation")

    def get_readonly_fields(self, request, obj: Milestone | None = None) -> tuple[str, ...]:
        if obj is None:
            return WORKFLOW_FIELDS
        return (*WORKFLOW_FIELDS, "due_date")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(WorkflowRecordAdmin):
    list_display = ("milestone", "author", "created_at", "kind", "old_status", "new_status")
    list_filter = ("kind", "new_status")
    search_fields = ("note", "milestone__title")
    list_select_related = ("milestone", "author")
    date_hierarchy = "created_at"
