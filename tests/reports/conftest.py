"""A small, fully known tracker for the dashboard and report tests.

Dates are relative to today, so "overdue" and "due soon" mean the same whenever the suite
runs. The world has three provisions of the shared agreement, each state of a milestone,
a finding with an open corrective action, one with a closed one, and two disputes.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.conftest import make_milestone
from tracker.core.models import Category, Provision, ResponsibleParty
from tracker.disputes.models import Dispute
from tracker.milestones.models import ProgressUpdate
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck
from tracker.reports.builder import ComplianceReport
from tracker.reports.tables import (
    CHECKS_SHEET,
    CSV_MILESTONE,
    CSV_PROVISION_FIGURES,
    DISPUTES_SHEET,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def milestone_rows(report: ComplianceReport) -> list[tuple]:
    """The CSV's milestone rows, as tuples in the order of its columns."""
    return [
        CSV_PROVISION_FIGURES.values(record.provision) + CSV_MILESTONE.values(record)
        for record in report.milestone_records()
    ]


def check_rows(report: ComplianceReport) -> list[tuple]:
    return list(CHECKS_SHEET.rows(report.check_records()))


def dispute_rows(report: ComplianceReport) -> list[tuple]:
    return list(DISPUTES_SHEET.rows(report.dispute_records()))


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make_check(provision: Provision, monitor, **fields) -> MonitoringCheck:
    defaults = {
        "criterion": "Environmental impact assessment published",
        "result": "compliant",
        "severity": "",
        "checked_on": days(-5),
    }
    return MonitoringCheck.objects.create(
        provision=provision, monitor=monitor, **{**defaults, **fields}
    )


def make_action(check: MonitoringCheck, **fields) -> CorrectiveAction:
    defaults = {
        "description": "Publish the assessment in Ukrainian and English",
        "owner_party": "UA",
        "due_date": days(10),
    }
    return CorrectiveAction.objects.create(check_record=check, **{**defaults, **fields})


def make_dispute(agreement, raised_by, provisions, **fields) -> Dispute:
    defaults = {
        "raised_by_party": "US",
        "responding_party": "UA",
        "title": "Delayed publication of licence terms",
        "description": "The licence terms were not published on time.",
        "raising_position": "Publish them within 30 days.",
    }
    dispute = Dispute.objects.create(
        agreement=agreement, raised_by=raised_by, **{**defaults, **fields}
    )
    dispute.provisions.set(provisions)
    return dispute


def log(milestone, author, note: str, **fields) -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        milestone=milestone,
        author=author,
        old_status=fields.pop("old_status", milestone.status),
        new_status=fields.pop("new_status", milestone.status),
        percent=fields.pop("percent", milestone.percent_complete),
        note=note,
        **fields,
    )


@pytest.fixture
def esg_provision(agreement) -> Provision:
    return Provision.objects.create(
        agreement=agreement,
        reference="P-02",
        title="Environmental and social safeguards",
        title_uk="Екологічні та соціальні гарантії",
        category=Category.ESG,
        responsible_party=ResponsibleParty.UA,
    )


@pytest.fixture
def investment_provision(agreement) -> Provision:
    return Provision.objects.create(
        agreement=agreement,
        reference="P-03",
        title="Reconstruction investment fund",
        title_uk="Інвестиційний фонд відбудови",
        category=Category.INVESTMENT,
        responsible_party=ResponsibleParty.US,
    )


@pytest.fixture
def world(
    agreement,
    provision,
    esg_provision,
    investment_provision,
    organisation,
    monitor,
    chair_us,
    member_ua,
):
    """P-01 joint survey, P-02 UA safeguards, P-03 US fund, with every kind of row."""
    verified = make_milestone(
        provision,
        "UA",
        title="Publish survey tender",
        title_uk="Оприлюднити тендер на дослідження",
        status="completed",
        percent_complete=100,
        completed_on=days(-10),
        due_date=days(5),
        verified_by=chair_us,
        verified_at=timezone.now(),
        lead_organisation=organisation,
    )
    overdue = make_milestone(
        provision,
        "JOINT",
        title="Agree data-sharing protocol",
        status="in_progress",
        percent_complete=40,
        due_date=days(-3),
    )
    due_soon = make_milestone(
        esg_provision, "UA", title="Adopt tailings standard", due_date=days(7)
    )
    awaiting = make_milestone(
        esg_provision,
        "UA",
        title="Publish environmental baseline",
        status="completed",
        percent_complete=100,
        completed_on=days(-2),
        due_date=days(-1),
    )
    cancelled = make_milestone(
        investment_provision, "US", title="Open pilot window", status="cancelled"
    )
    on_hold = make_milestone(
        investment_provision,
        "US",
        title="Capitalise the fund",
        status="on_hold",
        percent_complete=20,
        due_date=days(60),
    )
    finding = make_check(
        esg_provision,
        monitor,
        result="non_compliant",
        severity="major",
        finding="The baseline omits groundwater.",
    )
    open_action = make_action(finding, description="Add groundwater sampling")
    compliant = make_check(provision, monitor, criterion="Survey data shared", result="compliant")
    partial = make_check(
        investment_provision,
        monitor,
        criterion="Fund governance published",
        result="partially_compliant",
        severity="minor",
        finding="Only in English.",
    )
    closed_action = make_action(
        partial,
        description="Publish in Ukrainian",
        owner_party="US",
        state="done",
        closed_at=timezone.now(),
        closed_by=monitor,
        closing_note="Published.",
    )
    open_dispute = make_dispute(
        agreement,
        chair_us,
        [esg_provision],
        title="Baseline dispute",
        response_due=days(20),
    )
    resolved_dispute = make_dispute(
        agreement,
        member_ua,
        [investment_provision],
        raised_by_party="UA",
        responding_party="US",
        title="Fund eligibility dispute",
        status="resolved",
        resolution="Agreed eligibility rules.",
        resolved_on=days(-1),
    )
    update = log(overdue, member_ua, "Drafts exchanged", old_status="not_started", percent=40)
    return SimpleNamespace(**locals())
