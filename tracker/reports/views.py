from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tracker.accounts.access import viewer_required


@require_GET
@viewer_required
def compliance_report(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/compliance.html", {})
