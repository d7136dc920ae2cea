"""The one place where a milestone's status, progress and verification change.

Each transition locks the milestone row, refuses a save based on a stale version, checks the
permission predicate and the rule, and then writes the milestone, its history entry (with the
note as the reason) and a ProgressUpdate in one transaction. A refused or failed call changes
nothing.

Each transition takes the moment it happens as the keyword ``at`` (default: now). Everything it
writes carries that moment: the log entry's time, the completion date, the verification time
and the history row's date. Replaying past events (the sample agreement) goes through the
same rules as a person acting today.

Decisions taken here:
- A note alone (no change of status or percent) is a valid progress update; an update that
  changes nothing and says nothing is refused.
- A milestone that stays completed keeps its completion date and its verification.
- Only a milestone awaiting verification can be verified or returned; returning keeps the
  percentage as it was, so the delegation corrects it with its next update.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracker.accounts.permissions import (
    can_change_visibility,
    can_plan_milestones,
    can_update_milestone,
    can_verify_milestone,
)
from tracker.core import events
from tracker.core import services as core_services
from tracker.core.evidence import MAX_FILES_PER_REQUEST, store_evidence, upload_errors
from tracker.core.history import create_recorded, stamp
from tracker.core.limits import NOTE
from tracker.core.models import Evidence, Provision, ResponsibleParty, Visibility
from tracker.milestones.models import CLOSED_STATUSES, Milestone, ProgressUpdate, Status

if TYPE_CHECKING:
    from tracker.accounts.models import User

MAX_FILES_PER_UPDATE = MAX_FILES_PER_REQUEST
NOTE_MAX_CHARS = NOTE


class StaleVersion(Exception):
    """The milestone was saved by someone else after the form was rendered."""

    def __init__(self, current: Milestone) -> None:
        super().__init__(f"milestone {current.pk} is now at version {current.version}")
        self.current = current


def _lock(milestone: Milestone) -> Milestone:
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return Milestone.objects.select_for_update().get(pk=milestone.pk)


def _check_version(current: Milestone, version: int | None) -> None:
    if version != current.version:
        raise StaleVersion(current)


def _save(
    milestone: Milestone, user: User, reason: str, fields: list[str], at: datetime.datetime
) -> None:
    milestone.version += 1
    stamp(milestone, by=user, at=at, reason=reason)
    milestone.save(update_fields=[*fields, "version", "updated_at"])


def _status_label(code: str) -> str:
    return str(dict(Status.choices).get(code, code))


def _progress_errors(
    current: Milestone, status: str, percent: int | None, note: str, files: Sequence
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if status not in Status.values:
        add("status", _("Choose a status from the list."))
    # Completing sets the percentage to 100, whatever was typed.
    if status != Status.COMPLETED and (percent is None or not 0 <= percent <= 100):
        add("percent_complete", _("Enter a whole number from 0 to 100."))
    if status == Status.COMPLETED and not note:
        add("note", _("Write a note saying what was completed."))
    elif status == Status.ON_HOLD and not note:
        add("note", _("Give the reason for putting the milestone on hold."))
    elif status == Status.CANCELLED and not note:
        add("note", _("Give the reason for cancelling the milestone."))
    if len(note) > NOTE_MAX_CHARS:
        add("note", _("Keep the note to %(limit)d characters.") % {"limit": NOTE_MAX_CHARS})
    for message in upload_errors(files):
        add("evidence", message)
    new_percent = 100 if status == Status.COMPLETED else percent
    if (
        not errors
        and status == current.status
        and new_percent == current.percent_complete
        and not note
        and not files
    ):
        add(NON_FIELD_ERRORS, _("Nothing to save: change the status or percentage, or add a note."))
    return errors


def _store_files(
    files: Sequence[UploadedFile],
    user: User,
    stored: list[Evidence],
    visibility: str = Visibility.TASK_FORCE,
) -> None:
    for upload in files:
        stored.append(store_evidence(upload, user, visibility))


def _discard(stored: list[Evidence]) -> None:
    # The rows roll back with the transaction; the files on disk must go by hand.
    for evidence in stored:
        evidence.file.delete(save=False)


def _log(
    milestone: Milestone,
    user: User,
    at: datetime.datetime,
    kind: str,
    *,
    old_status: str | None = None,
    **fields: Any,
) -> ProgressUpdate:
    """The progress-log line of a change that leaves the percent as it is: the milestone's
    status after the change, and before it (`old_status`, when the change moved it)."""
    return create_recorded(
        ProgressUpdate,
        by=user,
        at=at,
        milestone=milestone,
        author=user,
        created_at=at,
        kind=kind,
        old_status=milestone.status if old_status is None else old_status,
        new_status=milestone.status,
        old_percent=milestone.percent_complete,
        percent=milestone.percent_complete,
        **fields,
    )


@transaction.atomic
def update_progress(
    milestone: Milestone,
    user: User,
    *,
    version: int | None,
    status: str,
    percent: int | None,
    note: str = "",
    files: Sequence[UploadedFile] = (),
    visibility: str = Visibility.TASK_FORCE,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Records a progress update: status, percentage, a note and evidence files. The note
    and its files are task-force only unless ``visibility`` makes them public."""
    current = _lock(milestone)
    at = at or timezone.now()
    if not can_update_milestone(user, current):
        raise PermissionDenied(_("Only the responsible party's delegation may update this."))
    _check_version(current, version)
    note = (note or "").strip()
    errors = _progress_errors(current, status, percent, note, files)
    if errors:
        raise ValidationError(errors)

    old_status, old_percent = current.status, current.percent_complete
    if status == Status.COMPLETED:
        percent = 100
    current.status, current.percent_complete = status, percent
    fields = ["status", "percent_complete"]
    if status == Status.COMPLETED and old_status != Status.COMPLETED:
        current.completed_on = timezone.localdate(at)
        fields.append("completed_on")
    if old_status == Status.COMPLETED and status != Status.COMPLETED:
        current.completed_on = current.verified_by = current.verified_at = None
        fields += ["completed_on", "verified_by", "verified_at"]

    stored: list[Evidence] = []
    try:
        if visibility not in Visibility.values:
            raise ValidationError({"visibility": _("Choose who may read it.")})
        _store_files(files, user, stored, visibility)
        update = create_recorded(
            ProgressUpdate,
            by=user,
            at=at,
            milestone=current,
            author=user,
            created_at=at,
            kind=ProgressUpdate.Kind.UPDATE,
            visibility=visibility,
            old_status=old_status,
            new_status=status,
            old_percent=old_percent,
            percent=percent,
            note=note,
        )
        if stored:
            update.evidence.set(stored)
        reason = note or _("%(old)s → %(new)s, %(percent)d %%") % {
            "old": _status_label(old_status),
            "new": _status_label(status),
            "percent": percent,
        }
        _save(current, user, reason, fields, at)
        if status == Status.COMPLETED and old_status != Status.COMPLETED:
            events.milestone_completed.send(
                Milestone, milestone=current, update=update, actor=user, at=at
            )
    except BaseException:
        _discard(stored)
        raise
    return update


@transaction.atomic
def verify(
    milestone: Milestone,
    user: User,
    *,
    version: int | None,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """The other party's co-chair or a monitor confirms a completed milestone."""
    current = _lock(milestone)
    at = at or timezone.now()
    if not can_verify_milestone(user, current):
        raise PermissionDenied(
            _("Only the other party's co-chair or a monitor may verify this milestone.")
        )
    _check_version(current, version)
    if not current.awaiting_verification:
        raise ValidationError(
            _("Only a completed milestone that is not yet verified can be verified.")
        )
    current.verified_by, current.verified_at = user, at
    update = _log(current, user, at, ProgressUpdate.Kind.VERIFICATION)
    _save(current, user, _("Verified"), ["verified_by", "verified_at"], at)
    events.milestone_verified.send(Milestone, milestone=current, update=update, actor=user, at=at)
    return update


@transaction.atomic
def return_for_rework(
    milestone: Milestone,
    user: User,
    *,
    version: int | None,
    reason: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Sends a completed milestone back to in progress, with the reason logged."""
    current = _lock(milestone)
    at = at or timezone.now()
    if not can_verify_milestone(user, current):
        raise PermissionDenied(
            _("Only the other party's co-chair or a monitor may return this milestone.")
        )
    _check_version(current, version)
    reason = (reason or "").strip()
    if not current.awaiting_verification:
        raise ValidationError(
            _("Only a completed milestone that is not yet verified can be returned.")
        )
    if not reason:
        raise ValidationError({"reason": _("Give the reason for returning the milestone.")})
    if len(reason) > NOTE_MAX_CHARS:
        raise ValidationError(
            {"reason": _("Keep the reason to %(limit)d characters.") % {"limit": NOTE_MAX_CHARS}}
        )
    old_status = current.status
    current.status = Status.IN_PROGRESS
    current.completed_on = current.verified_by = current.verified_at = None
    update = _log(current, user, at, ProgressUpdate.Kind.RETURN, old_status=old_status, note=reason)
    _save(current, user, reason, ["status", "completed_on", "verified_by", "verified_at"], at)
    events.milestone_returned.send(Milestone, milestone=current, update=update, actor=user, at=at)
    return update


# --- Planning: add, edit, re-plan and cancel -------------------------------------------------
#
# Staff admins plan every provision's milestones, a co-chair those of the provisions their
# party carries or that are joint (accounts.permissions.can_plan_milestones). Each planning
# move also writes a ProgressUpdate of its kind (planned, details edited, re-planned; a
# cancellation is a status change like any other), so the milestone's log and Activity show
# it beside the progress updates; the history row carries the same reason.

PLANNING_FIELDS = (
    "title",
    "title_uk",
    "description",
    "description_uk",
    "responsible_party",
    "lead_organisation",
)
# A milestone can start in these; completion and cancellation are moves of their own.
INITIAL_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.ON_HOLD)
TITLE_MAX_CHARS = 300


def _plan_refusal() -> PermissionDenied:
    return PermissionDenied(
        _(
            "Only a staff admin, or a co-chair of the party responsible for the provision (or "
            "of either party for a joint one), may plan its milestones."
        )
    )


def _due_date_errors(provision: Provision, due_date: datetime.date | None) -> list[str]:
    if due_date is None:
        return [_("Enter the due date.")]
    signed_on = provision.agreement.signed_on
    if due_date < signed_on:
        return [
            _("The due date cannot be before the agreement was signed (%(date)s).")
            % {"date": date_format(signed_on, "j M Y")}
        ]
    return []


def _planning_errors(
    provision: Provision, fields: Mapping[str, Any], instance: Milestone | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    title = fields.get("title", "")
    if not title:
        add("title", _("Enter the title."))
    for name in ("title", "title_uk"):
        if len(fields.get(name, "")) > TITLE_MAX_CHARS:
            add(name, _("Keep the title to %(limit)d characters.") % {"limit": TITLE_MAX_CHARS})
    if title:
        # Titles tell a provision's milestones apart, in the import too.
        twins = provision.milestones.filter(title=title)
        if instance is not None:
            twins = twins.exclude(pk=instance.pk)
        if twins.exists():
            add(
                "title",
                _("Another milestone of %(reference)s has this title. Choose another one.")
                % {"reference": provision.reference},
            )
    if fields.get("responsible_party") not in ResponsibleParty.values:
        add("responsible_party", _("Choose the responsible party from the list."))
    return errors


def _planning_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The planning fields from form or import data: text stripped, missing text empty."""
    values: dict[str, Any] = {}
    for name in PLANNING_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if name != "lead_organisation":
            value = (value or "").strip()
        values[name] = value
    return values


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _reason_errors(reason: str, missing: str) -> list[str]:
    if not reason:
        return [missing]
    if len(reason) > NOTE_MAX_CHARS:
        return [_("Keep the reason to %(limit)d characters.") % {"limit": NOTE_MAX_CHARS}]
    return []


@transaction.atomic
def create_milestone(
    provision: Provision,
    user: User,
    *,
    fields: Mapping[str, Any],
    due_date: datetime.date | None,
    status: str = Status.NOT_STARTED,
    percent: int | None = 0,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Milestone:
    """Plans a new milestone of the provision; its due date is also its baseline.

    A milestone usually starts not started; one taken over from an earlier plan (the import)
    may start in progress or on hold, with its percentage.
    """
    at = at or timezone.now()
    if not can_plan_milestones(user, provision):
        raise _plan_refusal()
    values = _planning_values(fields)
    reason = (reason or "").strip()
    errors = _planning_errors(provision, values)
    for message in _due_date_errors(provision, due_date):
        errors.setdefault("due_date", []).append(message)
    if status not in INITIAL_STATUSES:
        errors.setdefault("status", []).append(
            _(
                "A new milestone is not started, in progress or on hold; it is completed or "
                "cancelled on its page."
            )
        )
    elif status == Status.ON_HOLD and not reason:
        errors.setdefault("status", []).append(
            _("Give the reason for putting the milestone on hold.")
        )
    if percent is None or not 0 <= percent <= 100:
        errors.setdefault("percent_complete", []).append(_("Enter a whole number from 0 to 100."))
    _raise(errors)
    milestone = Milestone(
        provision=provision,
        due_date=due_date,
        baseline_due=due_date,
        status=status,
        percent_complete=percent,
        **values,
    )
    stamp(milestone, by=user, at=at, reason=reason or _("Milestone planned"))
    milestone.save()
    create_recorded(
        ProgressUpdate,
        by=user,
        at=at,
        milestone=milestone,
        author=user,
        created_at=at,
        kind=ProgressUpdate.Kind.PLANNED,
        old_status=status,
        new_status=status,
        old_percent=percent,
        percent=percent,
        new_due_date=due_date,
        note=reason,
    )
    return milestone


def _lock_for_planning(milestone: Milestone, user: User, version: int | None) -> Milestone:
    current = _lock(milestone)
    # The provision is read apart: the lock takes no join (see _lock).
    current.provision = Provision.objects.select_related("agreement").get(pk=current.provision_id)
    if not can_plan_milestones(user, current.provision):
        raise _plan_refusal()
    _check_version(current, version)
    return current


@transaction.atomic
def edit_milestone(
    milestone: Milestone,
    user: User,
    *,
    version: int | None,
    fields: Mapping[str, Any],
    reason: str = "",
    at: datetime.datetime | None = None,
) -> list[str]:
    """Changes a milestone's title, description, responsible party or lead organisation.

    Returns the verbose names of the fields changed; nothing changed writes nothing.
    """
    at = at or timezone.now()
    current = _lock_for_planning(milestone, user, version)
    values = _planning_values(fields)
    reason = (reason or "").strip()
    merged = {name: getattr(current, name) for name in PLANNING_FIELDS} | values
    errors = _planning_errors(current.provision, merged, instance=current)
    if len(reason) > NOTE_MAX_CHARS:
        errors.setdefault("reason", []).append(
            _("Keep the reason to %(limit)d characters.") % {"limit": NOTE_MAX_CHARS}
        )
    _raise(errors)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(current, name, values[name])
    labels = [str(Milestone._meta.get_field(name).verbose_name) for name in changed]
    summary = _("Changed: %(fields)s.") % {"fields": ", ".join(labels)}
    _log(current, user, at, ProgressUpdate.Kind.EDITED, note=f"{summary} {reason}".strip())
    _save(current, user, reason or summary, changed, at)
    return labels


@transaction.atomic
def replan_milestone(
    milestone: Milestone,
    user: User,
    *,
    version: int | None,
    due_date: datetime.date | None,
    reason: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Moves the due date, with the reason; the baseline stays where it was."""
    at = at or timezone.now()
    current = _lock_for_planning(milestone, user, version)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if current.status in CLOSED_STATUSES:
        raise ValidationError(_("A completed or cancelled milestone keeps its due date."))
    due_errors = _due_date_errors(current.provision, due_date)
    if not due_errors and due_date == current.due_date:
        due_errors = [_("This is the current due date. Choose the new one.")]
    if due_errors:
        errors["due_date"] = due_errors
    reason_errors = _reason_errors(reason, _("Give the reason for moving the due date."))
    if reason_errors:
        errors["reason"] = reason_errors
    _raise(errors)
    old_due = current.due_date
    current.due_date = due_date
    update = _log(
        current,
        user,
        at,
        ProgressUpdate.Kind.REPLANNED,
        old_due_date=old_due,
        new_due_date=due_date,
        note=reason,
    )
    _save(current, user, reason, ["due_date"], at)
    events.milestone_replanned.send(
        Milestone, milestone=current, old_due_date=old_due, note=reason, actor=user, at=at
    )
    return update


@transaction.atomic
def cancel_milestone(
    milestone: Milestone,
    user: User,
    *,
    version: int | None,
    reason: str,
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Cancels a milestone that is not completed, with the reason."""
    at = at or timezone.now()
    current = _lock_for_planning(milestone, user, version)
    reason = (reason or "").strip()
    if current.status == Status.CANCELLED:
        raise ValidationError(_("This milestone is already cancelled."))
    if current.status == Status.COMPLETED:
        raise ValidationError(
            _("A completed milestone is not cancelled; it can be returned by its verifier.")
        )
    reason_errors = _reason_errors(reason, _("Give the reason for cancelling the milestone."))
    if reason_errors:
        raise ValidationError({"reason": reason_errors})
    old_status = current.status
    current.status = Status.CANCELLED
    update = _log(current, user, at, ProgressUpdate.Kind.UPDATE, old_status=old_status, note=reason)
    _save(current, user, reason, ["status"], at)
    return update


@transaction.atomic
def change_update_visibility(
    user: User,
    update: ProgressUpdate,
    visibility: str,
    reason: str,
    *,
    at: datetime.datetime | None = None,
) -> bool:
    """A co-chair or a monitor makes a progress note public or task-force only, with the
    reason; its evidence files follow it, as they document the note. False when it already
    was."""
    if not can_change_visibility(user):
        raise PermissionDenied
    at = at or timezone.now()
    update, changed = core_services.change_visibility(
        ProgressUpdate, update.pk, visibility, reason, user=user, at=at
    )
    for evidence in update.evidence.all():
        core_services.change_visibility(Evidence, evidence.pk, visibility, reason, user=user, at=at)
    return changed


@transaction.atomic
def change_evidence_visibility(
    user: User,
    evidence: Evidence,
    visibility: str,
    reason: str,
    *,
    at: datetime.datetime | None = None,
) -> bool:
    """One file on its own (e.g. a public note with a confidential annex)."""
    if not can_change_visibility(user):
        raise PermissionDenied
    return core_services.change_visibility(
        Evidence, evidence.pk, visibility, reason, user=user, at=at
    )[1]
