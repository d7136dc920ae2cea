from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tracker.disputes.models import Dispute, DisputeEvent


class DisputeEventInline(admin.TabularInline):
    model = DisputeEvent
    extra = 0
    raw_id_fields = ("evidence",)


@admin.register(Dispute)
class DisputeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "raised_by_party", "responding_party", "status", "response_due")
    list_filter = ("status", "raised_by_party", "agreement")
    search_fields = ("title", "description", "resolution")
    filter_horizontal = ("provisions",)
    inlines = [DisputeEventInline]
