"""`as_of`: the report rebuilt from the history tables shows the tracker as it stood then.

Five working days of changes are replayed with time-machine, each saved the ordinary way so
django-simple-history dates its rows on that day; the report for each day's date must show
the known state of that day.

    day 1  milestones A (P-01, due on day 2) and B (P-02) created
    day 2  A in progress 50 %; check C1 on P-01 non-compliant, corrective action open
    day 3  dispute D raised about P-01; B in progress 30 %
    day 4  A completed (late); the action closed; D acknowledged; milestone C created
    day 5  A verified; D resolved; C deleted; check C2 of C1's criterion compliant
"""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_milestone
from tests.reports.conftest import make_check, milestone_rows
from tracker.core.models import Category, Provision
from tracker.disputes.models import Dispute
from tracker.milestones.models import Milestone
from tracker.monitoring.models import CorrectiveAction
from tracker.reports.builder import ComplianceReport, ReportScope

KYIV = zoneinfo.ZoneInfo(settings.TIME_ZONE)


# Day 0 is a month ago, so every day of the story is in the past whenever the suite runs.
DAY_0 = timezone.localdate() - datetime.timedelta(days=30)


def day(n: int) -> datetime.date:
    return DAY_0 + datetime.timedelta(days=n)


def at(n: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day(n), datetime.time(hour, minute), tzinfo=KYIV)


def on_day(n: int, hour: int = 10):
    return time_machine.travel(at(n, hour), tick=False)


@pytest.fixture
def history(agreement, provision, monitor, chair_us, chair_ua):
    esg = Provision.objects.create(
        agreement=agreement,
        reference="P-02",
        title="Environmental safeguards",
        category=Category.ESG,
        responsible_party="US",
    )
    with on_day(1):
        a = make_milestone(provision, "UA", title="Milestone A", due_date=day(2))
        b = make_milestone(esg, "US", title="Milestone B", due_date=datetime.date(2099, 1, 1))
    with on_day(2):
        a.status, a.percent_complete = "in_progress", 50
        a.save()
        c1 = make_check(
            provision,
            monitor,
            criterion="Survey data shared",
            result="non_compliant",
            severity="major",
            checked_on=day(2),
        )
        action = CorrectiveAction.objects.create(
            check_record=c1, description="Share the data", owner_party="UA", due_date=day(9)
        )
    with on_day(3):
        dispute = Dispute.objects.create(
            agreement=agreement,
            raised_by=chair_us,
            raised_by_party="US",
            responding_party="UA",
            title="Data dispute",
            description="Data not shared.",
            raising_position="Share it.",
        )
        dispute.provisions.set([provision])
        b.status, b.percent_complete = "in_progress", 30
        b.save()
    with on_day(4):
        a.status, a.percent_complete, a.completed_on = "completed", 100, day(4)
        a.save()
        action.state, action.closing_note, action.closed_by = "done", "Shared.", monitor
        action.closed_at = at(4, 10)
        action.save()
        dispute.status = "acknowledged"
        dispute.save()
        c = make_milestone(provision, "UA", title="Milestone C", due_date=datetime.date(2099, 1, 1))
    with on_day(5):
        a.verified_by, a.verified_at = chair_ua, at(5, 10)
        a.save()
        dispute.status, dispute.resolution, dispute.resolved_on = "resolved", "Agreed.", day(5)
        dispute.save()
        c.delete()
        make_check(
            provision,
            monitor,
            criterion="Survey data shared",
            result="compliant",
            checked_on=day(5),
        )
    return agreement


def report_on(agreement, n: int) -> ComplianceReport:
    return ComplianceReport(ReportScope(agreement=agreement, as_of=day(n)), generated_by="T")


def figures(report: ComplianceReport, reference: str) -> tuple:
    row = next(row for row in report.provisions if row.reference == reference)
    return (
        row.total,
        row.completed,
        row.verified,
        row.overdue,
        row.percent,
        row.latest_result,
        row.open_actions,
        row.open_disputes,
    )


def milestone_states(report: ComplianceReport) -> dict[str, tuple]:
    # Columns of the CSV's milestone rows: 14 title, 18 status, 19 percent, 22 verified.
    return {row[14]: (row[18], row[19], row[22]) for row in milestone_rows(report)}


def test_before_anything_happened_the_report_is_empty(history):
    report = report_on(history, 0)

    assert figures(report, "P-01") == (0, 0, 0, 0, 0, "", 0, 0)
    assert (report.overdue.total, report.findings.total, report.disputes.total) == (0, 0, 0)
    assert milestone_states(report) == {}


def test_day_one_shows_the_new_milestones_not_started(history):
    report = report_on(history, 1)

    assert figures(report, "P-01") == (1, 0, 0, 0, 0, "", 0, 0)
    assert milestone_states(report) == {
        "Milestone A": ("Not started", 0, "No"),
        "Milestone B": ("Not started", 0, "No"),
    }


def test_day_two_shows_progress_and_the_new_finding(history):
    report = report_on(history, 2)

    assert figures(report, "P-01") == (1, 0, 0, 0, 50, "non_compliant", 1, 0)
    assert [f.criterion for f in report.findings.rows] == ["Survey data shared"]
    assert report.findings.rows[0].actions[0].state == "open"
    assert report.disputes.total == 0


def test_day_three_shows_the_overdue_milestone_and_the_raised_dispute(history):
    report = report_on(history, 3)

    assert figures(report, "P-01") == (1, 0, 0, 1, 50, "non_compliant", 1, 1)
    assert [(m.title, m.days_overdue) for m in report.overdue.rows] == [("Milestone A", 1)]
    assert [(d.title, d.status) for d in report.disputes.rows] == [("Data dispute", "raised")]
    assert report.disputes.rows[0].provisions == "P-01"
    assert milestone_states(report)["Milestone B"] == ("In progress", 30, "No")


def test_a_milestone_completed_later_shows_as_not_completed(history):
    states = milestone_states(report_on(history, 3))

    assert states["Milestone A"] == ("In progress", 50, "No")


def test_day_four_shows_completion_awaiting_verification_and_the_closed_action(history):
    report = report_on(history, 4)

    assert figures(report, "P-01") == (2, 1, 0, 0, 50, "non_compliant", 0, 1)
    assert milestone_states(report)["Milestone A"] == ("Completed", 100, "No")
    assert "Milestone C" in milestone_states(report)
    assert report.findings.rows[0].actions[0].state == "done"
    assert report.disputes.rows[0].status == "acknowledged"


def test_day_five_shows_verification_resolution_and_the_deleted_milestone_gone(history):
    report = report_on(history, 5)

    assert figures(report, "P-01") == (1, 1, 1, 0, 100, "compliant", 0, 0)
    assert "Milestone C" not in milestone_states(report)
    assert milestone_states(report)["Milestone A"] == ("Completed", 100, "Yes")
    assert [(d.title, d.status) for d in report.disputes.rows] == [("Data dispute", "resolved")]


def test_the_last_past_day_matches_the_live_report(history):
    past = report_on(history, 5)
    live = ComplianceReport(ReportScope(agreement=history), generated_by="T")

    assert [figures(past, ref) for ref in ("P-01", "P-02")] == [
        figures(live, ref) for ref in ("P-01", "P-02")
    ]
    assert milestone_rows(past) != [] and {row[13:] for row in milestone_rows(past)} == {
        row[13:] for row in milestone_rows(live)
    }


def test_the_day_ends_at_midnight_in_the_project_time_zone(history, provision):
    # 00:30 in Kyiv is still the day before in UTC: the change belongs to the Kyiv day.
    with time_machine.travel(at(6, 0, 30), tick=False):
        make_milestone(provision, "UA", title="After midnight", due_date=day(30))

    assert "After midnight" not in milestone_states(report_on(history, 5))
    assert "After midnight" in milestone_states(report_on(history, 6))


def test_the_page_and_the_csv_show_the_past_state(history, login, monitor):
    client = login(monitor)
    url = reverse("reports:compliance")

    page = client.get(url, {"as_of": day(3).isoformat()})
    csv_response = client.get(url, {"as_of": day(3).isoformat(), "format": "csv"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Milestone A" in html  # in the overdue section
    assert "rebuilt from the recorded history" in html
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1].startswith(day(3).isoformat())
    a_row = next(row for row in rows if len(row) > 14 and row[14] == "Milestone A")
    assert (a_row[18], a_row[19], a_row[21]) == ("In progress", "50", "Overdue")
    assert f"{day(3).isoformat()}.csv" in csv_response["Content-Disposition"]


def test_the_latest_note_is_the_latest_up_to_the_day(history, chair_ua):
    from tests.reports.conftest import log

    a = Milestone.objects.get(title="Milestone A")
    with on_day(2):
        log(a, chair_ua, "Started the survey")
    with on_day(4, hour=9):
        log(a, chair_ua, "Survey delivered")
    with on_day(4, hour=9):
        log(a, chair_ua, "Survey report filed")  # the same instant: recorded last

    def notes(n: int) -> dict[str, str]:
        return {row[14]: row[-1] for row in milestone_rows(report_on(history, n))}

    assert notes(1) == {"Milestone A": "", "Milestone B": ""}
    assert notes(3)["Milestone A"] == "Started the survey"
    assert notes(4)["Milestone A"] == "Survey report filed"


def test_the_csv_and_the_xlsx_as_of_a_day_show_that_days_notes(history, chair_ua, login, monitor):
    from openpyxl import load_workbook

    from tests.reports.conftest import log

    a = Milestone.objects.get(title="Milestone A")
    with on_day(2):
        log(a, chair_ua, "Started, see annex 2")
    with on_day(4):
        log(a, chair_ua, "Delivered")
    client = login(monitor)
    url = reverse("reports:compliance")

    text = b"".join(
        client.get(url, {"as_of": day(3).isoformat(), "format": "csv"}).streaming_content
    ).decode("utf-8-sig")
    workbook = load_workbook(
        io.BytesIO(
            b"".join(
                client.get(url, {"as_of": day(3).isoformat(), "format": "xlsx"}).streaming_content
            )
        )
    )

    a_row = next(row for row in csv.reader(io.StringIO(text)) if row[14:15] == ["Milestone A"])
    assert a_row[-1] == "Started, see annex 2"
    sheet_rows = list(workbook["Milestones"].iter_rows(values_only=True))
    assert next(row for row in sheet_rows if row[2] == "Milestone A")[-1] == "Started, see annex 2"
