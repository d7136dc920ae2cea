"""The tracker's URLs plus the benchmark's floor: a bare view behind the same middleware.

The floor answers without touching the database or a template, so its time is what every
page pays before its own work (middleware, session, routing, the WSGI server).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from tracker import urls as tracker_urls


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("__bench__/floor", floor, name="bench_floor"), *tracker_urls.urlpatterns]

# Keep the project's error pages.
for _code in ("400", "403", "404", "500"):
    if hasattr(tracker_urls, f"handler{_code}"):
        globals()[f"handler{_code}"] = getattr(tracker_urls, f"handler{_code}")
