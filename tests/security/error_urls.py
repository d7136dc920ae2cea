"""The tracker's URLs plus views that fail on purpose, to test the error pages."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from tracker.urls import urlpatterns as tracker_urlpatterns


def fail_with_500(request):
    raise RuntimeError("a deliberate failure to test the 500 page")


def fail_with_403(request):
    raise PermissionDenied


def fail_with_400(request):
    raise SuspiciousOperation("a deliberate bad request")


urlpatterns = [
    *tracker_urlpatterns,
    path("test-errors/500/", fail_with_500),
    path("test-errors/403/", fail_with_403),
    path("test-errors/400/", fail_with_400),
]
