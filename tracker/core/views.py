from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from tracker.accounts.access import viewer_required
from tracker.core.filters import ProvisionFilter
from tracker.core.http import HtmxHttpRequest
from tracker.core.models import Provision
from tracker.disputes.queries import provision_disputes
from tracker.milestones.queries import count_statuses, provision_milestones, with_progress
from tracker.milestones.rows import build_rows
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


PROVISIONS_PER_PAGE = 50


@require_GET
@viewer_required
@vary_on_headers("HX-Request")
def provision_list(request: HtmxHttpRequest) -> HttpResponse:
    provisions = with_progress(Provision.objects.select_related("agreement"))
    provision_filter = ProvisionFilter(request.GET, queryset=provisions, request=request)
    page = Paginator(provision_filter.qs, PROVISIONS_PER_PAGE).get_page(request.GET.get("page"))
    template = "core/provision_list.html"
    # Filters, sorting and paging swap only the results; a history restore (back button
    # after the cache is gone) and a boosted link need the whole page.
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, {"filter": provision_filter, "page": page})


@require_GET
@viewer_required
def provision_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    provision = get_object_or_404(
        with_progress(Provision.objects.select_related("agreement").prefetch_related("minerals")),
        pk=pk,
    )
    return render(request, "core/provision_detail.html", provision_page_context(request, provision))


def provision_page_context(request: HtmxHttpRequest, provision: Provision) -> dict:
    """Everything the provision page shows; `provision` comes annotated by `with_progress`."""
    # The same rows, inline update form and counters as the milestone list.
    milestones = list(provision_milestones(provision))
    return {
        "provision": provision,
        "rows": build_rows(request, milestones, reverse("provision_detail", args=[provision.pk])),
        "milestone_counts": count_statuses(milestones),
        "checks": provision_checks(provision),
        "disputes": provision_disputes(provision),
        "history": provision.history.select_related("history_user")[:20],
    }
