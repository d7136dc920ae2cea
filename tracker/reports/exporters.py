"""The report's downloads: CSV (streamed), XLSX (openpyxl write-only) and PDF (WeasyPrint).

All three render the same ComplianceReport as the HTML preview. Text that a spreadsheet
could read as a formula is neutralised in the CSV and the XLSX; numbers and dates stay
numbers and dates.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tracker.reports.builder import (
    ComplianceReport,
    check_headers,
    dispute_headers,
    milestone_headers,
    milestone_sheet_headers,
    summary_headers,
)
from tracker.reports.xlsx import PlainRowsSheet, add_sheet

# A cell that starts with one of these is a formula (or the start of one) to Excel,
# LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)
CSV_ROWS_PER_CHUNK = 500

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Only text: -3 is a number and stays one; "-3" typed in a note is text and is quoted.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def filename(report: ComplianceReport, extension: str) -> str:
    short_name = report.agreement.short_name if report.agreement else "none"
    return f"compliance-report-{short_name}-{report.day.isoformat()}.{extension}"


def attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- CSV --------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    """A cell of the header block or of a provision's columns, as csv.writer takes it."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value)


def _csv_text(rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


# csv.writer (excel dialect, minimal quoting) quotes a field holding one of these.
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def csv_field(value: str | None) -> str:
    """Text as csv.writer writes it in a row of several fields, neutralised.

    The milestone rows are joined here rather than by csv.writer: at 20,000 rows its
    per-row call and the per-cell conversions cost more than the rest of the formatting.
    tests/reports/test_csv_field.py holds this to csv.writer's output."""
    if not value:
        return ""
    if value[0] in _FORMULA_STARTS:
        value = "'" + value
    if _NEEDS_QUOTES.search(value) is None:
        return value
    return '"' + value.replace('"', '""') + '"'


class _FieldCache(dict[str, str]):
    """csv_field() of texts that repeat on many rows (labels, organisations), computed once."""

    def __missing__(self, value: str) -> str:
        field = self[value] = csv_field(value)
        return field


def csv_lines(report: ComplianceReport) -> Iterator[str]:
    """The header block, a blank line, then one row per milestone with its provision's
    columns. The byte order mark lets Excel read the file as UTF-8 (Ukrainian text)."""
    head = [[_csv_cell(key), _csv_cell(value)] for key, value in report.header()]
    head += [[], [_csv_cell(title) for title in milestone_headers()]]
    # The header goes out before any milestone is read: the first byte leaves at once.
    yield "\ufeff" + _csv_text(head)
    # A provision's columns are the same on each of its rows: written once, then reused.
    prefixes = {
        row.id: _csv_text([[_csv_cell(value) for value in row.columns()]])[:-2] + ","
        for row in report.provisions
    }
    repeated = _FieldCache()
    chunk: list[str] = []
    # Each milestone's own columns (builder.milestone_column_headers()), formatted here by
    # position: numbers as they are, dates in ISO 8601, text through csv_field().
    for provision_id, (
        milestone_id,
        title,
        party,
        organisation,
        due_date,
        status,
        percent,
        completed_on,
        schedule,
        verified,
        verified_on,
        note,
    ) in report.milestone_parts():
        chunk.append(
            f"{prefixes[provision_id]}{milestone_id},{csv_field(title)},{repeated[party]},"
            f"{repeated[organisation]},{due_date.isoformat()},{repeated[status]},{percent},"
            f"{completed_on.isoformat() if completed_on else ''},{repeated[schedule]},"
            f"{repeated[verified]},{verified_on.isoformat() if verified_on else ''},"
            f"{csv_field(note)}\r\n"
        )
        if len(chunk) >= CSV_ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def _in_language(language: str, lines: Iterable[str]) -> Iterator[str]:
    # The response is written after the view returns; keep the reader's language meanwhile.
    with translation.override(language):
        yield from lines


def csv_response(report: ComplianceReport) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _in_language(translation.get_language(), csv_lines(report)),
        content_type=CONTENT_TYPES["csv"],
    )
    return attachment(response, filename(report, "csv"))


# --- XLSX -------------------------------------------------------------------------------


def _xlsx_cell(value: Any) -> Any:
    if type(value) is str:
        if not value:
            return None  # openpyxl skips an empty cell; an empty string it would write out
        # Control characters other than tab and newlines are not allowed in the file format;
        # they are all non-printable, so printable text (nearly all) skips the regex.
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + value if value[:1] in _FORMULA_STARTS else value  # neutralise()
    return value


def _sheet(
    workbook: Workbook,
    title: str,
    headers: list[str],
    rows: Iterable[tuple],
    widths: dict[int, int],
) -> PlainRowsSheet:
    sheet = add_sheet(workbook, title)
    # Write-only sheets take layout before the first row.
    sheet.freeze_panes = "A2"
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_cell(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    append, cell_value = sheet.append, _xlsx_cell
    for row in rows:
        # Only text needs a look: numbers, dates and None go as they are.
        append([cell_value(value) if type(value) is str else value for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return sheet


def xlsx_bytes(report: ComplianceReport) -> bytes:
    """Sheets Summary, Milestones, Checks and Disputes; each with its header row frozen and
    an auto-filter over its table. The report's header block follows the Summary table.

    Unlike the CSV, which repeats a provision's figures on each of its milestone rows so
    that one file stands alone, the Milestones sheet names the provision by reference and
    the Summary sheet holds its figures once."""
    workbook = Workbook(write_only=True)
    title = _("Compliance report")
    workbook.properties.title = (
        f"{title} — {report.agreement.display_title}" if report.agreement else title
    )
    workbook.properties.creator = report.generated_by
    workbook.properties.created = report.generated_at.replace(tzinfo=None)

    summary = _sheet(
        workbook,
        _("Summary"),
        summary_headers(),
        report.summary_rows(),
        {1: 12, 2: 48, 3: 28, 4: 18},
    )
    summary.append([])
    summary.append([_xlsx_cell(_("Total")), "", "", "", "", "", *_totals(report)])
    summary.append([])
    for label, value in report.header():
        summary.append([_xlsx_cell(label), _xlsx_cell(value)])

    _sheet(
        workbook,
        _("Milestones"),
        milestone_sheet_headers(),
        report.milestone_sheet_rows(),
        {3: 48, 5: 32, 13: 60},
    )
    _sheet(workbook, _("Checks"), check_headers(), report.check_rows(), {5: 40, 8: 48, 10: 48})
    _sheet(workbook, _("Disputes"), dispute_headers(), report.dispute_rows(), {2: 48, 11: 48})

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _totals(report: ComplianceReport) -> list[Any]:
    totals = report.totals
    return [
        totals.percent,
        totals.total,
        totals.completed,
        totals.verified,
        totals.overdue,
        "",
        None,
        totals.open_actions,
        totals.open_disputes,
    ]


def xlsx_response(report: ComplianceReport) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(report), content_type=CONTENT_TYPES["xlsx"])
    return attachment(response, filename(report, "xlsx"))


# --- PDF --------------------------------------------------------------------------------


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict:
    # The document is self-contained; nothing in it may make the server fetch a URL.
    raise ValueError(f"The PDF of the report fetches nothing: {url}")


def pdf_bytes(report: ComplianceReport, request: HttpRequest, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("reports/compliance.html#pdf", context, request=request)
    stylesheet = CSS(filename=finders.find("css/report-pdf.css"), url_fetcher=_no_fetching)
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[stylesheet])


def pdf_response(
    report: ComplianceReport, request: HttpRequest, context: dict[str, Any]
) -> HttpResponse:
    response = HttpResponse(pdf_bytes(report, request, context), content_type=CONTENT_TYPES["pdf"])
    return attachment(response, filename(report, "pdf"))
