"""Load the sample agreement from fixtures/sample_agreement.json.

The file is SAMPLE DATA drawn from a news account of the signing, not the treaty text. It
holds the agreement, its minerals, organisations and provisions; the people who act in it;
each provision's milestones with a log of what happened to them; monitoring checks with
their corrective actions; and disputes with their timelines.

What people did is replayed through the services, in order and at the moments the file
gives (their keyword ``at``): the same functions, with the same permission checks and rules,
that a person's request goes through. So the sample can never hold a state the tracker would
refuse, and the progress log, the timelines and the django-simple-history rows carry the
dates of the events (the compliance report's `as_of` then shows the sample as it stood on any
past day). A refused event stops the load with the reason, and nothing is saved.

Who acts: the file's ``people``, one account per role the events need (each party's co-chair
and member, a monitor), named for the role and marked "(sample)". Their accounts are kept
inactive with no usable password, so they can never log in. The permission predicates refuse
a disabled account, so the command enables the sample's people only while it replays their
events, inside the load's single transaction, and disables them again before it commits: no
other connection ever sees them enabled, and their history shows both changes. An existing
account of the same name is used only when it is one of these (no usable password, the same
role and party); anything else stops the load. What no person does through a service (the
agreement, organisations, provisions and the milestones as planned) is written directly and
signed by the `sample-data` user, which has no role and cannot log in either.

A person: ``{"username": ..., "first_name": ..., "last_name": ..., "role": ..., "party": ...}``.
Entries of a milestone's log (``by`` is the username of one of the file's people):

    {"at": "2026-03-20T14:00", "by": "...", "status": "in_progress", "percent": 55, "note": "..."}
    {"at": "...", "by": "...", "kind": "verification"}            # verify a completed milestone
    {"at": "...", "by": "...", "kind": "return", "note": "reason"}   # back to in_progress

As through the pages, a verification carries no note and a return keeps the percentage.

A check names its ``monitor``; it is recorded at 16:00 on the day it was made, with its
corrective actions; a closed action names ``closed_by``, ``closed_at`` and ``closing_note``.
A dispute names ``raised_by`` and ``raised_at`` (its response date follows from the rules);
its ``events`` are ``transition`` (``to_status``, ``text``, ``resolution`` when resolving),
``position`` and ``comment``, each with ``at`` and ``by``.

Running the command again does nothing when an agreement with the file's short name exists.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from tracker.accounts.models import User
from tracker.core.models import (
    Affiliation,
    Agreement,
    Mineral,
    Organisation,
    Provision,
    Visibility,
)
from tracker.disputes import services as disputes
from tracker.disputes.models import Dispute, DisputeEvent
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone, ProgressUpdate
from tracker.monitoring import services as monitoring
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "sample_agreement.json"
SAMPLE_USERNAME = "sample-data"
# The hour at which date-only events (a milestone planned) are placed, and at which checks
# are recorded on the day they were made.
WORKDAY_START = datetime.time(9, 0)
CHECK_RECORDED = datetime.time(16, 0)

Row = dict[str, Any]


def sample_user() -> User:
    """The author of the sample's set-up rows; it cannot log in and has no role."""
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


def sample_person(row: Row) -> User:
    """One of the file's people: created disabled and without a usable password."""
    username = row["username"]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=row["first_name"],
            last_name=row.get("last_name", ""),
            role=row["role"],
            party=row["party"],
            is_active=False,
        )
        user.set_unusable_password()
        try:
            user.clean_fields(exclude=["password", "organisation"])
            user.save()
        except (ValidationError, IntegrityError) as error:
            raise CommandError(f"person {username}: {error}") from error
    elif user.has_usable_password() or (user.role, user.party) != (row["role"], row["party"]):
        raise CommandError(
            f"The account {username!r} exists and is not the sample's {row['role']} of "
            f"{row['party']} without a password; rename one of them."
        )
    return user


@contextmanager
def enabled(people: list[User]) -> Iterator[None]:
    """The sample's people may act while the block runs; call inside the load's transaction.

    On an error the load's transaction rolls back, the enabling with it, so nothing is left
    to undo here.
    """
    for user in people:
        _set_active(user, True, "Sample replay: enabled")
    yield
    for user in people:
        _set_active(user, False, "Sample replay finished: disabled")


def _set_active(user: User, active: bool, reason: str) -> None:
    user.is_active = active
    user._change_reason = reason
    user.save(update_fields=["is_active"])


def moment(value: str) -> datetime.datetime:
    """An ISO date or date-time of the file, read in the project's time zone."""
    parsed = datetime.datetime.fromisoformat(value)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def day_at(value: str, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(value), time))


@contextmanager
def refused_as_command_error(what: str) -> Iterator[None]:
    """A service's refusal stops the load, saying which event of the file it was."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            reasons = [
                f"{field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        else:
            reasons = error.messages
        raise CommandError(f"{what}: {'; '.join(reasons)}") from error
    except PermissionDenied as error:
        reason = f" ({error})" if str(error) else ""
        raise CommandError(f"{what}: refused to this person{reason}") from error
    except IntegrityError as error:
        raise CommandError(f"{what}: {error}") from error


class SampleLoader:
    def __init__(self, data: Row, author: User, people: dict[str, User]) -> None:
        self.data = data
        self.author = author
        self.people = people
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

    def person(self, username: str, what: str) -> User:
        try:
            return self.people[username]
        except KeyError:
            raise CommandError(f"{what}: {username!r} is not one of the file's people") from None

    def save(self, obj: models.Model, when: datetime.datetime, reason: str) -> None:
        """Save a set-up row (no service writes these) with its history dated ``when``.

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
        obj._change_reason = reason
        try:
            obj.save()
        except IntegrityError as error:
            raise CommandError(f"{obj._meta.verbose_name} {obj}: {error}") from error

    def check_values(self, model: type[models.Model], what: str, values: Row) -> None:
        """Choices and lengths of what a form would have checked before the service ran."""
        plain = {field.name for field in model._meta.fields if not field.is_relation}
        checked = {name: value for name, value in values.items() if name in plain}
        try:
            model(**checked).clean_fields(
                exclude=[field.name for field in model._meta.fields if field.name not in checked]
            )
        except ValidationError as error:
            raise CommandError(f"{what}: {error}") from error

    def load(self) -> Agreement:
        agreement_row = self.data["agreement"]
        signed = day_at(agreement_row["signed_on"], WORKDAY_START)
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
        # Planned with its due date, which is also its baseline.
        fields.setdefault("baseline_due", fields["due_date"])
        lead = fields.pop("lead_organisation", None)
        milestone = Milestone(
            provision=provision,
            lead_organisation=self.organisations[lead] if lead else None,
            **fields,
        )
        self.save(milestone, day_at(row["created_on"], WORKDAY_START), "Milestone planned")
        for entry in row["log"]:
            milestone = self.replay(key, milestone, entry)
        self.milestones[key] = milestone
        self.counts["milestones"] += 1

    def replay(self, key: str, milestone: Milestone, entry: Row) -> Milestone:
        """One entry of the log, through its service; returns the milestone as saved."""
        what = f"milestone {key}, entry of {entry['at']}"
        user, at = self.person(entry["by"], what), moment(entry["at"])
        kind = entry.get("kind", ProgressUpdate.Kind.UPDATE)
        with refused_as_command_error(what):
            if kind == ProgressUpdate.Kind.VERIFICATION:
                update = milestones.verify(milestone, user, version=milestone.version, at=at)
            elif kind == ProgressUpdate.Kind.RETURN:
                update = milestones.return_for_rework(
                    milestone, user, version=milestone.version, reason=entry["note"], at=at
                )
            elif kind == ProgressUpdate.Kind.UPDATE:
                update = milestones.update_progress(
                    milestone,
                    user,
                    version=milestone.version,
                    status=entry["status"],
                    percent=entry["percent"],
                    note=entry["note"],
                    visibility=entry.get("visibility", Visibility.TASK_FORCE),
                    at=at,
                )
            else:
                raise CommandError(f"{what}: unknown kind {kind!r}")
        self.counts["progress updates"] += 1
        return update.milestone

    def check(self, row: Row) -> None:
        what = f"check {row['key']}"
        monitor = self.person(row["monitor"], what)
        recorded = day_at(row["checked_on"], CHECK_RECORDED)
        fields = {
            "provision": self.provisions[row["provision"]],
            "milestone": self.milestones[row["milestone"]] if row.get("milestone") else None,
            "follows_up": self.checks[row["follows_up"]] if row.get("follows_up") else None,
            "criterion": row["criterion"],
            "criterion_uk": row["criterion_uk"],
            "checked_on": datetime.date.fromisoformat(row["checked_on"]),
            "result": row["result"],
            "severity": row["severity"],
            "finding": row["finding"],
        }
        self.check_values(MonitoringCheck, what, fields)
        with refused_as_command_error(what):
            check = monitoring.record_check(
                monitor,
                fields,
                visibility=row.get("visibility", Visibility.TASK_FORCE),
                at=recorded,
            )
        self.checks[row["key"]] = check
        self.counts["checks"] += 1
        for number, action_row in enumerate(row["corrective_actions"], start=1):
            self.corrective_action(check, monitor, action_row, f"{what}, action {number}", recorded)

    def corrective_action(
        self,
        check: MonitoringCheck,
        monitor: User,
        row: Row,
        what: str,
        recorded: datetime.datetime,
    ) -> None:
        fields = {
            "description": row["description"],
            "owner_party": row["owner_party"],
            "due_date": datetime.date.fromisoformat(row["due_date"]),
            "visibility": row.get("visibility", Visibility.TASK_FORCE),
        }
        self.check_values(CorrectiveAction, what, fields)
        with refused_as_command_error(what):
            action = monitoring.add_corrective_action(monitor, check, fields, at=recorded)
            if row.get("closed_at"):
                monitoring.close_corrective_action(
                    self.person(row["closed_by"], what),
                    action,
                    row["closing_note"],
                    version=action.version,
                    at=moment(row["closed_at"]),
                )
        self.counts["corrective actions"] += 1

    def dispute(self, agreement: Agreement, row: Row) -> None:
        what = f"dispute {row['title']!r}"
        values = {
            "raised_by_party": row["raised_by_party"],
            "title": row["title"],
            "description": row["description"],
            "raising_position": row["raising_position"],
        }
        self.check_values(Dispute, what, values)
        with refused_as_command_error(what):
            dispute = disputes.raise_dispute(
                self.person(row["raised_by"], what),
                agreement=agreement,
                provisions=[self.provisions[ref] for ref in row["provisions"]],
                at=moment(row["raised_at"]),
                **values,
            )
        self.counts["disputes"] += 1
        self.counts["dispute events"] += 1
        for event in row["events"]:
            dispute = self.dispute_event(dispute, event, f"{what}, event of {event['at']}")

    def dispute_event(self, dispute: Dispute, event: Row, what: str) -> Dispute:
        user, at, kind = self.person(event["by"], what), moment(event["at"]), event["kind"]
        with refused_as_command_error(what):
            if kind == DisputeEvent.Kind.TRANSITION:
                dispute = disputes.move_dispute(
                    user,
                    dispute,
                    event["to_status"],
                    event["text"],
                    at=at,
                )
            elif kind == DisputeEvent.Kind.POSITION:
                disputes.record_position(user, dispute, event["text"], at=at)
            elif kind == DisputeEvent.Kind.COMMENT:
                disputes.add_comment(user, dispute, event["text"], at=at)
            else:
                raise CommandError(f"{what}: unknown kind {kind!r}")
        self.counts["dispute events"] += 1
        return dispute


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
            people = {row["username"]: sample_person(row) for row in data["people"]}
            loader = SampleLoader(data, sample_user(), people)
            with enabled(list(people.values())):
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
