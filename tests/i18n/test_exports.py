"""Every export of the compliance report comes out in the requester's language."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import make_milestone

CYRILLIC = re.compile(r"[А-Яа-яЄєІіЇїҐґ]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
# Codes that stay as they are in a Ukrainian heading.
LATIN_ALLOWED = {"ID", "ESG", "SHA"}


def ukrainian(heading: str) -> bool:
    return bool(CYRILLIC.search(heading)) and set(LATIN_WORD.findall(heading)) <= LATIN_ALLOWED


@pytest.fixture
def report_client(login, observer, provision):
    make_milestone(provision, "UA", title="Publish survey tender", title_uk="Оприлюднити тендер")
    return login(observer)


def export(client, export_format: str, language: str) -> bytes:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("reports:compliance"), {"format": export_format})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_headings_are_in_ukrainian(report_client):
    rows = list(csv.reader(io.StringIO(export(report_client, "csv", "uk").decode("utf-8-sig"))))

    assert rows[0][0] == "Звіт про відповідність"
    # The report's header block (label, value) runs down to the first blank row.
    blank = next((number for number, row in enumerate(rows) if not row), 0)
    header_block = [row[0] for row in rows[:blank]]
    headings = next(row for row in rows if row and row[0] == "Положення")
    not_translated = [text for text in [*header_block, *headings] if not ukrainian(text)]
    assert not not_translated, not_translated
    assert any("Оприлюднити тендер" in cell for row in rows for cell in row)


def test_csv_headings_are_in_english(report_client):
    rows = list(csv.reader(io.StringIO(export(report_client, "csv", "en").decode("utf-8-sig"))))

    assert rows[0][0] == "Compliance report"
    headings = next(row for row in rows if row and row[0] == "Provision")
    assert not [text for text in headings if CYRILLIC.search(text)]


def test_xlsx_sheets_and_headings_are_in_ukrainian(report_client):
    workbook = load_workbook(io.BytesIO(export(report_client, "xlsx", "uk")), read_only=True)

    assert all(ukrainian(name) for name in workbook.sheetnames), workbook.sheetnames
    for sheet in workbook.worksheets:
        headings = [cell for cell in next(sheet.iter_rows(max_row=1, values_only=True)) if cell]
        not_translated = [text for text in headings if not ukrainian(str(text))]
        assert not not_translated, f"{sheet.title}: {not_translated}"


def test_pdf_is_in_ukrainian(report_client):
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(export(report_client, "pdf", "uk"))).pages
    )

    assert "Звіт про відповідність" in text
    assert "Compliance report" not in text
    assert "Оприлюднити тендер" in text or "Спільні геологічні дослідження" in text
