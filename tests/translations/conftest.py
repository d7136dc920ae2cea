"""Records with free text to translate, made through the services."""

from __future__ import annotations

import datetime

import pytest

from tracker.disputes.services import add_comment, raise_dispute
from tracker.milestones import services as milestone_services
from tracker.milestones.models import ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def progress(milestone, user, note: str, *, visibility: str = "task_force") -> ProgressUpdate:
    return milestone_services.update_progress(
        milestone,
        user,
        version=milestone.version,
        status=Status.IN_PROGRESS,
        percent=min((milestone.percent_complete or 0) + 5, 95),
        note=note,
        visibility=visibility,
    )


@pytest.fixture
def note(milestone_ua, member_ua) -> ProgressUpdate:
    """A task-force progress note of Ukraine's milestone, written in Ukrainian."""
    return progress(milestone_ua, member_ua, "Тендерну документацію підготовлено.")


@pytest.fixture
def check(provision, monitor) -> MonitoringCheck:
    return MonitoringCheck.objects.create(
        provision=provision,
        monitor=monitor,
        criterion="Tender published in both languages",
        result="non_compliant",
        severity="major",
        finding="The tender was published in English only.",
        checked_on=datetime.date(2026, 1, 15),
    )


@pytest.fixture
def action(check) -> CorrectiveAction:
    return CorrectiveAction.objects.create(
        check_record=check,
        description="Publish the tender in Ukrainian.",
        owner_party="UA",
        due_date=datetime.date(2099, 1, 1),
    )


@pytest.fixture
def dispute(member_us, provision):
    """Raised by the United States; Ukraine is to respond."""
    return raise_dispute(
        member_us,
        agreement=provision.agreement,
        provisions=[provision],
        raised_by_party="US",
        title="Delayed publication of survey data",
        description="Survey data due in March has not been shared.",
        raising_position="The data must be shared within two weeks.",
    )


@pytest.fixture
def comment(dispute, member_ua):
    return add_comment(member_ua, dispute, "Дані будуть передані до кінця місяця.")
