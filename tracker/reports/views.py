"""The dashboard, the compliance report (preview and its CSV, XLSX and PDF downloads), and
the issued reports (list, issue, detail, download, verify)."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from tracker.accounts.access import viewer_required
from tracker.accounts.models import User
from tracker.accounts.permissions import (
    can_download_issued_report,
    can_export_report,
    can_issue_report,
    can_read_issued_reports,
    can_see_restricted,
)
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.paging import paginate
from tracker.core.sorting import sort_headers
from tracker.core.workspace import workspace_page
from tracker.reports import exporters
from tracker.reports.builder import ComplianceReport
from tracker.reports.dashboard import dashboard_figures
from tracker.reports.filters import IssuedReportFilter
from tracker.reports.forms import IssueForm, ReportFilterForm, VerifyForm
from tracker.reports.issuing import (
    DigestUploadHandler,
    find_issued_file,
    issue_report,
    largest_issued_size,
    visible_issued_reports,
)
from tracker.reports.models import Edition, IssuedFile, IssuedReport

REPORT_TEMPLATE = "reports/compliance.html"


@require_GET
@viewer_required
@workspace_page
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    figures = dashboard_figures(agreement=request.workspace.scope, user=request.user)
    return render(request, "reports/dashboard.html", {"figures": figures})


@require_GET
@viewer_required
@workspace_page
def compliance_report(request: HtmxHttpRequest) -> HttpResponse:
    """The preview with its filters; `?format=csv|xlsx|pdf` downloads the same report."""
    if request.GET.get("edition") == Edition.RESTRICTED and not can_see_restricted(request.user):
        # Refused, not quietly downgraded: a file headed "public" must never be taken
        # for the restricted one, and nothing of the restricted one is shown.
        raise PermissionDenied
    form = ReportFilterForm(request.GET, workspace=request.workspace, user=request.user)
    if not form.is_valid():
        return _refuse_filters(request, form)
    output = form.cleaned_data["format"] or "html"
    if output != "html" and not can_export_report(request.user):
        raise PermissionDenied
    report = ComplianceReport(form.scope(), generated_by=str(request.user))
    if output == "csv":
        return exporters.csv_response(report)
    if output == "xlsx":
        return exporters.xlsx_response(report)
    context = {
        "form": form,
        "report": report,
        "downloads": [
            (label, form.query(format=code))
            for code, label in (("csv", "CSV"), ("xlsx", "XLSX"), ("pdf", "PDF"))
        ],
    }
    if output == "pdf":
        # One line per exception row: WeasyPrint lays out a paragraph several times faster
        # than a table row, which keeps 600 rows within the time a download may take.
        return exporters.pdf_response(report, request, {**context, "compact": True})
    return render_page_or_partial(request, REPORT_TEMPLATE, context, partial="report")


def _refuse_filters(request: HtmxHttpRequest, form: ReportFilterForm) -> HttpResponse:
    """400 with the page and each message next to its field.

    The filter form sits outside the region htmx swaps, and htmx does not swap a 400, so an
    htmx request is sent to the full page, where the message shows next to the field.
    """
    response = render(request, REPORT_TEMPLATE, {"form": form, "report": None}, status=400)
    if request.htmx:
        response["HX-Redirect"] = request.get_full_path()
    return response


# --- Issued reports ---------------------------------------------------------------------

ISSUED_LIST_TEMPLATE = "reports/issued_list.html"


def get_issued_report_for_user(user: User, pk: int) -> IssuedReport:
    """The issued report, for a person who may download it; 404 otherwise (an observer does
    not learn that a restricted edition exists)."""
    if not can_read_issued_reports(user):
        raise PermissionDenied
    issued = get_object_or_404(IssuedReport.objects.select_related("agreement", "issued_by"), pk=pk)
    if not can_download_issued_report(user, issued):
        raise Http404
    return issued


def _issued_list_context(request: HtmxHttpRequest) -> dict[str, Any]:
    reports = visible_issued_reports(request.user).select_related("agreement", "issued_by")
    issued_filter = IssuedReportFilter(
        request.GET, queryset=reports.prefetch_related("files"), request=request
    )
    return {
        "filter": issued_filter,
        "page": paginate(request, issued_filter.qs),
        "headers": sort_headers(issued_filter),
        "mixed": request.workspace.everything and request.workspace.several,
    }


@require_GET
@viewer_required
@workspace_page(allow_all=True)
def issued_list(request: HtmxHttpRequest) -> HttpResponse:
    if not can_read_issued_reports(request.user):
        raise PermissionDenied
    context = {**_issued_list_context(request), "verify_form": VerifyForm()}
    return render_page_or_partial(request, ISSUED_LIST_TEMPLATE, context)


@require_http_methods(["GET", "POST"])
@viewer_required
@workspace_page
def issue(request: HtmxHttpRequest) -> HttpResponse:
    """The form that issues a report of the workspace's agreement."""
    if not can_issue_report(request.user):
        raise PermissionDenied
    agreement = request.workspace.agreement
    status = 200
    if request.method == "POST":
        form = IssueForm(request.POST, agreement=agreement)
        if form.is_valid():
            try:
                issued = issue_report(
                    request.user, form.scope(), language=form.cleaned_data["language"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Report no. %(number)s issued. Its files are frozen as they are now.")
                    % {"number": issued.number},
                )
                url = reverse("reports:issued_detail", args=[issued.pk])
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                return redirect(url)
        status = 400
    else:
        form = IssueForm(agreement=agreement)
    context = {"form": form, "agreement": agreement}
    return render(request, "reports/issue.html", context, status=status)


@require_GET
@viewer_required
def issued_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    issued = get_issued_report_for_user(request.user, pk)
    return render(
        request, "reports/issued_detail.html", {"issued": issued, "files": issued.files.all()}
    )


def issued_file_name(issued_file: IssuedFile) -> str:
    report = issued_file.report
    return (
        f"compliance-report-{report.agreement.short_name}-{report.as_of.isoformat()}"
        f"-issue-{report.number}-{report.edition}.{issued_file.format}"
    )


@require_GET
@viewer_required
def issued_download(request: HtmxHttpRequest, pk: int, file_format: str) -> FileResponse:
    """The stored bytes of one format, as issued: never generated again."""
    issued = get_issued_report_for_user(request.user, pk)
    issued_file = get_object_or_404(issued.files.all(), format=file_format)
    issued_file.report = issued
    try:
        handle = issued_file.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=issued_file_name(issued_file),
        content_type=exporters.CONTENT_TYPES[issued_file.format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # RFC 9530: the digest of the bytes sent, which a client can check on arrival.
    digest = base64.b64encode(bytes.fromhex(issued_file.sha256)).decode("ascii")
    response["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


@csrf_exempt
@require_POST
@viewer_required
def verify(request: HtmxHttpRequest) -> HttpResponse:
    """Whether an uploaded file is exactly one of the issued files.

    The upload is hashed as it streams in and never stored (DigestUploadHandler). Its
    handler must be set before anything reads the body, which CSRF's check does: so the
    check runs after it, in `_verify` (Django's documented pattern for upload handlers).
    """
    if not can_read_issued_reports(request.user):
        raise PermissionDenied
    request.upload_handlers = [DigestUploadHandler(request, limit=largest_issued_size())]
    return _verify(request)


@csrf_protect
@workspace_page(allow_all=True)
def _verify(request: HtmxHttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST, request.FILES)
    status = 200
    match = None
    checked = None
    if form.is_valid():
        checked = form.cleaned_data["file"]
        if checked.sha256 is not None:
            match = find_issued_file(request.user, checked.sha256, checked.size)
    else:
        status = 400
    context = {"verify_form": form, "checked": checked, "match": match}
    if request.htmx:
        return render(request, f"{ISSUED_LIST_TEMPLATE}#verify", context, status=status)
    context.update(_issued_list_context(request))
    return render(request, ISSUED_LIST_TEMPLATE, context, status=status)
