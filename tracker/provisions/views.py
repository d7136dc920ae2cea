"""Provision pages: the list, and each provision with its milestones, checks, disputes and the
co-chairs' assessments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from tracker.accounts.access import viewer_required
from tracker.accounts.permissions import can_assess_provision
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.models import Provision
from tracker.core.paging import paginate
from tracker.core.sorting import column_headers, sort_headers
from tracker.core.workspace import enter, workspace_page
from tracker.disputes.queries import provision_disputes
from tracker.milestones.filters import MilestoneFilter
from tracker.milestones.queries import count_statuses, provision_milestones, with_progress
from tracker.milestones.rows import build_rows, has_update_column
from tracker.monitoring.queries import provision_checks
from tracker.provisions import services
from tracker.provisions.filters import ProvisionFilter
from tracker.provisions.forms import AssessmentForm

PROVISIONS_PER_PAGE = 50
DETAIL_TEMPLATE = "provisions/provision_detail.html"


@require_GET
@viewer_required
@workspace_page
def provision_list(request: HtmxHttpRequest) -> HttpResponse:
    provisions = with_progress(Provision.objects.select_related("agreement"))
    provision_filter = ProvisionFilter(request.GET, queryset=provisions, request=request)
    context = {
        "filter": provision_filter,
        "page": paginate(request, provision_filter.qs, PROVISIONS_PER_PAGE),
        "headers": sort_headers(provision_filter),
    }
    return render_page_or_partial(request, "provisions/provision_list.html", context)


def _provision(pk: int) -> Provision:
    """The provision with its progress figures; every role reads every provision."""
    provisions = with_progress(Provision.objects.select_related("agreement"))
    return get_object_or_404(provisions.prefetch_related("minerals"), pk=pk)


@require_GET
@viewer_required
def provision_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    provision = _provision(pk)
    return render(request, DETAIL_TEMPLATE, provision_page_context(request, provision))


def provision_page_context(
    request: HtmxHttpRequest, provision: Provision, assessment_form: AssessmentForm | None = None
) -> dict:
    """Everything the provision page shows; `provision` comes annotated by `with_progress`."""
    enter(request, provision.agreement, switch_to="provision_list")
    # The same rows, inline update form and counters as the milestone list.
    milestones = list(provision_milestones(provision))
    rows = build_rows(request, milestones, reverse("provision_detail", args=[provision.pk]))
    return {
        "provision": provision,
        "rows": rows,
        "update_column": has_update_column(rows),
        # The milestone list's columns, not sortable here.
        "headers": column_headers(MilestoneFilter),
        "milestone_counts": count_statuses(milestones),
        "checks": provision_checks(provision, request.user),
        "disputes": provision_disputes(provision, request.user),
        **_assessments_context(provision, assessment_form),
        "history": provision.history.select_related("history_user")[:20],
    }


def _assessments_context(provision: Provision, form: AssessmentForm | None = None) -> dict:
    return {
        "assessments": services.latest_assessments(provision),
        "assessment_form": form or AssessmentForm(),
    }


@require_POST
@viewer_required
def provision_assess(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    provision = get_object_or_404(Provision, pk=pk)
    if not can_assess_provision(request.user, provision):
        raise PermissionDenied
    form = AssessmentForm(request.POST)
    fragment = f"{DETAIL_TEMPLATE}#assessments"
    if not form.is_valid():
        if request.htmx:
            context = {"provision": provision, **_assessments_context(provision, form)}
            return render(request, fragment, context, status=400)
        context = provision_page_context(request, _provision(pk), assessment_form=form)
        return render(request, DETAIL_TEMPLATE, context, status=400)

    services.record_assessment(
        provision, request.user, form.cleaned_data["level"], form.cleaned_data["note"]
    )
    messages.success(request, gettext("Your assessment is recorded."))
    if request.htmx:
        context = {"provision": provision, **_assessments_context(provision)}
        body = render_to_string(fragment, context, request)
        body += render_to_string("partials/messages.html", {"oob": True}, request)
        return HttpResponse(body)
    return redirect(reverse("provision_detail", args=[provision.pk]) + "#assessments")
