"""The XLSX writer, read back with openpyxl: what a person opening the file finds."""

from __future__ import annotations

import datetime
import io
from types import SimpleNamespace

import pytest
import xlsxwriter
from django.http import FileResponse
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from tracker.reports.exporters import XLSX_OPTIONS, write_sheet
from tracker.reports.tables import Column, Table

TABLE = Table(
    Column("Text", "text", width=40),
    Column("Number", "number"),
    Column("Date", "day"),
    Column("Owner", "owner.name"),
)


def record(text, number=1, day=None, owner="Державна служба") -> SimpleNamespace:
    return SimpleNamespace(text=text, number=number, day=day, owner=SimpleNamespace(name=owner))


def written(records: list) -> tuple:
    """The sheet of `records`, as openpyxl reads it, and the index of its last row."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, XLSX_OPTIONS)
    _sheet, last = write_sheet(workbook, "Rows", TABLE, records)
    workbook.close()
    return load_workbook(io.BytesIO(buffer.getvalue()))["Rows"], last


def test_a_sheet_has_bold_headings_a_frozen_header_and_a_filter_over_its_rows():
    sheet, last = written([record("a"), record("b"), record("c")])

    assert last == 3
    assert [cell.value for cell in sheet[1]] == ["Text", "Number", "Date", "Owner"]
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D4"
    assert sheet.column_dimensions["A"].width == pytest.approx(40, abs=1)


def test_an_empty_table_still_has_its_headings_and_filter():
    sheet, last = written([])

    assert last == 0
    assert [cell.value for cell in sheet[1]] == ["Text", "Number", "Date", "Owner"]
    assert sheet.auto_filter.ref == "A1:D1"


def test_values_keep_their_types_and_text_stays_text():
    day = datetime.date(2026, 3, 4)
    texts = [
        "Київ — ґанок, «Дніпро»",
        "<b>tags</b> & ampersands",
        "  spaces around  ",
        "https://example.org/",  # no link
        "007",  # no number
        "3-4 weeks",
        "a=b",
    ]
    sheet, _last = written([record(text, number=n, day=day) for n, text in enumerate(texts)])

    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == texts
    assert [row[1] for row in rows] == list(range(len(texts)))
    assert {row[2] for row in rows} == {datetime.datetime(2026, 3, 4)}
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert {row[3] for row in rows} == {"Державна служба"}
    assert all(cell.hyperlink is None for row in sheet.iter_rows() for cell in row)
    assert {cell.data_type for cell in sheet["A"][1:]} == {"s"}


def test_empty_values_leave_the_cell_empty():
    sheet, _last = written([record("", number=7, day=None, owner="")])

    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [(None, 7, None, None)]
    assert sheet.auto_filter.ref == "A1:D2"


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
)
def test_text_a_spreadsheet_would_run_is_neutralised_and_never_a_formula(text):
    sheet, _last = written([record(text, owner=text)])

    cells = sheet[2]
    assert {cell.data_type for cell in (cells[0], cells[3])} == {"s"}
    assert unescape(cells[0].value) == unescape(cells[3].value) == "'" + text


def test_negative_numbers_stay_numbers():
    sheet, _last = written([record("x", number=-5), record("y", number=-2.5)])

    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [-5, -2.5]


def test_control_characters_survive_as_excel_escapes():
    sheet, _last = written([record("bell \x07 and a line\nbreak")])

    assert unescape(sheet["A2"].value) == "bell \x07 and a line\nbreak"


def test_headings_are_neutralised_too():
    table = Table(Column("=cmd", "text"))
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, XLSX_OPTIONS)
    write_sheet(workbook, "Rows", table, [record("one column")])
    workbook.close()

    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Rows"]
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("'=cmd", "s")
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [("one column",)]


def test_the_download_is_sent_from_a_file_in_blocks(login, monitor, world):
    response = login(monitor).get(reverse("reports:compliance"), {"format": "xlsx"})

    assert isinstance(response, FileResponse)
    content = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(content)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Summary", "Milestones", "Checks", "Disputes"]
    assert book.properties.title == "Compliance report — Test cooperation agreement"
    assert book.properties.creator == str(monitor)


def test_the_totals_stand_under_the_summary_figures_of_the_same_name(login, monitor, world):
    response = login(monitor).get(reverse("reports:compliance"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Summary"]
    rows = list(sheet.iter_rows(values_only=True))
    headings = rows[0]

    totals = next(row for row in rows if row[0] == "Total")
    named = {heading: value for heading, value in zip(headings, totals, strict=True) if value}
    assert named == {
        "Provision": "Total",
        "Implementation %": 52,
        "Milestones": 6,
        "Completed": 2,
        "Verified": 1,
        "Overdue": 1,
        "Open corrective actions": 1,
        "Open disputes": 1,
    }
