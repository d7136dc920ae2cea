"""The database itself refuses rows that break the domain's rules."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.accounts.models import Role, User
from tracker.core.models import Provision, ProvisionAssessment
from tracker.disputes.models import Dispute
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

TODAY = datetime.date(2026, 11, 28)


def milestone(provision, **fields) -> Milestone:
    defaults = {"title": "Survey", "responsible_party": "UA", "due_date": TODAY}
    return Milestone(provision=provision, **{**defaults, **fields})


def check(provision, monitor, **fields) -> MonitoringCheck:
    defaults = {"criterion": "ESG", "result": "compliant", "checked_on": TODAY}
    return MonitoringCheck(provision=provision, monitor=monitor, **{**defaults, **fields})


def dispute(agreement, author, **fields) -> Dispute:
    defaults = {
        "raised_by_party": "UA",
        "responding_party": "US",
        "raised_on": TODAY,
        "response_due": TODAY + datetime.timedelta(days=30),
        "title": "Eligibility",
        "description": "d",
        "raising_position": "p",
    }
    return Dispute(agreement=agreement, raised_by=author, **{**defaults, **fields})


BAD_ROWS = {
    "milestone percent 101": lambda c: milestone(c.provision, percent_complete=101),
    "milestone completed_on while in progress": lambda c: milestone(
        c.provision, status=Status.IN_PROGRESS, percent_complete=40, completed_on=TODAY
    ),
    "milestone completed without completed_on": lambda c: milestone(
        c.provision, status=Status.COMPLETED, percent_complete=100
    ),
    "milestone completed below 100 %": lambda c: milestone(
        c.provision, status=Status.COMPLETED, percent_complete=90, completed_on=TODAY
    ),
    "milestone verified while not completed": lambda c: milestone(
        c.provision, status=Status.IN_PROGRESS, verified_by=c.monitor, verified_at=timezone.now()
    ),
    "milestone verified without a verifier": lambda c: milestone(
        c.provision,
        status=Status.COMPLETED,
        percent_complete=100,
        completed_on=TODAY,
        verified_at=timezone.now(),
    ),
    "milestone unknown status": lambda c: milestone(c.provision, status="finished"),
    "milestone version 0": lambda c: milestone(c.provision, version=0),
    "check non_compliant without severity": lambda c: check(
        c.provision, c.monitor, result="non_compliant"
    ),
    "check partially_compliant without severity": lambda c: check(
        c.provision, c.monitor, result="partially_compliant"
    ),
    "check compliant with a severity": lambda c: check(
        c.provision, c.monitor, result="compliant", severity="minor"
    ),
    "dispute between the same party": lambda c: dispute(
        c.agreement, c.monitor, raised_by_party="UA", responding_party="UA"
    ),
    "dispute resolved without resolution": lambda c: dispute(
        c.agreement, c.monitor, status="resolved", resolved_on=TODAY
    ),
    "dispute resolved_on while open": lambda c: dispute(
        c.agreement, c.monitor, status="acknowledged", resolved_on=TODAY
    ),
    "dispute response due before raised": lambda c: dispute(
        c.agreement, c.monitor, response_due=TODAY - datetime.timedelta(days=1)
    ),
    "provision reference twice in one agreement": lambda c: Provision(
        agreement=c.agreement,
        reference=c.provision.reference,
        title="Again",
        category=c.provision.category,
        responsible_party="US",
    ),
    "co-chair without a party": lambda c: User(username="x", role=Role.CO_CHAIR, party="IND"),
    "monitor with a party": lambda c: User(username="y", role=Role.MONITOR, party="US"),
    "assessment level 4": lambda c: ProvisionAssessment(
        provision=c.provision, assessed_by=c.monitor, party="US", level=4, note="n"
    ),
}


class Cast:
    def __init__(self, agreement, provision, monitor):
        self.agreement, self.provision, self.monitor = agreement, provision, monitor


@pytest.fixture
def cast(agreement, provision, monitor) -> Cast:
    return Cast(agreement, provision, monitor)


@pytest.mark.parametrize("build", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_database_refuses_a_bad_row(cast, build):
    row = build(cast)
    model = type(row)
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    assert model.objects.count() == before


def test_progress_update_percent_101_is_refused(milestone_ua, member_ua):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(
            milestone=milestone_ua,
            author=member_ua,
            old_status="not_started",
            new_status="in_progress",
            percent=101,
        )


def test_corrective_action_done_needs_who_when_and_a_note(cast, monitor):
    finding = check(cast.provision, monitor, result="non_compliant", severity="major")
    finding.save()
    action = CorrectiveAction(
        check_record=finding,
        description="Repeat the consultation",
        owner_party="UA",
        due_date=TODAY,
        state="done",
        closed_at=timezone.now(),
        closed_by=monitor,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


def test_a_good_completed_and_verified_milestone_is_accepted(cast):
    row = milestone(
        cast.provision,
        status=Status.COMPLETED,
        percent_complete=100,
        completed_on=TODAY,
        verified_by=cast.monitor,
        verified_at=timezone.now(),
    )
    row.save()
    assert Milestone.objects.filter(pk=row.pk).exists()
