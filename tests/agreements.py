"""Agreements with rows of every kind, for the workspace tests.

`build_agreement("alpha")` makes an agreement whose every free text carries its tag
("Alpha …"), so a page shows at a glance whether a row of another agreement leaked in. Two
agreements built this way share their provision references (P-01, P-02), as two real
agreements would, and the people and the organisation; `grow()` adds rows to one of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from tracker.accounts.models import User
from tracker.core.models import Agreement, Category, Organisation, Provision, ResponsibleParty
from tracker.disputes.models import Dispute
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

# The agreements the tests use, most recently signed last (bravo is the default workspace).
SIGNED = {"alpha": datetime.date(2025, 4, 30), "bravo": datetime.date(2026, 2, 1)}


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@dataclass
class AgreementRows:
    agreement: Agreement
    tag: str  # "Alpha": the word every text of this agreement carries
    provisions: list[Provision]
    milestones: list[Milestone]
    updates: list[ProgressUpdate]
    checks: list[MonitoringCheck]
    actions: list[CorrectiveAction]
    disputes: list[Dispute]
    extra: int = field(default=0)

    @property
    def short_name(self) -> str:
        return self.agreement.short_name

    @property
    def milestone(self) -> Milestone:
        return self.milestones[0]

    @property
    def provision(self) -> Provision:
        return self.provisions[0]


def shared_organisation() -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        name="State Geological Service",
        defaults={"kind": Organisation.Kind.AGENCY, "affiliation": "UA"},
    )
    return organisation


def build_agreement(
    short_name: str, *, author: User, monitor: User, raiser: User, signed_on=None
) -> AgreementRows:
    """One agreement: two provisions, four milestones (overdue, due soon, awaiting
    verification, on track), a progress entry on each, a non-compliant finding with an open
    corrective action, and an open dispute."""
    tag = short_name.capitalize()
    agreement = Agreement.objects.create(
        title=f"{tag} cooperation agreement",
        title_uk=f"{tag} угода про співпрацю",
        short_name=short_name,
        signed_on=signed_on or SIGNED[short_name],
        place="Kyiv",
    )
    survey = Provision.objects.create(
        agreement=agreement,
        reference="P-01",
        title=f"{tag} geological surveys",
        category=Category.GEOLOGICAL_SURVEY,
        responsible_party=ResponsibleParty.JOINT,
    )
    safeguards = Provision.objects.create(
        agreement=agreement,
        reference="P-02",
        title=f"{tag} environmental safeguards",
        category=Category.ESG,
        responsible_party=ResponsibleParty.UA,
    )
    organisation = shared_organisation()
    milestones = [
        Milestone.objects.create(
            provision=survey,
            title=f"{tag} overdue tender",
            responsible_party="UA",
            due_date=days(-3),
            status=Status.IN_PROGRESS,
            percent_complete=40,
            lead_organisation=organisation,
        ),
        Milestone.objects.create(
            provision=survey,
            title=f"{tag} data protocol due soon",
            responsible_party="JOINT",
            due_date=days(7),
        ),
        Milestone.objects.create(
            provision=safeguards,
            title=f"{tag} baseline awaiting verification",
            responsible_party="UA",
            due_date=days(-1),
            status=Status.COMPLETED,
            percent_complete=100,
            completed_on=days(-2),
        ),
        Milestone.objects.create(
            provision=safeguards,
            title=f"{tag} tailings standard on track",
            responsible_party="UA",
            due_date=days(90),
        ),
    ]
    updates = [
        ProgressUpdate.objects.create(
            milestone=milestone,
            author=author,
            old_status=Status.NOT_STARTED,
            new_status=milestone.status,
            percent=milestone.percent_complete,
            note=f"{tag} progress note {index}",
        )
        for index, milestone in enumerate(milestones)
    ]
    check = MonitoringCheck.objects.create(
        provision=safeguards,
        monitor=monitor,
        criterion=f"{tag} baseline published",
        checked_on=days(-5),
        result="non_compliant",
        severity="major",
        finding=f"{tag} baseline omits groundwater.",
    )
    action = CorrectiveAction.objects.create(
        check_record=check,
        description=f"{tag} groundwater sampling",
        owner_party="UA",
        due_date=days(20),
    )
    dispute = Dispute.objects.create(
        agreement=agreement,
        raised_by=raiser,
        raised_by_party="US",
        responding_party="UA",
        title=f"{tag} survey data dispute",
        description=f"{tag} data were not shared.",
        raising_position="Share within 30 days.",
    )
    dispute.provisions.set([survey])
    return AgreementRows(
        agreement, tag, [survey, safeguards], milestones, updates, [check], [action], [dispute]
    )


def grow(rows: AgreementRows, count: int) -> None:
    """`count` more milestones (each with a progress entry), checks and disputes."""
    author = rows.updates[0].author
    monitor = rows.checks[0].monitor
    raiser = rows.disputes[0].raised_by
    for number in range(rows.extra, rows.extra + count):
        provision = rows.provisions[number % 2]
        milestone = Milestone.objects.create(
            provision=provision,
            title=f"{rows.tag} extra milestone {number}",
            responsible_party=("UA", "US", "JOINT")[number % 3],
            due_date=days(number - count // 2),
            status=(Status.NOT_STARTED, Status.IN_PROGRESS)[number % 2],
            percent_complete=(number * 7) % 100 if number % 2 else 0,
        )
        ProgressUpdate.objects.create(
            milestone=milestone,
            author=author,
            old_status=Status.NOT_STARTED,
            new_status=milestone.status,
            percent=milestone.percent_complete,
            note=f"{rows.tag} extra note {number}",
        )
        check = MonitoringCheck.objects.create(
            provision=provision,
            monitor=monitor,
            criterion=f"{rows.tag} extra criterion {number}",
            checked_on=days(-number - 1),
            result="partially_compliant",
            severity="minor",
        )
        CorrectiveAction.objects.create(
            check_record=check,
            description=f"{rows.tag} extra action {number}",
            owner_party="US",
            due_date=days(number + 1),
        )
        dispute = Dispute.objects.create(
            agreement=rows.agreement,
            raised_by=raiser,
            raised_by_party="UA",
            responding_party="US",
            title=f"{rows.tag} extra dispute {number}",
            description="More.",
            raising_position="More.",
        )
        dispute.provisions.set([provision])
    rows.extra += count
