"""Admin of disputes: shown with their timeline and history, never changed here.

A dispute is raised, moved and commented on in the tracker (tracker.disputes.services), which
writes its timeline with each move (tracker.core.admin_history).
"""

from django.contrib import admin

from tracker.core.admin_history import ReadOnlyInline, WorkflowRecordAdmin
from tracker.disputes.models import Dispute, DisputeEvent, DisputeProposal


class DisputeEventInline(ReadOnlyInline):
    """The timeline is append-only: the admin shows it and changes none of it."""

    model = DisputeEvent
    fields = ("created_at", "kind", "author", "from_status", "to_status", "text")
    readonly_fields = fields


class DisputeProposalInline(ReadOnlyInline):
    """Two-key proposals are decided by the co-chairs in the tracker; the admin shows them."""

    model = DisputeProposal
    fields = (
        "proposed_at",
        "decision",
        "proposed_by",
        "proposer_party",
        "text",
        "outcome",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    readonly_fields = fields


@admin.register(Dispute)
class DisputeAdmin(WorkflowRecordAdmin):
    list_display = ("title", "raised_by_party", "responding_party", "status", "response_due")
    list_filter = ("status", "raised_by_party", "agreement")
    search_fields = ("title", "description", "resolution")
    inlines = [DisputeProposalInline, DisputeEventInline]


@admin.register(DisputeEvent)
class DisputeEventAdmin(WorkflowRecordAdmin):
    list_display = ("dispute", "kind", "author", "created_at", "to_status")
    list_filter = ("kind",)
    search_fields = ("text", "dispute__title")
    list_select_related = ("dispute", "author")
