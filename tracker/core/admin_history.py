"""The admin's base classes for records with a history: no silent rewrites.

Every model people edit keeps its django-simple-history (and so its audit entries). In the
admin that history is read, never replayed: ``SIMPLE_HISTORY_REVERT_DISABLED`` hides the
"Revert" button, and `HistoryAdmin` refuses the POST that simple-history's page of a past
version would otherwise still save for anyone who may view the record.

`WorkflowRecordAdmin` is for the records the tracker's workflows write — milestones' progress
log, evidence, checks, corrective actions, disputes and their timelines: the admin lists and
shows them and their history, and offers no add, change or delete. Corrections go through
the tracker's services, which check the rules and ask for a reason; evidence is withdrawn,
never deleted.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class WorkflowRecordAdmin(ReadOnlyMixin, HistoryAdmin):
    pass


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
