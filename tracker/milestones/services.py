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
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tracker.accounts.permissions import can_update_milestone, can_verify_milestone
from tracker.core import events
from tracker.core.evidence import store_evidence, validate_upload
from tracker.core.history import create_recorded
from tracker.milestones.models import Milestone, ProgressUpdate, Status

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.core.models import Evidence

MAX_FILES_PER_UPDATE = 10
# The history table keeps the reason in a 100-character column.
REASON_MAX_CHARS = 100
NOTE_MAX_CHARS = 2000


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
    milestone._change_reason = Truncator(reason).chars(REASON_MAX_CHARS)
    milestone._history_user = user
    milestone._history_date = at
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
    if len(files) > MAX_FILES_PER_UPDATE:
        add(
            "evidence",
            _("Attach at most %(limit)d files to one update.") % {"limit": MAX_FILES_PER_UPDATE},
        )
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as error:
            for message in error.messages:
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


def _store_files(files: Sequence[UploadedFile], user: User, stored: list[Evidence]) -> None:
    for upload in files:
        stored.append(store_evidence(upload, user))


def _discard(stored: list[Evidence]) -> None:
    # The rows roll back with the transaction; the files on disk must go by hand.
    for evidence in stored:
        evidence.file.delete(save=False)


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
    at: datetime.datetime | None = None,
) -> ProgressUpdate:
    """Records a progress update: status, percentage, a note and evidence files."""
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
        _store_files(files, user, stored)
        update = create_recorded(
            ProgressUpdate,
            by=user,
            at=at,
            milestone=current,
            author=user,
            created_at=at,
            kind=ProgressUpdate.Kind.UPDATE,
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
    update = create_recorded(
        ProgressUpdate,
        by=user,
        at=at,
        milestone=current,
        author=user,
        created_at=at,
        kind=ProgressUpdate.Kind.VERIFICATION,
        old_status=current.status,
        new_status=current.status,
        old_percent=current.percent_complete,
        percent=current.percent_complete,
    )
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
    update = create_recorded(
        ProgressUpdate,
        by=user,
        at=at,
        milestone=current,
        author=user,
        created_at=at,
        kind=ProgressUpdate.Kind.RETURN,
        old_status=old_status,
        new_status=current.status,
        old_percent=current.percent_complete,
        percent=current.percent_complete,
        note=reason,
    )
    _save(current, user, reason, ["status", "completed_on", "verified_by", "verified_at"], at)
    events.milestone_returned.send(Milestone, milestone=current, update=update, actor=user, at=at)
    return update
