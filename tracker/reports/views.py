"""The dashboard and the compliance report (preview and its CSV, XLSX and PDF downloads)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tracker.accounts.access import viewer_required
from tracker.accounts.permissions import can_export_report
from tracker.core.http import HtmxHttpRequest, render_page_or_partial
from tracker.core.workspace import workspace_page
from tracker.reports import exporters
from tracker.reports.builder import ComplianceReport
from tracker.reports.dashboard import dashboard_figures
from tracker.reports.forms import ReportFilterForm

REPORT_TEMPLATE = "reports/compliance.html"


@require_GET
@viewer_required
@workspace_page
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    figures = dashboard_figures(agreement=request.workspace.scope)
    return render(request, "reports/dashboard.html", {"figures": figures})


@require_GET
@viewer_required
@workspace_page
def compliance_report(request: HtmxHttpRequest) -> HttpResponse:
    """The preview with its filters; `?format=csv|xlsx|pdf` downloads the same report."""
    form = ReportFilterForm(request.GET, workspace=request.workspace)
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
