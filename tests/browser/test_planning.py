"""Issue 14's flow in a real browser: a staff admin sets up a second agreement and imports its
plan from a workbook (one bad row first, then the corrected file), a co-chair re-plans a
milestone with a reason, and each agreement's report shows only its own rows, the second one
with the slip.

The agreement is chosen with the header's switcher (tracker/core/workspace.py), as a user
would; the dashboard and the milestone list of each agreement hold only its own rows too.
"""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tracker.core.models import Agreement, Provision
from tracker.milestones.models import Milestone, ProgressUpdate

pytestmark = pytest.mark.browser

PROVISIONS = [
    [
        "reference",
        "title",
        "title_uk",
        "text",
        "text_uk",
        "category",
        "responsible_party",
        "minerals",
        "stages",
    ],
    [
        "P-01",
        "Joint processing plant",
        "Спільний переробний завод",
        "",
        "",
        "investment_infrastructure",
        "JOINT",
        "",
        "processing",
    ],
    [
        "P-02",
        "Export licensing",
        "Експортне ліцензування",
        "",
        "",
        "governance_anti_corruption",
        "US",
        "",
        "",
    ],
]
MILESTONES_HEADER = [
    "provision_reference", "title", "title_uk", "responsible_party", "lead_organisation",
    "due_date", "status", "percent_complete",
]  # fmt: skip
GOOD_ROWS = [
    [
        "P-01",
        "Choose the plant site",
        "Обрати майданчик заводу",
        "JOINT",
        "",
        datetime.date(2027, 3, 31),
        "",
        "",
    ],
    [
        "P-02",
        "Publish the licensing rules",
        "",
        "US",
        "Licensing Office",
        datetime.date(2027, 5, 31),
        "in_progress",
        10,
    ],
]
BAD_ROW = ["P-02", "Open the licence register", "", "US", "", "next spring", "", ""]
FIXED_ROW = ["P-02", "Open the licence register", "", "US", "", datetime.date(2027, 9, 30), "", ""]


def workbook(milestone_rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    provisions = book.active
    provisions.title = "Provisions"
    for row in PROVISIONS:
        provisions.append(row)
    milestones = book.create_sheet("Milestones")
    milestones.append(MILESTONES_HEADER)
    for row in milestone_rows:
        milestones.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def choose_file(page, data: bytes) -> None:
    page.get_by_label("Workbook (XLSX)").set_input_files(
        {
            "name": "second-plan.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": data,
        }
    )


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_a_second_agreement_is_set_up_imported_and_re_planned(
    page, live_server, browser_login, staff_admin, chair_us, agreement, provision, milestone_ua
):
    # A staff admin creates the second agreement.
    browser_login(staff_admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="New agreement").click()
    page.get_by_label("Title", exact=True).fill("Processing cooperation agreement")
    page.get_by_label("Title (Ukrainian)").fill("Угода про співпрацю в переробці")
    page.get_by_label("Short name").fill("processing-2026")
    page.get_by_label("Signed on").fill("2026-02-10")
    page.get_by_label("Place", exact=True).fill("Kyiv")
    page.get_by_role("button", name="Create the agreement").click()
    expect(page).to_have_url(re.compile(r"/agreements/processing-2026/$"))
    expect(page.locator("#messages")).to_contain_text("created")

    # It imports the plan: the first file has one bad row, and nothing is saved.
    page.get_by_role("link", name="Import from a spreadsheet").click()
    choose_file(page, workbook([*GOOD_ROWS, BAD_ROW]))
    page.get_by_role("button", name="Check the file (dry run)").click()
    errors = page.locator(".error-summary")
    expect(errors).to_contain_text("Milestones, row 4, column due_date")
    expect(errors).to_contain_text("Enter the date as YYYY-MM-DD")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    second = Agreement.objects.get(short_name="processing-2026")
    assert not Provision.objects.filter(agreement=second).exists()

    # The corrected file: every row new, the new organisation listed, then confirmed.
    choose_file(page, workbook([*GOOD_ROWS, FIXED_ROW]))
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.locator(".dry-run")).to_contain_text(
        "5 new · 0 changed · 0 unchanged · 0 with errors"
    )
    expect(page.locator(".new-organisations")).to_contain_text("Licensing Office")
    page.get_by_role("button", name="Confirm the import").click()
    expect(page).to_have_url(re.compile(r"/agreements/processing-2026/$"))
    expect(page.locator("#messages")).to_contain_text("Imported: 5 new, 0 changed, 0 unchanged.")
    expect(page.locator("#results")).to_contain_text("Export licensing")
    assert Milestone.objects.filter(provision__agreement=second).count() == 3
    log_out(page)

    # The US co-chair re-plans the US milestone with a reason.
    browser_login(chair_us)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="Processing cooperation agreement").click()
    page.get_by_role("link", name="Export licensing").click()
    page.get_by_role("link", name="Re-plan Open the licence register").click()
    page.get_by_label("New due date").fill("2027-11-15")
    page.get_by_label("Reason").fill("The licensing law passes a session later.")
    page.get_by_role("button", name="Move the due date").click()
    expect(page.locator("#messages")).to_contain_text("Re-planned “Open the licence register”")
    replans = page.locator("table.replans")
    expect(replans).to_contain_text("The licensing law passes a session later.")
    expect(replans).to_contain_text("46")
    expect(page.locator("#milestone-baseline")).to_contain_text("46 days of slip")
    moved = Milestone.objects.get(title="Open the licence register")
    assert (moved.baseline_due, moved.due_date) == (
        datetime.date(2027, 9, 30),
        datetime.date(2027, 11, 15),
    )
    assert moved.updates.filter(kind=ProgressUpdate.Kind.REPLANNED).get().author == chair_us

    # Each agreement's report, dashboard and milestone list show its own rows; the second
    # agreement's report the slip. The agreement is chosen with the header's switcher.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Report").click()
    switch_to(page, "Processing cooperation agreement")
    expect(page).to_have_url(re.compile(r"/reports/compliance/\?.*agreement=processing-2026"))
    report = page.locator("#report")
    expect(report).to_contain_text("Export licensing")
    expect(report).not_to_contain_text("Joint geological surveys")
    replanned = page.locator("#report-replanned").locator("xpath=..")
    expect(replanned).to_contain_text("Open the licence register")
    expect(replanned).to_contain_text("46")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/\?agreement=processing-2026$"))
    expect(page.locator("#replanned-count")).to_have_text("1")
    expect(page.locator("main")).to_contain_text("Export licensing")
    expect(page.locator("main")).not_to_contain_text("Joint geological surveys")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Milestones").click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text=milestone_ua.title)).to_have_count(0)

    switch_to(page, agreement.title)
    expect(rows.filter(has_text=milestone_ua.title)).to_have_count(1)
    expect(rows.filter(has_text="Open the licence register")).to_have_count(0)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Report").click()
    expect(report).to_contain_text("Joint geological surveys")
    expect(report).not_to_contain_text("Export licensing")
    expect(page.locator("#report-replanned").locator("xpath=..")).to_contain_text(
        "No milestone had been re-planned by this date."
    )


def switch_to(page, title: str) -> None:
    header = page.locator("header.site-header")
    header.get_by_label("Agreement").select_option(label=title)
    header.get_by_role("button", name="Switch").click()
