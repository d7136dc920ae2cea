"""Load the sample agreement from fixtures/sample_agreement.json.

The file is SAMPLE DATA drawn from a news account of the signing, not the treaty text. It
holds the agreement, its minerals, organisations and provisions; each provision's milestones
with a log of what happened to them; monitoring checks with their corrective actions; and
disputes with their timelines.

A milestone's log is replayed in order, so the final state, the progress updates and the
django-simple-history rows all come from the same entries and carry the entries' dates (the
compliance report's `as_of` then shows the sample as it stood on any past day). Entries:

    {"at": "2026-03-20T14:00", "status": "in_progress", "percent": 55, "note": "..."}
    {"at": "...", "kind": "verification", "note": "..."}   # verify a completed milestone
    {"at": "...", "kind": "return", "percent": 90, "note": "reason"}   # back to in_progress

Everything is authored by the `sample-data` user: no usable password, no role, inactive, so
it can never log in; it only marks which rows came with the sample.

Running the command again does nothing when an agreement with the file's short name exists.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import Truncator

from tracker.accounts.models import User
from tracker.core.models import Affiliation, Agreement, Mineral, Organisation, Provision
from tracker.disputes.models import Dispute, DisputeEvent, DisputeStatus
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "sample_agreement.json"
SAMPLE_USERNAME = "sample-data"
# The hour at which date-only events (creation of a milestone, a check) are placed.
WORKDAY_START = datetime.time(9, 0)

Row = dict[str, Any]


def sample_user() -> User:
    """The author of every sample row; it cannot log in and has no role."""
    user, created = User.objects.get_or_create(
        username=SAMPLE_USERNAME,
        defaults={
            "first_name": "Sample data",
            "party": Affiliation.INDEPENDENT,
            "role": "",
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def moment(value: str) -> datetime.datetime:
    """An ISO date or date-time of the file, read in the project's time zone."""
    parsed = datetime.datetime.fromisoformat(value)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def day_start(value: str) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(value), WORKDAY_START)
    )


class SampleLoader:
    def __init__(self, data: Row, author: User) -> None:
        self.data = data
        self.author = author
        self.minerals: dict[str, Mineral] = {}
        self.organisations: dict[str, Organisation] = {}
        self.provisions: dict[str, Provision] = {}
        self.milestones: dict[str, Milestone] = {}
        self.checks: dict[str, MonitoringCheck] = {}
        # What was added; organisations and minerals already present are reused, not counted.
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "organisations",
                "minerals",
                "provisions",
                "milestones",
                "progress updates",
                "checks",
                "corrective actions",
                "disputes",
                "dispute events",
            ),
            0,
        )

    def save(self, obj: models.Model, when: datetime.datetime, reason: str = "") -> None:
        """Save with the history row dated and signed like the event it records.

        Field values are checked here (choices, lengths); relations come from this loader and
        the rules across fields are the database's constraints, so a row breaking one still
        stops the whole load.
        """
        relations = [field.name for field in obj._meta.fields if field.is_relation]
        try:
            obj.clean_fields(exclude=relations)
        except ValidationError as error:
            raise CommandError(f"{obj._meta.verbose_name} {obj}: {error}") from error
        obj._history_date = when
        obj._history_user = self.author
        obj._change_reason = Truncator(reason).chars(100) if reason else None
        try:
            obj.save()
        except IntegrityError as error:
            raise CommandError(f"{obj._meta.verbose_name} {obj}: {error}") from error

    def load(self) -> Agreement:
        agreement_row = self.data["agreement"]
        signed = day_start(agreement_row["signed_on"])
        agreement = Agreement(**agreement_row)
        self.save(agreement, signed, "Sample agreement loaded")
        for row in self.data["minerals"]:
            mineral, created = Mineral.objects.get_or_create(
                name=row["name"], defaults={"name_uk": row.get("name_uk", "")}
            )
            self.minerals[mineral.name] = mineral
            self.counts["minerals"] += created
        for row in self.data["organisations"]:
            self.organisations[row["name"]] = self.organisation(row, signed)
        for row in self.data["provisions"]:
            self.provision(agreement, row, signed)
        for row in self.data["checks"]:
            self.check(row)
        for row in self.data["disputes"]:
            self.dispute(agreement, row)
        return agreement

    def organisation(self, row: Row, when: datetime.datetime) -> Organisation:
        # Organisations outlive one agreement and may already be there (another agreement,
        # or created by hand): reuse them by name.
        existing = Organisation.objects.filter(name=row["name"]).first()
        if existing:
            return existing
        organisation = Organisation(**row)
        self.save(organisation, when, "Sample agreement loaded")
        self.counts["organisations"] += 1
        return organisation

    def provision(self, agreement: Agreement, row: Row, when: datetime.datetime) -> None:
        fields = {k: v for k, v in row.items() if k not in ("minerals", "milestones")}
        provision = Provision(agreement=agreement, **fields)
        self.save(provision, when, "Sample agreement loaded")
        provision.minerals.set([self.minerals[name] for name in row["minerals"]])
        self.provisions[provision.reference] = provision
        self.counts["provisions"] += 1
        for milestone_row in row["milestones"]:
            self.milestone(provision, milestone_row)

    def milestone(self, provision: Provision, row: Row) -> None:
        key = row["key"]
        fields = {k: v for k, v in row.items() if k not in ("key", "log", "created_on")}
        lead = fields.pop("lead_organisation", None)
        milestone = Milestone(
            provision=provision,
            lead_organisation=self.organisations[lead] if lead else None,
            **fields,
        )
        self.save(milestone, day_start(row["created_on"]), "Milestone planned")
        for entry in row["log"]:
            self.replay(milestone, entry)
        self.milestones[key] = milestone
        self.counts["milestones"] += 1

    def replay(self, milestone: Milestone, entry: Row) -> None:
        at = moment(entry["at"])
        kind = entry.get("kind", ProgressUpdate.Kind.UPDATE)
        old_status, old_percent = milestone.status, milestone.percent_complete
        if kind == ProgressUpdate.Kind.VERIFICATION:
            milestone.verified_by, milestone.verified_at = self.author, at
        elif kind == ProgressUpdate.Kind.RETURN:
            milestone.status = Status.IN_PROGRESS
            milestone.percent_complete = entry["percent"]
            milestone.completed_on = None
        else:
            milestone.status = entry["status"]
            milestone.percent_complete = entry["percent"]
            completed = milestone.status == Status.COMPLETED
            milestone.completed_on = timezone.localdate(at) if completed else None
        milestone.version += 1
        self.save(milestone, at, entry["note"])
        ProgressUpdate.objects.create(
            milestone=milestone,
            author=self.author,
            created_at=at,
            kind=kind,
            old_status=old_status,
            new_status=milestone.status,
            old_percent=old_percent,
            percent=milestone.percent_complete,
            note=entry["note"],
        )
        self.counts["progress updates"] += 1

    def check(self, row: Row) -> None:
        checked_on = datetime.date.fromisoformat(row["checked_on"])
        recorded = day_start(row["checked_on"]) + datetime.timedelta(hours=7)
        check = MonitoringCheck(
            provision=self.provisions[row["provision"]],
            milestone=self.milestones[row["milestone"]] if row.get("milestone") else None,
            follows_up=self.checks[row["follows_up"]] if row.get("follows_up") else None,
            criterion=row["criterion"],
            criterion_uk=row["criterion_uk"],
            monitor=self.author,
            checked_on=checked_on,
            result=row["result"],
            severity=row["severity"],
            finding=row["finding"],
            created_at=recorded,
        )
        self.save(check, recorded, "Check recorded")
        self.checks[row["key"]] = check
        self.counts["checks"] += 1
        for action_row in row["corrective_actions"]:
            action = CorrectiveAction(
                check_record=check,
                description=action_row["description"],
                owner_party=action_row["owner_party"],
                due_date=datetime.date.fromisoformat(action_row["due_date"]),
            )
            self.save(action, recorded, "Corrective action set")
            if action_row.get("closed_at"):
                action.state = CorrectiveAction.State.DONE
                action.closed_at = moment(action_row["closed_at"])
                action.closed_by = self.author
                action.closing_note = action_row["closing_note"]
                self.save(action, action.closed_at, action.closing_note)
            self.counts["corrective actions"] += 1

    def dispute(self, agreement: Agreement, row: Row) -> None:
        events = row["events"]
        raised = moment(events[0]["at"])
        dispute = Dispute(
            agreement=agreement,
            raised_by=self.author,
            raised_by_party=row["raised_by_party"],
            responding_party=row["responding_party"],
            raised_on=datetime.date.fromisoformat(row["raised_on"]),
            response_due=datetime.date.fromisoformat(row["response_due"]),
            title=row["title"],
            description=row["description"],
            raising_position=row["raising_position"],
            status=DisputeStatus.RAISED,
            created_at=raised,
        )
        self.save(dispute, raised, "Dispute raised")
        dispute.provisions.set([self.provisions[ref] for ref in row["provisions"]])
        for event in events:
            self.dispute_event(dispute, event)
        self.counts["disputes"] += 1

    def dispute_event(self, dispute: Dispute, event: Row) -> None:
        at = moment(event["at"])
        kind = event["kind"]
        from_status = ""
        if kind == DisputeEvent.Kind.TRANSITION:
            from_status = "" if event["to_status"] == DisputeStatus.RAISED else dispute.status
            if dispute.status != event["to_status"]:
                dispute.status = event["to_status"]
                if dispute.status == DisputeStatus.RESOLVED:
                    dispute.resolution = event["resolution"]
                    dispute.resolved_on = timezone.localdate(at)
                self.save(dispute, at, event["text"])
        elif kind == DisputeEvent.Kind.POSITION:
            dispute.responding_position = event["text"]
            self.save(dispute, at, "Position recorded")
        DisputeEvent.objects.create(
            dispute=dispute,
            kind=kind,
            author=self.author,
            created_at=at,
            from_status=from_status,
            to_status=event.get("to_status", ""),
            text=event["text"],
        )
        self.counts["dispute events"] += 1


class Command(BaseCommand):
    help = "Load the sample agreement (SAMPLE DATA from a news account) unless it is loaded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=DEFAULT_FILE,
            help="JSON data file (default: fixtures/sample_agreement.json).",
        )

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        short_name = data["agreement"]["short_name"]
        verbose = options["verbosity"] >= 1
        if Agreement.objects.filter(short_name=short_name).exists():
            if verbose:
                self.stdout.write(
                    f"Sample agreement {short_name!r} is already loaded; nothing changed."
                )
            return
        with transaction.atomic():
            loader = SampleLoader(data, sample_user())
            agreement = loader.load()
        if not verbose:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the sample agreement {agreement.short_name!r} (SAMPLE DATA):"
            )
        )
        for name, count in loader.counts.items():
            self.stdout.write(f"  {name + ':':<20}{count:>4}")
