"""A faster row writer for openpyxl's write-only worksheets.

openpyxl binds every value to a cell object (type inference, string checks) and writes the
cell through an XML element tree: at 20,000 milestones and 270,000 cells that was most of
the time of the XLSX download. `PlainRowsSheet` hands a row's values to `RowWriter` as they
are, and `RowWriter` writes the XML of a row of plain values (text, numbers, booleans and
dates) as one string, the XML openpyxl would write for them. A row holding anything else (a
styled cell, a formula, an error code, a comment, a hyperlink, a value openpyxl would refuse
or alter) goes to openpyxl's own cells and row writer, as does every row when the XML
writer is lxml's, which has no raw output.

tests/reports/test_xlsx_writer.py holds its output to openpyxl's own. It leans on openpyxl
3.1 internals (`WorksheetWriter`, a write-only sheet's `_get_writer` and `_values_to_row`,
`Workbook._add_sheet`), which the lock file pins.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter

# openpyxl's longest string; it cuts a longer one, which the fallback then does.
MAX_STRING = 32767
_ERROR_CODES = frozenset(ERROR_CODES)
# How many texts a writer keeps the XML of: the first ones met, so memory stays bounded.
TEXT_CACHE_SIZE = 4096


class PlainRowsSheet(WriteOnlyWorksheet):
    """A write-only worksheet written by RowWriter, which gets the appended values as they
    are. As with any write-only sheet, its layout (freeze panes, column widths) is set
    before the first row."""

    def _get_writer(self) -> None:
        # openpyxl creates the writer at the first row (or on saving an empty sheet).
        if self._writer is None:
            self._writer = RowWriter(self)
            self._writer.write_top()

    def _values_to_row(self, values: Iterable[Any], row_idx: int) -> Iterable[Any]:
        return values

    def cells(self, values: Iterable[Any], row_idx: int) -> Iterator[Any]:
        """openpyxl's cells for `values`, for the rows RowWriter cannot write itself."""
        return super()._values_to_row(values, row_idx)


class RowWriter(WorksheetWriter):
    """openpyxl's worksheet writer, writing rows of plain values as strings of XML."""

    def __init__(self, ws: PlainRowsSheet) -> None:
        super().__init__(ws)
        self._letters: list[str] = []
        # The XML of texts that repeat on many rows (labels, references, organisations).
        self._texts: dict[str, str] = {}
        # A date's style (its number format) and serial number, worked out once each.
        self._date_styles: dict[type, str | None] = {}
        self._serials: dict[datetime.date, str] = {}

    def write_row(self, xf: Any, row: Iterable[Any], row_idx: int) -> None:
        values = row if isinstance(row, list | tuple) else list(row)
        write = getattr(xf, "_file", None)
        if write is not None and row_idx not in self.ws.row_dimensions:
            xml = self.row_xml(values, row_idx)
            if xml is not None:
                write(xml)
                return
        super().write_row(xf, self.ws.cells(values, row_idx), row_idx)

    def row_xml(self, values: list | tuple, row_idx: int) -> str | None:
        """The <row> element of plain values, or None when openpyxl must write the row."""
        letters, texts = self._letters, self._texts
        if len(letters) < len(values):
            letters.extend(get_column_letter(n) for n in range(len(letters) + 1, len(values) + 1))
        parts = [f'<row r="{row_idx}">']
        for letter, value in zip(letters, values, strict=False):
            kind = type(value)
            if kind is str:
                cell = texts.get(value)
                if cell is None:
                    cell = _text_xml(value)
                    if cell is None:
                        return None
                    if len(texts) < TEXT_CACHE_SIZE:
                        texts[value] = cell
                parts.append(f'<c r="{letter}{row_idx}" t="inlineStr"{cell}')
            elif value is None:
                continue
            elif kind is int or kind is float:
                number = safe_string(value)
                if not number:  # NaN or infinity: openpyxl writes an empty value
                    return None
                parts.append(f'<c r="{letter}{row_idx}" t="n"><v>{number}</v></c>')
            elif kind is bool:
                parts.append(f'<c r="{letter}{row_idx}" t="b"><v>{int(value)}</v></c>')
            elif kind is datetime.date or (kind is datetime.datetime and value.tzinfo is None):
                style = self._date_style(kind, value)
                if style is None:
                    return None
                serial = self._serial(value)
                parts.append(f'<c r="{letter}{row_idx}" s="{style}" t="n"><v>{serial}</v></c>')
            else:
                return None
        parts.append("</row>")
        return "".join(parts)

    def _serial(self, value: datetime.date) -> str:
        """Excel's serial number of a date or datetime; a date's, which repeat on many
        rows, is kept."""
        serial = self._serials.get(value)
        if serial is None:
            serial = safe_string(to_excel(value, self.ws.parent.epoch))
            if type(value) is datetime.date:
                self._serials[value] = serial
        return serial

    def _date_style(self, kind: type, value: datetime.date) -> str | None:
        """The style openpyxl gives a cell of this date type (registering it in the
        workbook as openpyxl does), or None when the workbook writes ISO 8601 dates."""
        if kind not in self._date_styles:
            workbook = self.ws.parent
            cell = WriteOnlyCell(self.ws, value=value)
            self._date_styles[kind] = None if workbook.iso_dates else str(cell.style_id)
        return self._date_styles[kind]


def _text_xml(value: str) -> str | None:
    """The rest of a text cell's <c> element after its t attribute, or None for text
    openpyxl treats otherwise (a formula, an error code, illegal characters, too long)."""
    if not value:
        return "/>"
    if len(value) > MAX_STRING or value in _ERROR_CODES:
        return None
    if value[0] == "=" and len(value) > 1:
        return None
    # Characters XML cannot carry are non-printable: most text needs no regex.
    if not value.isprintable() and ILLEGAL_CHARACTERS_RE.search(value):
        return None
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    # openpyxl keeps the spaces around text that is not only spaces.
    if (value[0].isspace() or value[-1].isspace()) and not value.isspace():
        return f'><is><t xml:space="preserve">{value}</t></is></c>'
    return f"><is><t>{value}</t></is></c>"


def add_sheet(workbook: Workbook, title: str) -> PlainRowsSheet:
    """Workbook.create_sheet() of a write-only workbook, with the faster row writer."""
    sheet = PlainRowsSheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)
    return sheet
