"""For each action of the permission matrix: the object it acts on and the real request.

``prepare(action_key, owner)`` builds, in the test database, an object of the state the action
needs (a completed milestone awaiting verification for verify/return, a check with an open
corrective action for close, a dispute in the status each move starts from ...), owned by
``owner`` (US, UA or JOINT; None for actions about no object), and answers the request that
performs the action through the URL contracts with valid data, plus the arguments the
permission predicate takes after the user. The matrix test and the CSRF test share it.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.accounts.matrix import ACTIONS, ANY, INDEPENDENT, Action, relative_ownership
from tracker.accounts.models import Role, User
from tracker.core.evidence import store_evidence
from tracker.core.models import Agreement, Category, Organisation, Provision
from tracker.disputes.models import Dispute, DisputeEvent, DisputeProposal
from tracker.milestones.models import Milestone, ProgressUpdate, Status
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck
from tracker.notifications.models import Delivery, Kind, Notification, OutgoingEmail
from tracker.reports.models import IssuedFile, IssuedReport

OTHER_PARTY = {"US": "UA", "UA": "US"}
#: Every actor's password, for the actions that ask for it (the own-account ones).
ACTOR_PASSWORD = "matrix-actor-passphrase-31"


#: The cast: who acts in a cell, as (role, party).
CAST = {
    "co_chair_US": (Role.CO_CHAIR, "US"),
    "co_chair_UA": (Role.CO_CHAIR, "UA"),
    "member_US": (Role.MEMBER, "US"),
    "member_UA": (Role.MEMBER, "UA"),
    "monitor": (Role.MONITOR, "IND"),
    "observer": (Role.OBSERVER, "IND"),
    "staff_admin": (Role.STAFF_ADMIN, "IND"),
    "no_role": ("", "IND"),
    "anonymous": ("anonymous", ""),
}


@dataclass(frozen=True)
class Cell:
    action: Action
    person: str
    owner: str | None
    htmx: bool

    @property
    def role(self) -> str:
        return CAST[self.person][0]

    @property
    def party(self) -> str:
        return CAST[self.person][1]

    @property
    def ownership(self) -> str:
        return ANY if self.owner is None else relative_ownership(self.party, self.owner)

    @property
    def expected_allowed(self) -> bool:
        return self.action.allows(self.role, self.ownership)

    def make_actor(self) -> User | AnonymousUser:
        if self.role == "anonymous":
            return AnonymousUser()
        return User.objects.create(
            username=f"actor-{self.person}",
            first_name=self.person,
            role=self.role,
            party=self.party,
            is_staff=self.role == Role.STAFF_ADMIN,
            is_superuser=self.role == Role.STAFF_ADMIN,
            password=make_password(ACTOR_PASSWORD),
        )

    def __str__(self) -> str:
        mode = "htmx" if self.htmx else "plain"
        return f"{self.action.key}-{self.person}-{self.owner or 'none'}-{mode}"


def _owners(action: Action) -> tuple[str | None, ...]:
    if action.ownerships == (ANY,):
        return (None,)
    if INDEPENDENT in action.ownerships:
        return ("US", "UA", "IND")
    if "joint" in action.ownerships:
        return ("US", "UA", "JOINT")
    return ("US", "UA")


POST_ACTIONS = {
    "update_milestone",
    "verify_milestone",
    "return_milestone",
    "record_check",
    "update_check",
    "add_corrective_action",
    "close_corrective_action",
    "raise_dispute",
    "acknowledge_dispute",
    "consult_dispute",
    "escalate_dispute",
    "resolve_dispute",
    "withdraw_dispute",
    "concur_decision",
    "reject_decision",
    "change_visibility",
    "record_position",
    "comment",
    "assess_provision",
    "invite_person",
    "change_role",
    "deactivate_person",
    "reactivate_person",
    "resend_invitation",
    "remove_two_factor",
    "change_own_password",
    "manage_own_two_factor",
    "read_notifications",
    "set_notification_preferences",
    "retry_email",
    "create_organisation",
    "edit_organisation",
    "withdraw_evidence",
    "create_agreement",
    "edit_agreement",
    "create_provision",
    "edit_provision",
    "create_milestone",
    "edit_milestone",
    "replan_milestone",
    "cancel_milestone",
    "import_plan",
    "issue_report",
    "verify_issued_file",
    "translate_progress_note",
    "translate_check",
    "translate_dispute",
    "translate_position",
    "translate_comment",
}

CELLS = [
    Cell(action, person, owner, htmx)
    for action in ACTIONS
    for person in CAST
    for owner in _owners(action)
    for htmx in ((False, True) if action.key in POST_ACTIONS else (False,))
]


class EndpointMissing(Exception):
    """The URL name of the contract does not resolve (yet)."""


@dataclass
class Prepared:
    method: str
    url_name: str
    args: tuple = ()
    values: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    predicate_args: tuple = ()
    #: What the acting person must have for the action to change something (their own
    #: unread notification): called with the actor once the cell has made them.
    for_actor: Callable[[User], None] | None = None
    #: Uploaded files by field name, as (file name, content).
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    #: Whether the allowed action records something (verifying a file only answers).
    records: bool = True

    def prepare_actor(self, actor) -> None:
        """Gives the actor what the action needs; it may change the account's session hash
        (an authenticator app), so the actor is read again after it."""
        if self.for_actor is not None and actor.is_authenticated:
            self.for_actor(actor)
            actor.refresh_from_db()

    @property
    def data(self) -> dict[str, Any]:
        """The POST data; each read gets new file objects, as the test client reads them
        to the end."""
        uploads = {
            name: SimpleUploadedFile(file_name, content)
            for name, (file_name, content) in self.files.items()
        }
        return {**self.values, **uploads}

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name, args=self.args) + self.query
        except NoReverseMatch as error:
            raise EndpointMissing(self.url_name) from error


class World:
    """The objects behind one cell, created on demand in the test database."""

    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._provisions: dict[str, Provision] = {}
        self.agreement = Agreement.objects.create(
            title="Matrix agreement",
            short_name="matrix",
            signed_on=datetime.date(2025, 4, 30),
            place="Kyiv",
        )

    def user(self, key: str) -> User:
        """People who made the objects; never the person acting in the cell."""
        if key not in self._users:
            role, party = {
                "monitor": (Role.MONITOR, "IND"),
                "US": (Role.MEMBER, "US"),
                "UA": (Role.MEMBER, "UA"),
            }[key]
            self._users[key] = User.objects.create(
                username=f"setup-{key.lower()}", role=role, party=party
            )
        return self._users[key]

    def provision(self, owner: str) -> Provision:
        if owner not in self._provisions:
            self._provisions[owner] = Provision.objects.create(
                agreement=self.agreement,
                reference=f"P-{owner}",
                title=f"Provision carried by {owner}",
                category=Category.GEOLOGICAL_SURVEY,
                responsible_party=owner,
            )
        return self._provisions[owner]

    def milestone(self, owner: str, *, completed: bool = False) -> Milestone:
        fields: dict[str, Any] = {"status": Status.IN_PROGRESS, "percent_complete": 10}
        if completed:
            fields = {
                "status": Status.COMPLETED,
                "percent_complete": 100,
                "completed_on": datetime.date(2026, 1, 10),
            }
        return Milestone.objects.create(
            provision=self.provision(owner),
            title=f"Milestone of {owner}",
            responsible_party=owner,
            due_date=datetime.date(2026, 6, 30),
            **fields,
        )

    def check(self, owner: str, *, finding: bool = False) -> MonitoringCheck:
        return MonitoringCheck.objects.create(
            provision=self.provision(owner),
            criterion="Tender published openly",
            monitor=self.user("monitor"),
            checked_on=datetime.date(2025, 11, 3),
            result="non_compliant" if finding else "compliant",
            severity="major" if finding else "",
            finding="Not in Ukrainian." if finding else "Published on the portal.",
        )

    def dispute(self, raised_by: str, status: str = "raised") -> Dispute:
        extra: dict[str, Any] = {}
        if status == "resolved":
            extra = {"resolution": "Agreed", "resolved_on": datetime.date(2025, 12, 1)}
        dispute = Dispute.objects.create(
            agreement=self.agreement,
            raised_by_party=raised_by,
            responding_party=OTHER_PARTY[raised_by],
            raised_by=self.user(raised_by),
            raised_on=datetime.date(2025, 11, 1),
            response_due=datetime.date(2025, 12, 1),
            title=f"Dispute raised by {raised_by}",
            description="The survey data were not shared on time.",
            raising_position="Share the data within 30 days.",
            status=status,
            **extra,
        )
        dispute.provisions.add(self.provision("JOINT"))
        return dispute


def _check_fields(world: World, owner: str, finding: str) -> dict[str, Any]:
    return {
        "provision": world.provision(owner).pk,
        "milestone": "",
        "criterion": "Tender published openly",
        "criterion_uk": "",
        "checked_on": "2025-11-03",
        "result": "compliant",
        "severity": "",
        "finding": finding,
        "follows_up": "",
        "action_description": "",
        "action_owner_party": "",
        "action_due_date": "",
    }


# Each dispute move starts from a status the state machine allows it from.
MOVE_FROM = {
    "acknowledged": "raised",
    "under_consultation": "acknowledged",
    "escalated": "under_consultation",
    "resolved": "under_consultation",
    "withdrawn": "raised",
}


def _move(world: World, owner: str, to_status: str) -> Prepared:
    dispute = world.dispute(owner, MOVE_FROM[to_status])
    if to_status in ("resolved", "withdrawn"):  # two keys: the first is a proposal
        data = {"decision": to_status, "text": "A new data-sharing timetable is agreed."}
        return Prepared("post", "disputes:propose", (dispute.pk,), data, "", (dispute, to_status))
    data = {"to_status": to_status, "text": "Moving the dispute on."}
    return Prepared("post", "disputes:transition", (dispute.pk,), data, "", (dispute, to_status))


def _decide(world: World, proposer_party: str, action: str) -> Prepared:
    """An open proposal to resolve a dispute, made by ``proposer_party``."""
    dispute = world.dispute(proposer_party, "under_consultation")
    proposal = DisputeProposal.objects.create(
        dispute=dispute,
        decision="resolved",
        proposed_by=world.user(proposer_party),
        proposer_party=proposer_party,
        text="A new data-sharing timetable is agreed.",
    )
    if action == "concur_decision":
        data = {"proposal": proposal.pk, "note": "Agreed."}
        return Prepared("post", "disputes:concur", (dispute.pk,), data, "", (proposal,))
    data = {"proposal": proposal.pk, "reason": "The timetable is too late."}
    return Prepared("post", "disputes:reject", (dispute.pk,), data, "", (proposal,))


def prepare(action: str, owner: str | None) -> Prepared:
    world = World()
    if action == "view":
        milestone = world.milestone(owner)
        return Prepared("get", "milestones:detail", (milestone.pk,), predicate_args=())
    if action == "update_milestone":
        milestone = world.milestone(owner)
        data = {
            "version": milestone.version,
            "status": Status.IN_PROGRESS,
            "percent_complete": 40,
            "note": "Tender documents drafted.",
        }
        return Prepared("post", "milestones:update", (milestone.pk,), data, "", (milestone,))
    if action == "verify_milestone":
        milestone = world.milestone(owner, completed=True)
        data = {"version": milestone.version}
        return Prepared("post", "milestones:verify", (milestone.pk,), data, "", (milestone,))
    if action == "return_milestone":
        milestone = world.milestone(owner, completed=True)
        data = {"version": milestone.version, "reason": "The evidence does not show completion."}
        return Prepared("post", "milestones:return", (milestone.pk,), data, "", (milestone,))
    if action == "download_evidence":
        milestone = world.milestone(owner)
        author = world.user("UA" if owner == "JOINT" else owner)
        evidence = store_evidence(
            SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n% minutes\n"), author
        )
        update = ProgressUpdate.objects.create(
            milestone=milestone,
            author=author,
            old_status=Status.NOT_STARTED,
            new_status=Status.IN_PROGRESS,
            percent=10,
            note="Minutes attached.",
        )
        update.evidence.add(evidence)
        return Prepared("get", "milestones:evidence", (evidence.pk,), predicate_args=(evidence,))
    if action == "record_check":
        data = _check_fields(world, owner, "Published on the portal.")
        return Prepared("post", "monitoring:create", (), data, "", ())
    if action == "update_check":
        check = world.check(owner)
        data = {
            **_check_fields(world, owner, "Published on the portal and in the gazette."),
            "version": check.version,
        }
        return Prepared("post", "monitoring:update", (check.pk,), data, "", (check,))
    if action == "add_corrective_action":
        check = world.check(owner, finding=True)
        data = {
            "description": "Publish the tender in Ukrainian too.",
            "owner_party": owner,
            "due_date": "2027-03-31",
        }
        return Prepared("post", "monitoring:action_create", (check.pk,), data, "", (check,))
    if action == "close_corrective_action":
        check = world.check(owner, finding=True)
        corrective = CorrectiveAction.objects.create(
            check_record=check,
            description="Publish the tender in Ukrainian too.",
            owner_party=owner,
            due_date=datetime.date(2027, 3, 31),
        )
        data = {"closing_note": "Published in both languages on 2 Feb.", "version": 1}
        return Prepared(
            "post", "monitoring:action_close", (corrective.pk,), data, "", (corrective,)
        )
    if action == "raise_dispute":
        data = {
            "agreement": world.agreement.pk,
            "provisions": [world.provision("JOINT").pk],
            "raised_by_party": owner,
            "title": "Survey data not shared",
            "description": "The survey data were not shared on time.",
            "raising_position": "Share the data within 30 days.",
        }
        return Prepared("post", "disputes:create", (), data, "", (owner,))
    if action in ("acknowledge_dispute", "consult_dispute", "escalate_dispute"):
        to_status = {
            "acknowledge_dispute": "acknowledged",
            "consult_dispute": "under_consultation",
            "escalate_dispute": "escalated",
        }[action]
        return _move(world, owner, to_status)
    if action == "resolve_dispute":
        return _move(world, owner, "resolved")
    if action == "withdraw_dispute":
        return _move(world, owner, "withdrawn")
    if action in ("concur_decision", "reject_decision"):
        return _decide(world, owner, action)
    if action == "read_restricted":
        dispute = world.dispute(owner)  # task force only, as every record by default
        return Prepared("get", "disputes:detail", (dispute.pk,), predicate_args=())
    if action == "export_restricted_report":
        world.milestone("US")
        query = f"?agreement={world.agreement.short_name}&format=csv&edition=restricted"
        return Prepared("get", "reports:compliance", (), {}, query, ())
    if action == "change_visibility":
        check = world.check("JOINT")
        data = {"visibility": "public", "reason": "The finding was published by the ministry."}
        return Prepared("post", "monitoring:visibility", (check.pk,), data, "", ())
    if action == "record_position":
        dispute = world.dispute(owner, "acknowledged")
        data = {"responding_position": "The data were shared through the portal."}
        return Prepared("post", "disputes:position", (dispute.pk,), data, "", (dispute,))
    if action == "comment":
        dispute = world.dispute(owner, "raised")
        data = {"text": "The portal logs will settle this."}
        return Prepared("post", "disputes:comment", (dispute.pk,), data, "", (dispute,))
    if action == "assess_provision":
        provision = world.provision(owner)
        data = {"level": "2", "note": "Half of the milestones are done."}
        return Prepared("post", "provision_assess", (provision.pk,), data, "", (provision,))
    if action == "create_organisation":
        data = {
            "name": f"Minerals office of {owner}",
            "name_uk": "",
            "kind": "agency",
            "affiliation": owner,
            "reason": "",
        }
        return Prepared("post", "organisations:create", (), data, "", (owner,))
    if action == "edit_organisation":
        organisation = Organisation.objects.create(
            name=f"Minerals office of {owner}", kind="agency", affiliation=owner
        )
        data = {
            "version": organisation.version,
            "name": f"Critical minerals office of {owner}",
            "name_uk": "",
            "kind": "agency",
            "affiliation": owner,
            "reason": "Renamed by decree.",
        }
        return Prepared("post", "organisations:edit", (organisation.pk,), data, "", (organisation,))
    if action in ("view_person", "change_role", "deactivate_person", "reactivate_person"):
        person = world.user(owner)
        seen = {
            "seen_role": person.role,
            "seen_party": person.party,
            "seen_organisation": "",
            "seen_active": "1",
        }
        if action == "view_person":
            return Prepared("get", "people:detail", (person.pk,), predicate_args=(person,))
        if action == "change_role":
            data = {**seen, "role": Role.CO_CHAIR, "party": owner, "organisation": ""}
            data["reason"] = "Now leads the delegation."
            return Prepared("post", "people:change_role", (person.pk,), data, "", (person,))
        if action == "reactivate_person":
            person.is_active = False
            person.save()
            seen["seen_active"] = "0"
        data = {**seen, "reason": "Left the task force."}
        return Prepared("post", f"people:{action.split('_')[0]}", (person.pk,), data, "", (person,))
    if action == "remove_two_factor":
        person = world.user(owner)
        TOTPDevice.objects.create(user=person, name="Lost phone", confirmed=True)
        data = {
            "two-factor-seen_role": person.role,
            "two-factor-seen_party": person.party,
            "two-factor-seen_organisation": "",
            "two-factor-seen_active": "1",
            "two-factor-reason": "Lost phone and codes; identity checked by video call.",
        }
        return Prepared("post", "people:remove_two_factor", (person.pk,), data, "", (person,))
    if action == "resend_invitation":
        person = User.objects.create(
            username=f"invited-{owner.lower()}@example.org",
            email=f"invited-{owner.lower()}@example.org",
            role=Role.MEMBER,
            party=owner,
            password=make_password(None),
        )
        return Prepared("post", "people:resend_invitation", (person.pk,), {}, "", (person,))
    if action == "invite_person":
        data = {
            "first_name": "Olena",
            "last_name": "Kovalenko",
            "email": "olena.kovalenko@example.org",
            "role": Role.MEMBER,
            "party": "UA",
            "organisation": "",
            "language": "uk",
        }
        return Prepared("post", "people:invite", (), data, "", ())
    if action == "change_own_password":
        new = "a-new-unusual-passphrase-42"
        data = {"old_password": ACTOR_PASSWORD, "new_password1": new, "new_password2": new}
        return Prepared("post", "password_change", (), data, "", ())
    if action == "manage_own_two_factor":

        def give_app(actor: User) -> None:
            TOTPDevice.objects.create(user=actor, name="Phone", confirmed=True)

        data = {"disable-password": ACTOR_PASSWORD}
        return Prepared("post", "two_factor_disable", (), data, "", (), for_actor=give_app)
    if action == "export_report":
        world.milestone("US")
        query = f"?agreement={world.agreement.short_name}&format=csv"
        return Prepared("get", "reports:compliance", (), {}, query, ())
    if action == "read_notifications":
        milestone = world.milestone("UA")

        def unread_notification(actor: User) -> None:
            Notification.objects.create(
                recipient=actor,
                kind=Kind.MILESTONE_RETURNED,
                key=f"matrix:{actor.pk}",
                milestone=milestone,
                shown_at=timezone.now(),
                in_app=Delivery.IMMEDIATE,
                email=Delivery.OFF,
            )

        return Prepared("post", "notifications:read_all", (), {}, "", (), unread_notification)
    if action == "set_notification_preferences":
        data = {}
        for kind in Kind.values:
            data[f"{kind}-email"] = Delivery.DIGEST
            data[f"{kind}-in_app"] = Delivery.IMMEDIATE
        return Prepared("post", "notifications:settings", (), data, "", ())
    if action == "retry_email":
        email = OutgoingEmail.objects.create(
            recipient=world.user("UA"),
            key="matrix:failed",
            state=OutgoingEmail.State.FAILED,
            attempts=10,
            last_error="SMTPRecipientsRefused: 550",
        )
        return Prepared("post", "notifications:retry", (email.pk,), {}, "", ())
    if action == "view_audit":
        world.milestone("US")
        return Prepared("get", "audit:list", (), {}, "", ())
    if action == "withdraw_evidence":
        # Uploaded by a member of the owner party's delegation, or (IND) by a monitor.
        uploader = world.user("monitor" if owner == "IND" else owner)
        evidence = store_evidence(
            SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n% minutes\n"), uploader
        )
        data = {"reason": "The wrong file was attached."}
        return Prepared(
            "post", "milestones:evidence_withdraw", (evidence.pk,), data, "", (evidence,)
        )
    if action in PLANNING_ACTIONS:
        return _planning(world, action, owner)
    if action in ISSUED_REPORT_ACTIONS:
        return _issued_reports(world, action)
    if action.startswith("translate_"):
        return _translate(world, action, owner)
    raise ValueError(f"no scenario for {action}")


def _translate(world: World, action: str, owner: str) -> Prepared:
    """A translation into Ukrainian of the record's text (tracker.translations)."""
    data = {"language": "uk", "text": "Переклад.", "reason": "", "version": 0}

    def translate(kind: str, record, field_name: str, *predicate_args) -> Prepared:
        args = (kind, record.pk, field_name)
        return Prepared("post", "translations:edit", args, data, "", predicate_args)

    if action == "translate_progress_note":
        milestone = world.milestone(owner)
        update = ProgressUpdate.objects.create(
            milestone=milestone,
            author=world.user("UA" if owner == "JOINT" else owner),
            old_status=Status.NOT_STARTED,
            new_status=Status.IN_PROGRESS,
            percent=10,
            note="Tender documents drafted.",
        )
        return translate("progress", update, "note", update)
    if action == "translate_check":
        check = world.check(owner, finding=True)
        return translate("check", check, "finding", check)
    if action == "translate_dispute":
        dispute = world.dispute(owner)
        return translate("dispute", dispute, "raising_position", dispute)
    if action == "translate_position":
        dispute = world.dispute(owner, "acknowledged")
        Dispute.objects.filter(pk=dispute.pk).update(responding_position="Shared on time.")
        dispute.refresh_from_db()
        return translate("dispute", dispute, "responding_position", dispute)
    comment = DisputeEvent.objects.create(
        dispute=world.dispute(owner),
        kind=DisputeEvent.Kind.COMMENT,
        author=world.user(owner),
        text="The portal logs will settle this.",
    )
    return translate("comment", comment, "text", comment)


ISSUED_REPORT_ACTIONS = {
    "issue_report",
    "download_issued_public",
    "download_issued_restricted",
    "verify_issued_file",
}


def _issued_reports(world: World, action: str) -> Prepared:
    if action == "issue_report":
        world.milestone("US")
        data = {"edition": "restricted", "as_of": "2025-12-31", "language": "en"}
        return Prepared("post", "reports:issue", (), data)
    edition = "restricted" if action == "download_issued_restricted" else "public"
    content = b"\xef\xbb\xbfCompliance report,Matrix agreement\r\n"
    issued = IssuedReport.objects.create(
        agreement=world.agreement,
        number=1,
        edition=edition,
        as_of=datetime.date(2025, 12, 31),
        language="en",
        issued_by=world.user("US"),
        issued_at=timezone.now(),
    )
    issued_file = IssuedFile(
        report=issued, format="csv", size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
    issued_file.file.save("csv", ContentFile(content))
    if action == "verify_issued_file":
        files = {"file": ("copy.csv", content)}
        return Prepared("post", "reports:verify", (), files=files, records=False)
    return Prepared("get", "reports:issued_download", (issued.pk, "csv"), predicate_args=(issued,))


PLANNING_ACTIONS = {
    "create_agreement",
    "edit_agreement",
    "create_provision",
    "edit_provision",
    "create_milestone",
    "edit_milestone",
    "replan_milestone",
    "cancel_milestone",
    "import_plan",
}


def _planning(world: World, action: str, owner: str | None) -> Prepared:
    agreement = world.agreement
    short = (agreement.short_name,)
    if action == "create_agreement":
        data = {
            "title": "Second cooperation agreement",
            "short_name": "second",
            "signed_on": "2026-01-15",
            "place": "Kyiv",
        }
        return Prepared("post", "planning:agreement_create", (), data)
    if action == "edit_agreement":
        data = {
            "version": agreement.version,
            "title": "Matrix agreement, as amended",
            "short_name": agreement.short_name,
            "signed_on": "2025-04-30",
            "place": "Kyiv",
        }
        return Prepared("post", "planning:agreement_edit", short, data)
    provision_fields = {
        "title": "Shared survey data",
        "category": Category.GEOLOGICAL_SURVEY,
        "responsible_party": "JOINT",
        "value_chain_stages": ["exploration"],
    }
    if action == "create_provision":
        data = {**provision_fields, "reference": "P-NEW"}
        return Prepared("post", "planning:provision_create", short, data)
    if action == "edit_provision":
        provision = world.provision("JOINT")
        data = {**provision_fields, "reference": provision.reference, "version": provision.version}
        return Prepared("post", "planning:provision_edit", (*short, provision.pk), data)
    if action == "create_milestone":
        provision = world.provision(owner)
        data = {"title": "Publish the survey", "responsible_party": owner, "due_date": "2026-09-30"}
        return Prepared(
            "post", "planning:milestone_create", (*short, provision.pk), data, "", (provision,)
        )
    if action == "import_plan":
        world.provision("JOINT")
        csv_text = (
            "provision_reference,title,title_uk,responsible_party,lead_organisation,due_date,"
            "status,percent_complete\nP-JOINT,Imported milestone,,JOINT,,2026-09-30,,\n"
        )
        files = {"milestones_csv": ("milestones.csv", csv_text.encode())}
        return Prepared("post", "planning:import", short, {}, "", (), files=files)
    milestone = world.milestone(owner)
    args = (*short, milestone.pk)
    if action == "edit_milestone":
        data = {"version": milestone.version, "title": "Renamed", "responsible_party": owner}
        return Prepared("post", "planning:milestone_edit", args, data, "", (milestone.provision,))
    if action == "replan_milestone":
        data = {"version": milestone.version, "due_date": "2026-12-31", "reason": "Tender late."}
        return Prepared("post", "planning:milestone_replan", args, data, "", (milestone.provision,))
    if action == "cancel_milestone":
        data = {"version": milestone.version, "reason": "Merged into another milestone."}
        return Prepared("post", "planning:milestone_cancel", args, data, "", (milestone.provision,))
    raise ValueError(f"no scenario for {action}")


TRACKED_APPS = (
    "core",
    "accounts",
    "milestones",
    "monitoring",
    "disputes",
    "notifications",
    "audit",
    "planning",
    "reports",
)


def database_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the tracker's tables (history and link tables included) and every stored
    file: what a refused request must leave exactly as it was."""
    from django.apps import apps
    from django.conf import settings

    snapshot = {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for label in TRACKED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    root = settings.MEDIA_ROOT
    snapshot["files"] = sorted(str(path) for path in root.rglob("*")) if root.exists() else []
    return snapshot
