"""An observer opens the compliance report, narrows it, and downloads it in every format."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import make_milestone
from tracker.core.models import Category, Provision, ResponsibleParty

pytestmark = pytest.mark.browser


@pytest.fixture
def report_data(provision):
    fund = Provision.objects.create(
        agreement=provision.agreement,
        reference="P-03",
        title="Reconstruction investment fund",
        title_uk="Інвестиційний фонд відбудови",
        category=Category.INVESTMENT,
        responsible_party=ResponsibleParty.US,
    )
    make_milestone(provision, "UA", title="Publish survey tender")
    make_milestone(
        fund, "US", title="Capitalise the fund", status="in_progress", percent_complete=30
    )
    return fund


def downloaded(page, link_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_observer_filters_the_report_and_downloads_each_format(
    page, live_server, browser_login, observer, provision, report_data
):
    browser_login(observer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Report").click()
    report = page.locator("#report")
    expect(report).to_contain_text("Joint geological surveys")
    expect(report).to_contain_text("Reconstruction investment fund")

    # The filter updates the report in place and the address, so the view can be shared.
    page.get_by_label("Responsible party").select_option("US")
    expect(report).not_to_contain_text("Joint geological surveys")
    expect(report).to_contain_text("Reconstruction investment fund")
    expect(page).to_have_url(re.compile(r"party=US"))

    name, content = downloaded(page, "CSV")
    assert re.fullmatch(r"compliance-report-test-agreement-\d{4}-\d\d-\d\d\.csv", name)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    table = rows[rows.index([]) + 1 :]
    assert {row[0] for row in table[1:]} == {"P-03"}
    assert [row[14] for row in table[1:]] == ["Capitalise the fund"]

    name, content = downloaded(page, "XLSX")
    assert name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Summary", "Milestones", "Checks", "Disputes"]
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[1][:2] == ("P-03", "Reconstruction investment fund")
    assert [row[0] for row in summary[1:] if str(row[0]).startswith("P-")] == ["P-03"]

    name, content = downloaded(page, "PDF")
    assert name.endswith(".pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Reconstruction investment fund" in text
    assert "Joint geological surveys" not in text
    assert "United States" in text  # the filter, in the header block


def test_a_future_date_gets_a_message_next_to_the_field(
    page, live_server, browser_login, observer, report_data
):
    browser_login(observer)
    page.goto(f"{live_server.url}/reports/compliance/")

    page.get_by_label("As of").fill("2099-01-01")

    expect(page.locator("#id_as_of_error")).to_have_text(
        "The as-of date cannot be in the future. Choose today or an earlier date."
    )
    expect(page.get_by_label("As of")).to_have_value("2099-01-01")
    expect(page.locator("#report")).not_to_contain_text("Reconstruction investment fund")


def test_a_past_date_shows_the_report_as_it_stood(
    page, live_server, browser_login, observer, report_data
):
    browser_login(observer)
    page.goto(f"{live_server.url}/reports/compliance/")
    overdue = page.get_by_role("heading", name=re.compile("Overdue milestones"))
    expect(overdue).to_have_text("Overdue milestones (2)")  # both were due last week

    # The day after the signing (an earlier day is refused beside the field).
    page.get_by_label("As of").fill("2025-05-01")

    # Neither milestone existed yet on that day.
    expect(page.locator("#report")).to_contain_text("rebuilt from the recorded history")
    expect(overdue).to_have_text("Overdue milestones (0)")
    expect(page).to_have_url(re.compile(r"as_of=2025-05-01"))

    # A day before the agreement was signed is refused beside the field, with no report.
    page.get_by_label("As of").fill("2025-04-29")
    expect(page.locator("#id_as_of_error")).to_have_text(
        "The agreement was signed on 2025-04-30; choose that day or a later one."
    )
    expect(page.get_by_label("As of")).to_have_value("2025-04-29")
    expect(page.locator("#report")).not_to_contain_text("Overdue milestones")
