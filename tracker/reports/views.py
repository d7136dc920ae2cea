from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tracker.accounts.access import viewer_required
from tracker.core.models import Provision
from tracker.milestones.queries import with_progress


@require_GET
@viewer_required
def dashboard(request: HttpRequest) -> HttpResponse:
    provisions = with_progress(Provision.objects.select_related("agreement"))
    return render(request, "reports/dashboard.html", {"provisions": provisions})


@require_GET
@viewer_required
def compliance_report(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/compliance.html", {})
