from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tracker.accounts.access import viewer_required
from tracker.disputes.models import Dispute


@require_GET
@viewer_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    return render(request, "disputes/dispute_list.html", {"disputes": Dispute.objects.all()[:50]})


@require_GET
@viewer_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(Dispute, pk=pk)
    return render(request, "disputes/dispute_detail.html", {"dispute": dispute})
