"""The report builder: the figures per provision and the exception sections."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import make_milestone
from tests.reports.conftest import (
    check_rows,
    days,
    dispute_rows,
    make_action,
    make_check,
    milestone_rows,
)
from tracker.core.models import Provision
from tracker.milestones.queries import with_progress
from tracker.reports.builder import ComplianceReport, ReportScope


def build(agreement, limit: int = 200, **scope) -> ComplianceReport:
    return ComplianceReport(
        ReportScope(agreement=agreement, **scope), generated_by="Tester", limit=limit
    )


def by_reference(report: ComplianceReport) -> dict:
    return {row.reference: row for row in report.provisions}


def test_each_provision_has_its_milestone_figures(world):
    rows = by_reference(build(world.agreement))

    survey, safeguards, fund = rows["P-01"], rows["P-02"], rows["P-03"]
    assert (survey.total, survey.completed, survey.verified, survey.overdue) == (2, 1, 1, 1)
    assert (safeguards.total, safeguards.completed, safeguards.verified) == (2, 1, 0)
    assert safeguards.overdue == 0  # the overdue-looking one was completed
    assert (fund.total, fund.completed, fund.overdue) == (2, 0, 0)


def test_implementation_level_ignores_cancelled_milestones(world):
    rows = by_reference(build(world.agreement))

    assert (rows["P-01"].percent, rows["P-01"].level) == (70, 2)  # (100 + 40) / 2
    assert (rows["P-02"].percent, rows["P-02"].level) == (50, 2)  # (0 + 100) / 2
    assert (rows["P-03"].percent, rows["P-03"].level) == (20, 1)  # the cancelled one aside


def test_levels_match_the_provision_pages(world):
    pages = {p.reference: p for p in with_progress(Provision.objects.all())}

    for row in build(world.agreement).provisions:
        assert row.level == pages[row.reference].implementation_level
        assert row.percent == round(pages[row.reference].progress_percent or 0)


def test_provision_without_milestones_is_not_initiated(agreement):
    Provision.objects.create(
        agreement=agreement,
        reference="P-09",
        title="Empty",
        category="capacity_building",
        responsible_party="US",
    )

    (row,) = build(agreement).provisions

    assert (row.total, row.level, row.percent) == (0, 0, 0)
    assert row.level_label == "Not initiated"


def test_compliance_state_is_the_worst_latest_result_of_each_criterion(world, monitor):
    # A later compliant check of another criterion does not hide the open non-compliance.
    make_check(world.esg_provision, monitor, criterion="Water permits", checked_on=days(-1))
    rows = by_reference(build(world.agreement))

    assert rows["P-02"].latest_result == "non_compliant"
    assert rows["P-02"].latest_checked_on == days(-1)
    assert rows["P-01"].latest_result == "compliant"
    assert rows["P-03"].latest_result == "partially_compliant"


def test_a_later_check_of_the_same_criterion_supersedes_the_earlier(world, monitor):
    make_check(
        world.esg_provision,
        monitor,
        criterion=world.finding.criterion,
        result="compliant",
        checked_on=days(-1),
    )

    assert by_reference(build(world.agreement))["P-02"].latest_result == "compliant"


def test_open_corrective_actions_and_open_disputes_are_counted_per_provision(world):
    rows = by_reference(build(world.agreement))

    assert (rows["P-02"].open_actions, rows["P-02"].open_disputes) == (1, 1)
    assert (rows["P-03"].open_actions, rows["P-03"].open_disputes) == (0, 0)  # done, resolved


def test_totals_add_up_the_provisions(world):
    totals = build(world.agreement).totals

    assert (totals.total, totals.completed, totals.verified, totals.overdue) == (6, 2, 1, 1)
    assert (totals.open_actions, totals.open_disputes) == (1, 1)
    assert totals.percent == 52  # (100 + 40 + 0 + 100 + 20) / 5, cancelled aside


def test_party_filter_keeps_that_partys_provisions_and_their_rows(world):
    report = build(world.agreement, party="US")

    assert [row.reference for row in report.provisions] == ["P-03"]
    assert report.overdue.total == 0
    assert [f.provision_reference for f in report.findings.rows] == ["P-03"]
    assert [d.title for d in report.disputes.rows] == ["Fund eligibility dispute"]
    assert {row[0] for row in milestone_rows(report)} == {"P-03"}


def test_category_filter(world):
    report = build(world.agreement, category="environmental_social")

    assert [row.reference for row in report.provisions] == ["P-02"]
    assert [d.title for d in report.disputes.rows] == ["Baseline dispute"]


def test_another_agreements_rows_stay_out(world, agreement):
    from tracker.core.models import Agreement

    other = Agreement.objects.create(
        title="Other", short_name="other", signed_on=days(-400), place="Kyiv"
    )
    other_provision = Provision.objects.create(
        agreement=other,
        reference="X-01",
        title="Other",
        category="capacity_building",
        responsible_party="UA",
    )
    make_milestone(other_provision, "UA", due_date=days(-30))

    report = build(agreement)

    assert "X-01" not in by_reference(report)
    assert report.overdue.total == 1
    assert build(other).overdue.total == 1
    assert build(other).disputes.total == 0


def test_overdue_section_lists_the_most_overdue_first_with_the_total(world):
    for number in range(5):
        make_milestone(world.provision, "UA", title=f"Late {number}", due_date=days(-10 - number))

    section = build(world.agreement, limit=3).overdue

    assert section.total == 6
    assert section.truncated
    assert [row.title for row in section.rows] == ["Late 4", "Late 3", "Late 2"]
    assert section.rows[0].days_overdue == 14


def test_findings_list_non_compliance_first_with_their_corrective_actions(world):
    section = build(world.agreement).findings

    assert section.total == 2
    first, second = section.rows
    assert (first.result, first.severity, first.open_actions) == ("non_compliant", "major", 1)
    assert [a.description for a in first.actions] == ["Add groundwater sampling"]
    assert second.result == "partially_compliant"
    assert [(a.description, a.state) for a in second.actions] == [("Publish in Ukrainian", "done")]


def test_compliant_checks_are_not_findings(world):
    assert "Survey data shared" not in [f.criterion for f in build(world.agreement).findings.rows]


def test_disputes_list_open_ones_first_with_their_provisions(world):
    section = build(world.agreement).disputes

    assert [(d.title, d.status, d.provisions) for d in section.rows] == [
        ("Baseline dispute", "raised", "P-02"),
        ("Fund eligibility dispute", "resolved", "P-03"),
    ]


def test_a_dispute_about_two_provisions_counts_once_in_the_total(world):
    world.open_dispute.provisions.add(world.provision)

    report = build(world.agreement)

    assert report.totals.open_disputes == 1
    assert by_reference(report)["P-01"].open_disputes == 1
    assert report.disputes.rows[0].provisions == "P-01, P-02"


def test_milestone_rows_carry_their_provisions_columns(world):
    rows = milestone_rows(build(world.agreement))

    assert len(rows) == 6
    survey = next(row for row in rows if row[14] == "Publish survey tender")
    assert survey[:4] == ("P-01", "Joint geological surveys", "Geological survey", "Joint")
    assert survey[4:10] == (2, 70, 2, 1, 1, 1)
    assert survey[16] == "State Geological Service"
    assert survey[21:23] == ("Done on time", "Yes")


def test_milestone_rows_show_the_latest_progress_note(world, member_ua):
    from tests.reports.conftest import log

    log(world.overdue, member_ua, "Second draft sent")

    rows = {row[14]: row for row in milestone_rows(build(world.agreement))}

    assert rows["Agree data-sharing protocol"][-1] == "Second draft sent"
    assert rows["Adopt tailings standard"][-1] == ""


def test_check_rows_repeat_the_check_for_each_corrective_action(world):
    make_action(world.finding, description="Second action")

    rows = check_rows(build(world.agreement))

    finding_rows = [row for row in rows if row[0] == world.finding.pk]
    assert [row[9] for row in finding_rows] == ["Add groundwater sampling", "Second action"]
    compliant = next(row for row in rows if row[0] == world.compliant.pk)
    assert compliant[9:] == ("", "", None, "")


def test_dispute_rows_cover_every_dispute(world):
    rows = dispute_rows(build(world.agreement))

    assert {row[1] for row in rows} == {"Baseline dispute", "Fund eligibility dispute"}


@pytest.mark.parametrize("language", ["en", "uk"])
def test_titles_come_in_the_active_language_with_fallback(world, language):
    from django.utils import translation

    with translation.override(language):
        rows = by_reference(build(world.agreement))
    expected = "Екологічні та соціальні гарантії" if language == "uk" else "Environmental"
    assert rows["P-02"].title.startswith(expected)


def test_no_agreement_gives_an_empty_report(db):
    report = build(None)

    assert report.provisions == []
    assert report.disputes.total == 0
    assert milestone_rows(report) == []


def test_the_latest_note_of_entries_made_in_the_same_instant_is_the_last_recorded(world, member_ua):
    from tests.reports.conftest import log
    from tracker.milestones.models import ProgressUpdate

    first = log(world.due_soon, member_ua, "First of the instant")
    last = log(world.due_soon, member_ua, "Last of the instant")
    moment = timezone.now()
    ProgressUpdate.objects.filter(pk__in=[first.pk, last.pk]).update(created_at=moment)
    # An entry recorded later but dated earlier (an import, a clock step) is not the latest.
    earlier = log(world.due_soon, member_ua, "Dated earlier")
    ProgressUpdate.objects.filter(pk=earlier.pk).update(
        created_at=moment - datetime.timedelta(minutes=1)
    )

    rows = {row[14]: row for row in milestone_rows(build(world.agreement))}

    assert rows["Adopt tailings standard"][-1] == "Last of the instant"
    assert rows["Agree data-sharing protocol"][-1] == "Drafts exchanged"


@pytest.mark.parametrize(
    ("language", "title", "lead"),
    [
        ("en", "Publish survey tender", "State Geological Service"),
        ("uk", "Оприлюднити тендер на дослідження", "Державна служба геології та надр"),
    ],
)
def test_milestone_texts_come_in_the_active_language_with_fallback(world, language, title, lead):
    from django.utils import translation

    world.organisation.name_uk = "Державна служба геології та надр"
    world.organisation.save()

    with translation.override(language):
        rows = {row[13]: row for row in milestone_rows(build(world.agreement))}

    assert (rows[world.verified.pk][14], rows[world.verified.pk][16]) == (title, lead)
    # No Ukrainian title: the English one; no lead organisation: an empty cell.
    assert (rows[world.overdue.pk][14], rows[world.overdue.pk][16]) == (
        "Agree data-sharing protocol",
        "",
    )
