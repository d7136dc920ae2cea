"""The audit page: every change, newest first, with the chain's state as last verified."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from tracker.accounts.access import viewer_required
from tracker.accounts.permissions import can_view_audit
from tracker.audit.filters import AuditFilter
from tracker.audit.models import AuditEntry, ChainHead, ChainVerification
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.paging import paginate
from tracker.core.sorting import sort_headers


@require_GET
@viewer_required
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    if not can_view_audit(request.user):
        raise PermissionDenied
    audit_filter = AuditFilter(
        request.GET, queryset=AuditEntry.objects.select_related("actor"), request=request
    )
    head = ChainHead.objects.filter(pk=1).first()
    context = {
        "filter": audit_filter,
        "page": paginate(request, audit_filter.qs),
        "headers": sort_headers(audit_filter),
        "verification": ChainVerification.objects.first(),
        "chain_length": head.seq if head else 0,
    }
    return render_page_or_partial(request, "audit/audit_list.html", context)
