"""Reading an uploaded plan: an XLSX workbook (sheets Provisions and Milestones) or one CSV
file per sheet, into tables of rows by column name, or a FileProblem saying why not.

The columns of each sheet are COLUMNS; the first row must name every one of them, in any
order (names in English, case ignored).

Reading: openpyxl, read-only, with ``data_only=False``, so a formula comes back as its text
(``=A1*2``) and is never evaluated, nor its cached result used; with defusedxml installed
openpyxl parses the workbook's XML without entity expansion. Before openpyxl opens it, the
ZIP container is checked: macros (vbaProject, macro-enabled content types) and external
links are refused, and so is a container that unpacks to more than MAX_UNPACKED_BYTES.
tablib (and django-import-export, built on it) read XLSX with ``data_only=True``, i.e. the
cached results of formulas, and django-import-export saves rows through its own resources
rather than these services; the CSV side needs only Python's csv module.

Limits: MAX_BYTES per file, MAX_ROWS rows in all (and no sheet reaching past that row);
cells beyond MAX_COLUMNS are not read. A file that cannot be read gets one clear message and
nothing is saved.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from xml.etree.ElementTree import ParseError

from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from tracker.planning.models import PendingImport

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX is a ZIP of XML; 5 MB of it rarely unpacks to more than 60 MB.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Cells further right than this are not read (the widest sheet has nine columns).
MAX_COLUMNS = 40
PROVISIONS, MILESTONES = "Provisions", "Milestones"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str | Promise


COLUMNS: dict[str, tuple[Column, ...]] = {
    PROVISIONS: (
        Column("reference", True, gettext_lazy("The provision's reference, e.g. P-03.")),
        Column("title", True, gettext_lazy("Title in English.")),
        Column("title_uk", False, gettext_lazy("Title in Ukrainian.")),
        Column("text", False, gettext_lazy("Text of the commitment in English.")),
        Column("text_uk", False, gettext_lazy("Text of the commitment in Ukrainian.")),
        Column("category", True, gettext_lazy("One of the category codes, or its name.")),
        Column("responsible_party", True, gettext_lazy("US, UA or JOINT.")),
        Column("minerals", False, gettext_lazy("Mineral names, separated by commas.")),
        Column("stages", False, gettext_lazy("Value-chain stages, separated by commas.")),
    ),
    MILESTONES: (
        Column("provision_reference", True, gettext_lazy("The reference of its provision.")),
        Column(
            "title", True, gettext_lazy("Title in English; with the reference, it names the row.")
        ),
        Column("title_uk", False, gettext_lazy("Title in Ukrainian.")),
        Column("responsible_party", True, gettext_lazy("US, UA or JOINT.")),
        Column(
            "lead_organisation",
            False,
            gettext_lazy("The lead organisation's name; a new name adds it to the directory."),
        ),
        Column("due_date", True, gettext_lazy("An ISO date (2026-06-30) or an Excel date.")),
        Column(
            "status",
            False,
            gettext_lazy("not_started, in_progress or on_hold; empty leaves it as it is."),
        ),
        Column(
            "percent_complete",
            False,
            gettext_lazy("A whole number from 0 to 100; empty leaves it as it is."),
        ),
    ),
}

# A service's message about a field goes beside the column it came from.


class FileProblem(Exception):
    """A file that cannot be read as a plan: nothing is saved, the messages say why."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class Upload:
    part: str  # PendingImport.Part
    name: str
    content: bytes

    @property
    def shown_name(self) -> str:
        return PurePath(self.name).name[:120]


@dataclass
class Table:
    sheet: str
    source: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _header(cells: list[Any], sheet: str, source: str) -> list[str | None]:
    names = [str(cell).strip().casefold() if cell not in (None, "") else None for cell in cells]
    while names and names[-1] is None:
        names.pop()
    known = [column.name for column in COLUMNS[sheet]]
    problems = []
    unknown = [name for name in names if name is not None and name not in known]
    if unknown:
        problems.append(
            _("%(source)s: unknown column(s) %(unknown)s. The columns are: %(known)s.")
            % {
                "source": source,
                "unknown": ", ".join(f"“{name}”" for name in unknown),
                "known": ", ".join(known),
            }
        )
    if None in names:
        problems.append(
            _("%(source)s: a column of the first row has no name.") % {"source": source}
        )
    twice = sorted({name for name in names if name is not None and names.count(name) > 1})
    if twice:
        problems.append(
            _("%(source)s: the column(s) %(names)s appear twice.")
            % {"source": source, "names": ", ".join(twice)}
        )
    missing = [name for name in known if name not in names]
    if missing:
        problems.append(
            _("%(source)s: the column(s) %(missing)s are missing.")
            % {"source": source, "missing": ", ".join(missing)}
        )
    if problems:
        raise FileProblem(*problems)
    return names


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_many_rows() -> FileProblem:
    return FileProblem(
        _("The file has more than %(limit)s rows. Split it into several imports.")
        % {"limit": f"{MAX_ROWS:,}"}
    )


class RowCounter:
    """Counts the data rows of every table of an upload, against MAX_ROWS."""

    def __init__(self) -> None:
        self.rows = 0

    def add(self) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise _too_many_rows()


def _within_limit(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """Stops at the first row past the header and MAX_ROWS rows, blank or not: a sheet that
    reaches that far is refused without reading (or padding) the rest."""
    for number, cells in rows:
        if number > MAX_ROWS + 1:
            raise _too_many_rows()
        yield number, cells


def _table(
    sheet: str, source: str, rows: Iterator[tuple[int, list[Any]]], counter: RowCounter
) -> Table:
    table = Table(sheet, source)
    first = next(rows, None)
    if first is None:
        raise FileProblem(_("%(source)s is empty.") % {"source": source})
    names = _header(first[1], sheet, source)
    for number, cells in rows:
        if all(is_blank(cell) for cell in cells):
            continue
        extra = [cell for cell in cells[len(names) :] if not is_blank(cell)]
        if extra:
            raise FileProblem(
                _("%(source)s, row %(row)d: a cell beyond the named columns holds a value.")
                % {"source": source, "row": number}
            )
        counter.add()
        values = {
            name: cells[index] if index < len(cells) else None for index, name in enumerate(names)
        }
        table.rows.append((number, values))
    return table


def _sheet_rows(worksheet) -> Iterator[tuple[int, list[Any]]]:
    # The size a sheet declares is not trusted: read-only openpyxl would pad every row to it
    # (a sheet can claim 16,384 columns and a million rows). Rows are read as they are, and
    # no further than MAX_COLUMNS to the right.
    worksheet.reset_dimensions()
    for number, row in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        values = []
        for cell in row:
            value = cell.value
            # A percentage cell holds 0.4 for 40 %.
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and "%" in (getattr(cell, "number_format", "") or "")
            ):
                value = value * 100
            values.append(value)
        yield number, values


# Errors openpyxl (and defusedxml through it) raise for a file that is not a sound workbook.
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    ParseError,
)


def _check_container(upload: Upload) -> None:
    source = upload.shown_name
    not_a_workbook = _("%(source)s is not an XLSX workbook. Save it as .xlsx and try again.") % {
        "source": source
    }
    buffer = io.BytesIO(upload.content)
    if not zipfile.is_zipfile(buffer):
        raise FileProblem(not_a_workbook)
    try:
        with zipfile.ZipFile(buffer) as archive:
            infos = archive.infolist()
            names = [info.filename.casefold() for info in infos]
            content_types = (
                archive.read("[Content_Types].xml") if "[content_types].xml" in names else b""
            )
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as error:
        raise FileProblem(not_a_workbook) from error
    if "xl/workbook.xml" not in names:
        raise FileProblem(not_a_workbook)
    if any(name.endswith("vbaproject.bin") for name in names) or b"macroEnabled" in content_types:
        raise FileProblem(
            _(
                "%(source)s contains macros, which are refused. Save it as a plain workbook "
                "(.xlsx) and try again."
            )
            % {"source": source}
        )
    if any(name.startswith("xl/externallinks/") for name in names):
        raise FileProblem(
            _(
                "%(source)s links to other workbooks, which is refused. Break the links "
                "(Data › Edit Links) or paste the values, and try again."
            )
            % {"source": source}
        )
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise FileProblem(
            _("%(source)s unpacks to more than %(size)s, which is refused.")
            % {"source": source, "size": filesizeformat(MAX_UNPACKED_BYTES)}
        )


def _read_workbook(upload: Upload, counter: RowCounter) -> list[Table]:
    _check_container(upload)
    source = upload.shown_name
    tables = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it does not read (e.g. some data validations).
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(
                io.BytesIO(upload.content),
                read_only=True,
                data_only=False,
                keep_vba=False,
                keep_links=False,
            )
            try:
                sheets = {name.casefold(): name for name in workbook.sheetnames}
                for sheet in (PROVISIONS, MILESTONES):
                    title = sheets.get(sheet.casefold())
                    if title is None:
                        continue
                    where = _("%(source)s, sheet %(sheet)s") % {"source": source, "sheet": title}
                    rows = _within_limit(_sheet_rows(workbook[title]))
                    tables.append(_table(sheet, where, rows, counter))
            finally:
                workbook.close()
    except FileProblem:
        raise
    except UNREADABLE as error:
        raise FileProblem(
            _(
                "%(source)s could not be read as an XLSX workbook. Open it in a spreadsheet, "
                "save it as .xlsx and try again."
            )
            % {"source": source}
        ) from error
    if not tables:
        raise FileProblem(
            _("%(source)s has no sheet named Provisions or Milestones.") % {"source": source}
        )
    return tables


def _delimiter(text: str) -> str:
    # Spreadsheets in many languages write semicolons; the header line says which was used.
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count)


def _read_csv(upload: Upload, sheet: str, counter: RowCounter) -> Table:
    source = upload.shown_name
    try:
        text = upload.content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            _("%(source)s is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
            % {"source": source}
        ) from error
    if "\x00" in text:
        raise FileProblem(_("%(source)s is not a CSV file.") % {"source": source})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(reader, start=1):
                yield number, list(row)
        except csv.Error as error:
            raise FileProblem(
                _("%(source)s could not be read as CSV near line %(line)d.")
                % {"source": source, "line": reader.line_num}
            ) from error

    return _table(sheet, source, _within_limit(rows()), counter)


def read_uploads(uploads: Iterable[Upload]) -> list[Table]:
    counter = RowCounter()
    tables: list[Table] = []
    for upload in uploads:
        if upload.part == PendingImport.Part.WORKBOOK:
            tables.extend(_read_workbook(upload, counter))
        else:
            sheet = PROVISIONS if upload.part == PendingImport.Part.PROVISIONS else MILESTONES
            tables.append(_read_csv(upload, sheet, counter))
    return tables
