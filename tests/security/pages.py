"""Every GET page of the URL contracts, over one small world with one of everything."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from tracker.accounts.models import Role, User
from tracker.core.evidence import store_evidence
from tracker.core.models import Agreement, Category, Organisation, Provision
from tracker.disputes.models import Dispute, DisputeEvent
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck


@dataclass
class PageWorld:
    agreement: Agreement
    organisation: Organisation
    provision: Provision
    milestone: Milestone
    update: ProgressUpdate
    check: MonitoringCheck
    action: CorrectiveAction
    dispute: Dispute
    comment: DisputeEvent
    author: User
    monitor: User


def build_world(text: str = "") -> PageWorld:
    """One of everything; ``text`` (e.g. an XSS payload) goes into every free-text field."""

    def t(plain: str) -> str:
        return f"{plain} {text}".strip()

    author = User.objects.create(
        username="world-author",
        first_name=t("Oksana"),
        last_name=t("Melnyk"),
        role=Role.MEMBER,
        party="UA",
    )
    monitor = User.objects.create(
        username="world-monitor", first_name=t("Mira"), role=Role.MONITOR, party="IND"
    )
    agreement = Agreement.objects.create(
        title="World agreement",
        short_name="world",
        signed_on=datetime.date(2025, 4, 30),
        place="Kyiv",
    )
    organisation = Organisation.objects.create(
        name=t("State Geological Service"), kind=Organisation.Kind.AGENCY, affiliation="UA"
    )
    author.organisation = organisation
    author.save()
    provision = Provision.objects.create(
        agreement=agreement,
        reference="P-01",
        title=t("Joint geological surveys"),
        text=t("The parties survey deposits together."),
        category=Category.GEOLOGICAL_SURVEY,
        responsible_party="JOINT",
    )
    milestone = Milestone.objects.create(
        provision=provision,
        title=t("Publish survey tender"),
        description=t("An open tender for the survey."),
        responsible_party="UA",
        lead_organisation=organisation,
        # Overdue, so the dashboard and the report list it too.
        due_date=datetime.date(2025, 6, 30),
        status=Status.IN_PROGRESS,
        percent_complete=30,
    )
    evidence = store_evidence(SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n% m\n"), author)
    update = ProgressUpdate.objects.create(
        milestone=milestone,
        author=author,
        old_status=Status.NOT_STARTED,
        new_status=Status.IN_PROGRESS,
        percent=30,
        note=t("Tender documents drafted."),
    )
    update.evidence.add(evidence)
    check = MonitoringCheck.objects.create(
        provision=provision,
        milestone=milestone,
        criterion=t("Tender published openly"),
        monitor=monitor,
        checked_on=datetime.date(2025, 11, 3),
        result="non_compliant",
        severity="major",
        finding=t("Not published in Ukrainian."),
    )
    action = CorrectiveAction.objects.create(
        check_record=check,
        description=t("Publish the tender in Ukrainian."),
        owner_party="UA",
        due_date=datetime.date(2027, 3, 31),
    )
    dispute = Dispute.objects.create(
        agreement=agreement,
        raised_by_party="US",
        responding_party="UA",
        raised_by=User.objects.create(username="world-raiser", role=Role.MEMBER, party="US"),
        title=t("Survey data not shared"),
        description=t("The data were not shared on time."),
        raising_position=t("Share within 30 days."),
        responding_position=t("Shared through the portal."),
    )
    dispute.provisions.add(provision)
    comment = DisputeEvent.objects.create(
        dispute=dispute, kind=DisputeEvent.Kind.COMMENT, author=author, text=t("Logs attached.")
    )
    return PageWorld(
        agreement,
        organisation,
        provision,
        milestone,
        update,
        check,
        action,
        dispute,
        comment,
        author,
        monitor,
    )


def page_urls(world: PageWorld) -> dict[str, str]:
    """Name → URL of every GET page of the contracts that exists now."""
    wanted = {
        "dashboard": ("dashboard", ()),
        "provision_list": ("provision_list", ()),
        "provision_detail": ("provision_detail", (world.provision.pk,)),
        "milestones:list": ("milestones:list", ()),
        "milestones:detail": ("milestones:detail", (world.milestone.pk,)),
        "milestones:activity": ("milestones:activity", ()),
        "monitoring:list": ("monitoring:list", ()),
        "monitoring:create": ("monitoring:create", ()),
        "monitoring:detail": ("monitoring:detail", (world.check.pk,)),
        "disputes:list": ("disputes:list", ()),
        "disputes:create": ("disputes:create", ()),
        "disputes:detail": ("disputes:detail", (world.dispute.pk,)),
        "reports:compliance": ("reports:compliance", ()),
        "organisations:list": ("organisations:list", ()),
        "organisations:detail": ("organisations:detail", (world.organisation.pk,)),
        "planning:list": ("planning:list", ()),
        "planning:agreement": ("planning:agreement", (world.agreement.short_name,)),
        "planning:provision": (
            "planning:provision",
            (world.agreement.short_name, world.provision.pk),
        ),
    }
    urls = {}
    for key, (name, args) in wanted.items():
        try:
            urls[key] = reverse(name, args=args)
        except NoReverseMatch:
            continue
    return urls


def evidence_url(world: PageWorld) -> str | None:
    try:
        return reverse("milestones:evidence", args=[world.update.evidence.get().pk])
    except NoReverseMatch:
        return None
