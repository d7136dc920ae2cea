from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.disputes.models import Dispute, DisputeEvent, DisputeProposal


class DisputeEventInline(admin.TabularInline):
    """The timeline is append-only: the admin shows it and changes none of it."""

    model = DisputeEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "author", "from_status", "to_status", "text")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DisputeProposalInline(admin.TabularInline):
    """Two-key proposals are decided by the co-chairs in the tracker; the admin shows them."""

    model = DisputeProposal
    extra = 0
    can_delete = False
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

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dispute)
class DisputeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "raised_by_party", "responding_party", "status", "response_due")
    list_filter = ("status", "raised_by_party", "agreement")
    search_fields = ("title", "description", "resolution")
    autocomplete_fields = ("agreement", "provisions", "raised_by")
    # Status moves go through tracker.disputes.services, which writes the timeline with them.
    readonly_fields = ("status", "resolution", "resolved_on", "raised_by_party", "responding_party")
    inlines = [DisputeProposalInline, DisputeEventInline]

    def has_add_permission(self, request) -> bool:
        # A dispute is raised by a delegation through the tracker, which opens its timeline.
        return False
