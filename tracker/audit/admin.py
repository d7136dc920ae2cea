"""The audit log in the admin: shown, never changed (the /audit/ page is the reader's view)."""

from django.contrib import admin

from tracker.audit.models import AuditEntry, ChainVerification
from tracker.core.admin_history import ReadOnlyMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("seq", "at", "actor_name", "model", "object_id", "change_type", "reason")
    list_filter = ("model", "change_type")
    search_fields = ("object_repr", "reason", "actor_name", "hash")
    date_hierarchy = "at"
    list_per_page = 50


@admin.register(ChainVerification)
class ChainVerificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "ok", "entries_checked", "first_bad_seq", "message")
    list_filter = ("ok",)
