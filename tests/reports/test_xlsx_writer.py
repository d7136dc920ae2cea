"""The fast row writer writes what openpyxl's own writer writes."""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font

from tracker.reports.xlsx import RowWriter, use_row_writer


def build(fast: bool) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rows")
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 30
    if fast:
        use_row_writer(sheet)
    header = WriteOnlyCell(sheet, value="Heading")
    header.font = Font(bold=True)
    sheet.append([header, "Second heading"])
    sheet.append(["plain", 42, -3, 2.5, True, None, "tail"])
    sheet.append(['<tag> & ‘quotes’ "x"', "  padded  ", "Київ — ґанок", "", None, 0])
    sheet.append([datetime.date(2026, 3, 4), datetime.datetime(2026, 3, 4, 15, 30), None])
    sheet.append(["=SUM(B2:B3)", '\'=HYPERLINK("http://x","y")', "+cmd"])
    commented = WriteOnlyCell(sheet, value="with a note")
    commented.comment = Comment("A comment", "Tester")
    sheet.append(["before", commented, "after"])
    linked = WriteOnlyCell(sheet, value="a link")
    linked.hyperlink = "https://example.org/"
    sheet.append([linked, 7])
    sheet.auto_filter.ref = "A1:G7"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(content: bytes) -> list[list[tuple]]:
    sheet = load_workbook(io.BytesIO(content))["Rows"]
    return [
        [
            (
                cell.coordinate,
                cell.value,
                cell.data_type,
                cell.number_format,
                cell.font.bold,
                cell.comment.text if cell.comment else None,
                cell.hyperlink.target if cell.hyperlink else None,
            )
            for cell in row
        ]
        for row in sheet.iter_rows()
    ]


def test_fast_writer_output_reads_back_the_same_as_openpyxls():
    fast, standard = build(fast=True), build(fast=False)

    assert read(fast) == read(standard)
    sheet = load_workbook(io.BytesIO(fast))["Rows"]
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:G7")
    assert sheet["C3"].value == "Київ — ґанок"
    assert sheet["B3"].value == "  padded  "
    assert sheet["A5"].data_type == "f"  # a real formula still goes through openpyxl


def test_fast_writer_is_the_sheets_writer():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rows")

    use_row_writer(sheet)

    assert isinstance(sheet._writer, RowWriter)
