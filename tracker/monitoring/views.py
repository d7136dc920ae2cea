from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tracker.accounts.access import viewer_required
from tracker.monitoring.models import MonitoringCheck


@require_GET
@viewer_required
def check_list(request: HttpRequest) -> HttpResponse:
    checks = MonitoringCheck.objects.select_related("provision")[:50]
    return render(request, "monitoring/check_list.html", {"checks": checks})


@require_GET
@viewer_required
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(MonitoringCheck, pk=pk)
    return render(request, "monitoring/check_detail.html", {"check": check})
