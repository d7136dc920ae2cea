from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.accounts.access import viewer_required
from tracker.core.filters import ProvisionFilter
from tracker.core.http import HtmxHttpRequest
from tracker.core.models import Provision
from tracker.disputes.queries import provision_disputes
from tracker.milestones.queries import with_progress
from tracker.monitoring.queries import provision_checks


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 with an empty body when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(status=503, content_type="text/plain")
    return HttpResponse(status=200, content_type="text/plain")


@require_GET
@viewer_required
def provision_list(request: HtmxHttpRequest) -> HttpResponse:
    provisions = with_progress(Provision.objects.select_related("agreement"))
    provision_filter = ProvisionFilter(request.GET, queryset=provisions, request=request)
    template = "core/provision_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"filter": provision_filter})


@require_GET
@viewer_required
def provision_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    provision = get_object_or_404(
        with_progress(Provision.objects.select_related("agreement").prefetch_related("minerals")),
        pk=pk,
    )
    milestones = provision.milestones.select_related("lead_organisation").order_by("due_date")
    return render(
        request,
        "core/provision_detail.html",
        {
            "provision": provision,
            "milestones": milestones,
            "checks": provision_checks(provision),
            "disputes": provision_disputes(provision),
            "history": provision.history.select_related("history_user")[:20],
        },
    )
