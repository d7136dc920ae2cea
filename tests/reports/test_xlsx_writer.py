"""The fast row writer writes what openpyxl's own writer writes."""

from __future__ import annotations

import datetime
import decimal
import io
import zipfile
from xml.etree.ElementTree import canonicalize

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils.exceptions import IllegalCharacterError

from tracker.reports.xlsx import MAX_STRING, PlainRowsSheet, RowWriter, add_sheet


def sample_rows() -> list:
    """Every kind of value a row may hold, and one row given as a generator."""
    return [
        ["plain", 42, -3, 2.5, True, None, "tail", False, 0.1 + 0.2, 10**15],
        ['<tag> & ‘quotes’ "x"', "  padded  ", "Київ — ґанок", "", None, 0, "   ", "a\nb\tc"],
        [datetime.date(2026, 3, 4), datetime.datetime(2026, 3, 4, 15, 30), None],
        [datetime.date(1900, 2, 1), datetime.date(2026, 3, 4), datetime.datetime(2026, 3, 4)],
        ["=SUM(B2:B3)", '\'=HYPERLINK("http://x","y")', "+cmd", "="],
        ["#N/A", "#DIV/0!", "N/A"],
        ["x" * (MAX_STRING + 5), "short"],
        [datetime.time(15, 30), datetime.timedelta(hours=2), decimal.Decimal("1.25")],
        [float("nan"), 1.0, float("inf")],
        (value for value in ["from a generator", 7]),
    ]


def build(fast: bool, rows: list | None = None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = add_sheet(workbook, "Rows") if fast else workbook.create_sheet("Rows")
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].width = 30
    header = WriteOnlyCell(sheet, value="Heading")
    header.font = Font(bold=True)
    sheet.append([header, "Second heading"])
    for row in sample_rows() if rows is None else rows:
        sheet.append(row)
    commented = WriteOnlyCell(sheet, value="with a note")
    commented.comment = Comment("A comment", "Tester")
    sheet.append(["before", commented, "after"])
    linked = WriteOnlyCell(sheet, value="a link")
    linked.hyperlink = "https://example.org/"
    sheet.append([linked, 7])
    sheet.auto_filter.ref = "A1:J7"
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
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", "A1:J7")
    assert sheet["C3"].value == "Київ — ґанок"
    assert sheet["B3"].value == "  padded  "
    assert sheet["A4"].number_format == "yyyy-mm-dd"
    assert sheet["B4"].value == datetime.datetime(2026, 3, 4, 15, 30)
    assert sheet["A6"].data_type == "f"  # a real formula still goes through openpyxl
    assert sheet["A7"].data_type == "e"  # so does an error code
    assert len(sheet["A8"].value) == MAX_STRING  # and text openpyxl cuts


def parts(content: bytes) -> dict[str, str]:
    """The XML parts of a workbook, canonicalised (attribute order, empty-element form);
    docProps are left out, as they hold the time of writing."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: canonicalize(archive.read(name).decode())
            for name in archive.namelist()
            if name.endswith(".xml") and not name.startswith("docProps/")
        }


def test_fast_writer_writes_the_same_xml_as_openpyxl():
    fast, standard = parts(build(fast=True)), parts(build(fast=False))

    assert fast.keys() == standard.keys()
    for name, xml in standard.items():
        assert fast[name] == xml, name


def test_fast_writer_refuses_what_openpyxl_refuses():
    with pytest.raises(IllegalCharacterError):
        build(fast=True, rows=[["bell \x07 inside"]])
    with pytest.raises(TypeError):
        build(fast=True, rows=[[datetime.datetime(2026, 3, 4, tzinfo=datetime.UTC)]])


def test_fast_writer_is_the_sheets_writer():
    workbook = Workbook(write_only=True)
    sheet = add_sheet(workbook, "Rows")

    sheet.append(["first row"])

    assert isinstance(sheet, PlainRowsSheet)
    assert isinstance(sheet._writer, RowWriter)
    assert workbook.worksheets == [sheet]
    workbook.save(io.BytesIO())


def test_plain_rows_are_written_without_openpyxls_cells(monkeypatch):
    workbook = Workbook(write_only=True)
    sheet = add_sheet(workbook, "Rows")
    sent_to_openpyxl = []
    monkeypatch.setattr(
        PlainRowsSheet, "cells", lambda self, values, row: sent_to_openpyxl.append(values) or []
    )

    sheet.append(["text", 1, 2.5, True, datetime.date(2026, 1, 1), None])

    assert sent_to_openpyxl == []
    assert sheet._writer.row_xml(["a & b", None, 3], 9) == (
        '<row r="9"><c r="A9" t="inlineStr"><is><t>a &amp; b</t></is></c>'
        '<c r="C9" t="n"><v>3</v></c></row>'
    )
    workbook.save(io.BytesIO())
