"""The report's downloads: CSV (streamed), XLSX (XlsxWriter) and PDF (WeasyPrint).

All three render the same ComplianceReport as the HTML preview; the CSV and the XLSX write
the tables of tracker/reports/tables.py. Text that a spreadsheet could read as a formula is
neutralised in both (neutralise()); numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import batched
from typing import IO, Any

import xlsxwriter
from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from xlsxwriter.worksheet import Worksheet

from tracker.reports.builder import ComplianceReport
from tracker.reports.tables import (
    CHECKS_SHEET,
    CSV_MILESTONE,
    CSV_PROVISION_FIGURES,
    DISPUTES_SHEET,
    MILESTONES_SHEET,
    SUMMARY_SHEET,
    Table,
)

# A cell that starts with one of these is a formula (or the start of one) to Excel,
# LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The CSV goes out in chunks of this many rows rather than one write per row.
CSV_ROWS_PER_CHUNK = 500

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Only text: -3 is a number and stays one; "-3" typed in a note is text and is quoted.
    Every text cell of the CSV and the XLSX goes through here.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralised(values: Iterable[Any]) -> list[Any]:
    """A row of cells through neutralise(); numbers, dates and None, half of a milestone's
    row, skip the call."""
    return [neutralise(value) if type(value) is str else value for value in values]


def filename(report: ComplianceReport, extension: str) -> str:
    short_name = report.agreement.short_name if report.agreement else "none"
    return f"compliance-report-{short_name}-{report.day.isoformat()}.{extension}"


def attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- CSV --------------------------------------------------------------------------------


class Echo:
    """The one method of a file csv.writer needs, handing back what it is given: each
    writerow() then returns its line (Django's recipe for streaming large CSV files)."""

    def write(self, value: str) -> str:
        return value


def csv_line_writer(end: str = "\r\n") -> Callable[[Iterable[Any]], str]:
    """A function that returns a row of values as CSV text ending in `end`, every cell
    neutralised. csv.writer writes None as an empty field and a date in ISO 8601."""
    writerow = csv.writer(Echo(), lineterminator=end).writerow
    return lambda values: writerow(neutralised(values))


def csv_lines(report: ComplianceReport) -> Iterator[str]:
    """The header block, a blank line, then one row per milestone: its provision's figures,
    then its own columns. The byte order mark lets Excel read the file as UTF-8 (Ukrainian
    text)."""
    line = csv_line_writer()
    headings = CSV_PROVISION_FIGURES.headings() + CSV_MILESTONE.headings()
    # The header goes out before any milestone is read: the first byte leaves at once.
    yield "\ufeff" + "".join(map(line, [*report.header(), (), headings]))
    # A provision's figures are the same on each of its rows: written once, then repeated,
    # each followed by the comma that separates them from the milestone's columns.
    leading = csv_line_writer(end="")
    figures = {
        provision.id: leading(CSV_PROVISION_FIGURES.values(provision)) + ","
        for provision in report.provisions
    }
    milestone = CSV_MILESTONE.values
    for records in batched(report.milestone_records(), CSV_ROWS_PER_CHUNK):
        yield "".join(figures[record.provision.id] + line(milestone(record)) for record in records)


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

# constant_memory: each row goes to a temporary file as soon as the next one starts, so
# memory stays flat whatever the number of rows (rows must come in order, which they do).
# Text stays text: no formulas, links or numbers read into a string.
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": "yyyy-mm-dd",
}


def write_sheet(
    workbook: xlsxwriter.Workbook, title: str, table: Table, records: Iterable[Any]
) -> tuple[Worksheet, int]:
    """A sheet of the table: bold headings on a frozen first row, an auto-filter over the
    rows. Returns the sheet and the index of its last row, for what follows the table."""
    sheet = workbook.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(table.columns):
        if column.width:
            sheet.set_column(index, index, column.width)
    sheet.write_row(0, 0, neutralised(table.headings()), workbook.add_format({"bold": True}))
    last = 0
    for last, values in enumerate(table.rows(records), start=1):
        sheet.write_row(last, 0, neutralised(values))
    sheet.autofilter(0, 0, last, len(table.columns) - 1)
    return sheet, last


def write_xlsx(report: ComplianceReport, output: str | IO[bytes]) -> None:
    """Sheets Summary, Milestones, Checks and Disputes; the report's header block follows
    the Summary table, after its totals.

    Unlike the CSV, which repeats a provision's figures on each of its milestone rows so
    that one file stands alone, the Milestones sheet names the provision by reference and
    the Summary sheet holds its figures once."""
    title = _("Compliance report")
    if report.agreement:
        title = f"{title} — {report.agreement.display_title}"
    # Closing the workbook (at the end of the block) writes the file and removes the
    # temporary files of its sheets.
    with xlsxwriter.Workbook(output, XLSX_OPTIONS) as workbook:
        workbook.set_properties(
            {"title": title, "author": report.generated_by, "created": report.generated_at}
        )
        summary, last = write_sheet(workbook, _("Summary"), SUMMARY_SHEET, report.provisions)
        # The totals stand under the figures of the same name; the other cells stay empty.
        totals = [getattr(report.totals, column.value, None) for column in SUMMARY_SHEET.columns]
        summary.write_row(last + 2, 0, neutralised([_("Total"), *totals[1:]]))
        for row, pair in enumerate(report.header(), start=last + 4):
            summary.write_row(row, 0, neutralised(pair))
        write_sheet(workbook, _("Milestones"), MILESTONES_SHEET, report.milestone_records())
        write_sheet(workbook, _("Checks"), CHECKS_SHEET, report.check_records())
        write_sheet(workbook, _("Disputes"), DISPUTES_SHEET, report.dispute_records())


def xlsx_response(report: ComplianceReport) -> FileResponse:
    """The workbook is assembled in a temporary file and sent from there in blocks, so the
    file is never held in memory whole; the file goes when the response is closed."""
    # Not a with block: FileResponse closes the file once the last block is sent.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        write_xlsx(report, output)
        output.seek(0)
    except BaseException:
        output.close()
        raise
    response = FileResponse(output, content_type=CONTENT_TYPES["xlsx"])
    return attachment(response, filename(report, "xlsx"))


# --- PDF --------------------------------------------------------------------------------


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict:
    # The document is self-contained; nothing in it may make the server fetch a URL.
    raise ValueError(f"The PDF of the report fetches nothing: {url}")


def csv_bytes(report: ComplianceReport) -> bytes:
    """The whole CSV at once, as an issued report stores it."""
    return "".join(csv_lines(report)).encode("utf-8")


def xlsx_bytes(report: ComplianceReport) -> bytes:
    """The whole workbook at once, as an issued report stores it."""
    with tempfile.TemporaryFile() as output:
        write_xlsx(report, output)
        output.seek(0)
        return output.read()


def pdf_bytes(
    report: ComplianceReport, request: HttpRequest | None, context: dict[str, Any]
) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("reports/compliance.html#pdf", context, request=request)
    stylesheet = CSS(filename=finders.find("css/report-pdf.css"), url_fetcher=_no_fetching)
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[stylesheet])


def pdf_response(
    report: ComplianceReport, request: HttpRequest, context: dict[str, Any]
) -> HttpResponse:
    response = HttpResponse(pdf_bytes(report, request, context), content_type=CONTENT_TYPES["pdf"])
    return attachment(response, filename(report, "pdf"))
