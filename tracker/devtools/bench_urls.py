"""The tracker's URLs plus the benchmark's floor and a second admin site.

The floor is a bare view behind the same middleware: it answers without touching the database
or a template, so its time is what every page pays before its own work (middleware, session,
routing, the WSGI server).

The second admin site lists milestones as the admin did before it became read-only (change
and delete allowed, so each row has its checkbox and the page its actions form). The filtered
list's guardrail was set against that page; the benchmark times both admin pages so the
report shows how much of the ratio's change is the yardstick's (docs/performance.md).
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tracker import urls as tracker_urls
from tracker.accounts.admin_site import TrackerAdminSite
from tracker.milestones.admin import MilestoneAdmin
from tracker.milestones.models import Milestone


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


class EditableMilestoneAdmin(MilestoneAdmin):
    """The milestone admin with Django's own change and delete permission checks."""

    def has_change_permission(self, request, obj=None) -> bool:
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


# The tracker's admin site class (second factor required), under its own name.
editable_site = TrackerAdminSite(name="bench_editable_admin")
editable_site.register(Milestone, EditableMilestoneAdmin)

urlpatterns = [
    path("__bench__/floor", floor, name="bench_floor"),
    path("__bench__/admin/", editable_site.urls),
    *tracker_urls.urlpatterns,
]

# Keep the project's error pages.
for _code in ("400", "403", "404", "500"):
    if hasattr(tracker_urls, f"handler{_code}"):
        globals()[f"handler{_code}"] = getattr(tracker_urls, f"handler{_code}")
