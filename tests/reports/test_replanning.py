"""The report's baseline due and days of slip: the preview's re-planned section, the overdue
rows, the CSV and XLSX columns, and the same as of a past day (from the history tables)."""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from tests.conftest import make_milestone
from tracker.milestones import services
from tracker.reports.builder import ComplianceReport, ReportScope

URL = "/reports/compliance/"
KYIV = zoneinfo.ZoneInfo(settings.TIME_ZONE)
TODAY = timezone.localdate()


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=KYIV)


@pytest.fixture
def replanned(agreement, provision, chair_ua):
    """One milestone planned 40 days ago, due 10 days ago, moved twice: +30 days, then +15."""
    planned_on = TODAY - datetime.timedelta(days=40)
    baseline = TODAY - datetime.timedelta(days=10)
    with time_machine.travel(at(planned_on), tick=False):
        milestone = make_milestone(provision, "UA", title="Moved milestone", due_date=baseline)
    make_milestone(
        provision, "UA", title="Kept milestone", due_date=TODAY + datetime.timedelta(days=60)
    )
    services.replan_milestone(
        milestone,
        chair_ua,
        version=1,
        due_date=baseline + datetime.timedelta(days=30),
        reason="Tender re-run",
        at=at(TODAY - datetime.timedelta(days=20)),
    )
    services.replan_milestone(
        milestone,
        chair_ua,
        version=2,
        due_date=baseline + datetime.timedelta(days=45),
        reason="Data late",
        at=at(TODAY - datetime.timedelta(days=5)),
    )
    return milestone


def report(agreement, as_of=None) -> ComplianceReport:
    return ComplianceReport(ReportScope(agreement=agreement, as_of=as_of), generated_by="T")


def test_the_re_planned_section_lists_moved_milestones_with_their_slip(agreement, replanned):
    section = report(agreement).replanned
    assert section.total == 1
    row = section.rows[0]
    assert (row.title, row.baseline_due, row.due_date, row.slip_days) == (
        "Moved milestone",
        TODAY - datetime.timedelta(days=10),
        TODAY + datetime.timedelta(days=35),
        45,
    )


def test_as_of_a_past_day_the_slip_is_what_it_was_then(agreement, replanned):
    before_second_move = report(agreement, TODAY - datetime.timedelta(days=10))
    assert [(r.title, r.slip_days) for r in before_second_move.replanned.rows] == [
        ("Moved milestone", 30)
    ]
    before_any_move = report(agreement, TODAY - datetime.timedelta(days=30))
    assert before_any_move.replanned.total == 0
    # Then it was simply due in ten days' time: not overdue, not moved.
    assert before_any_move.overdue.total == 0


def test_an_overdue_row_carries_its_baseline_and_slip(agreement, provision):
    make_milestone(
        provision,
        "UA",
        title="Late and moved",
        due_date=TODAY - datetime.timedelta(days=3),
        baseline_due=TODAY - datetime.timedelta(days=33),
    )
    row = report(agreement).overdue.rows[0]
    assert (row.baseline_due, row.slip_days, row.days_overdue) == (
        TODAY - datetime.timedelta(days=33),
        30,
        3,
    )


def test_the_preview_shows_the_re_planned_section(client, observer, agreement, replanned):
    client.force_login(observer)
    page = client.get(URL).content.decode()
    section = page[page.index('id="report-replanned"') :]
    assert "Moved milestone" in section[: section.index("</section>")]
    assert "Kept milestone" not in section[: section.index("</section>")]
    assert '<td class="num">45</td>' in section


def test_the_csv_and_xlsx_have_baseline_due_and_days_of_slip(
    client, observer, agreement, replanned
):
    client.force_login(observer)
    text = b"".join(client.get(URL, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = next(row for row in rows if "Baseline due" in row)
    moved = next(row for row in rows if "Moved milestone" in row)
    kept = next(row for row in rows if "Kept milestone" in row)
    baseline, slip = header.index("Baseline due"), header.index("Days of slip")
    assert (moved[baseline], moved[slip]) == (
        (TODAY - datetime.timedelta(days=10)).isoformat(),
        "45",
    )
    assert kept[slip] == "0"

    response = client.get(URL, {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = list(workbook["Milestones"].iter_rows(values_only=True))
    columns = sheet[0]
    moved_row = next(row for row in sheet if "Moved milestone" in row)
    assert moved_row[columns.index("Days of slip")] == 45
    assert moved_row[columns.index("Baseline due")].date() == TODAY - datetime.timedelta(days=10)


def test_the_as_of_csv_shows_the_slip_of_that_day(client, observer, agreement, replanned):
    client.force_login(observer)
    as_of = (TODAY - datetime.timedelta(days=10)).isoformat()
    text = b"".join(client.get(URL, {"format": "csv", "as_of": as_of}).streaming_content).decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(text)))
    header = next(row for row in rows if "Days of slip" in row)
    moved = next(row for row in rows if "Moved milestone" in row)
    assert moved[header.index("Days of slip")] == "30"
