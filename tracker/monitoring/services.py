"""Every change to checks and corrective actions: one function each, atomic, with its rules.

The rules live here, not in the forms: forms call ``check_errors`` / ``action_errors`` to show
each message beside its field, and the write functions check them again so no caller can
store a check that breaks them. Who may act is asked of ``tracker.accounts.permissions``.
Each write sets the acting user on the row, so the history records who made the change even
outside a request. Each write also takes the moment it happens as the keyword ``at`` (default:
now): the check's recording time, the closing time and the history rows' dates carry it, and a
check may not be dated after that day.

Correcting a check and closing a corrective action lock the row and compare the version the
form was rendered from: a stale one raises `StaleVersion` with the current row, so a second
monitor's old form never silently overwrites the first one's save.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracker.accounts.models import User
from tracker.accounts.permissions import (
    can_change_visibility,
    can_close_corrective_action,
    can_record_check,
    can_update_check,
)
from tracker.core import events
from tracker.core import services as core_services
from tracker.core.evidence import store_evidence, upload_errors
from tracker.core.history import stamp
from tracker.core.models import Evidence, Visibility
from tracker.monitoring.models import FINDING_RESULTS, CorrectiveAction, MonitoringCheck

CHECK_FIELDS = (
    "provision",
    "milestone",
    "criterion",
    "criterion_uk",
    "checked_on",
    "result",
    "severity",
    "finding",
    "follows_up",
)
TEXT_FIELDS = ("criterion", "criterion_uk", "severity", "finding")


class StaleVersion(Exception):
    """The check or action was saved by someone else after the form was rendered."""

    def __init__(self, current: MonitoringCheck | CorrectiveAction) -> None:
        super().__init__(
            f"{type(current).__name__} {current.pk} is now at version {current.version}"
        )
        self.current = current


def check_errors(
    fields: Mapping[str, Any],
    instance: MonitoringCheck | None = None,
    *,
    today: datetime.date | None = None,
) -> dict[str, str]:
    """The rules a check must meet, as {field: message}; empty when it meets them all."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    provision = fields.get("provision")
    result, severity = fields.get("result"), fields.get("severity") or ""
    checked_on: datetime.date | None = fields.get("checked_on")
    if result in FINDING_RESULTS and not severity:
        errors["severity"] = _(
            "Choose a severity: a partially compliant or non-compliant result needs one."
        )
    elif result and result not in FINDING_RESULTS and severity:
        errors["severity"] = _(
            "Leave severity empty: only partially compliant and non-compliant results have one."
        )
    if checked_on and checked_on > today:
        errors["checked_on"] = _("A check cannot be dated in the future.")
    milestone = fields.get("milestone")
    if milestone and provision and milestone.provision_id != provision.pk:
        errors["milestone"] = _(
            "This milestone belongs to another provision. Choose one of %(reference)s's "
            "milestones, or none."
        ) % {"reference": provision.reference}
    earlier: MonitoringCheck | None = fields.get("follows_up")
    if earlier and provision:
        if earlier.provision_id != provision.pk:
            errors["follows_up"] = _(
                "A follow-up must be about the same provision as the check it follows up."
            )
        elif instance and instance.pk and earlier.pk >= instance.pk:
            # Only a check recorded earlier can be followed up; this also rules out cycles.
            errors["follows_up"] = _("Choose a check recorded before this one.")
        elif checked_on and checked_on < earlier.checked_on:
            errors["follows_up"] = _(
                "A follow-up cannot be dated before the check it follows up (%(date)s)."
            ) % {"date": date_format(earlier.checked_on, "j M Y")}
    if (
        instance
        and instance.pk
        and provision
        and provision.pk != instance.provision_id
        and instance.follow_ups.exists()
    ):
        errors["provision"] = _("Later checks follow this one up, so it stays with its provision.")
    return errors


def action_errors(fields: Mapping[str, Any], check_date: datetime.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    due_date = fields.get("due_date")
    if due_date and check_date and due_date < check_date:
        errors["due_date"] = _(
            "The due date cannot be before the check that calls for the action (%(date)s)."
        ) % {"date": date_format(check_date, "j M Y")}
    return errors


def _values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The check's columns from form data: text columns store "" rather than NULL."""
    return {
        name: (fields.get(name) or "") if name in TEXT_FIELDS else fields.get(name)
        for name in CHECK_FIELDS
    }


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _checked_uploads(uploads: Iterable[UploadedFile]) -> list[UploadedFile]:
    """The files of one request, refused together before any is stored."""
    uploads = list(uploads)
    messages = upload_errors(uploads)
    if messages:
        raise ValidationError({"evidence": messages})
    return uploads


def _attach(check: MonitoringCheck, uploads: Iterable[UploadedFile], user: User) -> None:
    # New files take the check's visibility: they document its finding.
    for upload in uploads:
        check.evidence.add(store_evidence(upload, user, check.visibility))


def _new_action(
    check: MonitoringCheck, user: User, fields: Mapping[str, Any], at: datetime.datetime
) -> CorrectiveAction:
    _raise_if(action_errors(fields, check.checked_on))
    action = CorrectiveAction(
        check_record=check,
        description=fields["description"],
        owner_party=fields["owner_party"],
        due_date=fields["due_date"],
        visibility=fields.get("visibility") or Visibility.TASK_FORCE,
    )
    if action.visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read it.")})
    stamp(action, by=user, at=at)
    action.save()
    events.corrective_action_added.send(CorrectiveAction, action=action, actor=user, at=at)
    return action


@transaction.atomic
def record_check(
    user: User,
    fields: Mapping[str, Any],
    uploads: Iterable[UploadedFile] = (),
    first_action: Mapping[str, Any] | None = None,
    *,
    visibility: str = Visibility.TASK_FORCE,
    at: datetime.datetime | None = None,
) -> MonitoringCheck:
    """A monitor records a check, its evidence and optionally its first corrective action;
    all task-force only unless ``visibility`` makes them public."""
    if not can_record_check(user):
        raise PermissionDenied
    at = at or timezone.now()
    _raise_if(check_errors(fields, today=timezone.localdate(at)))
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read it.")})
    uploads = _checked_uploads(uploads)
    check = MonitoringCheck(monitor=user, created_at=at, visibility=visibility, **_values(fields))
    stamp(check, by=user, at=at)
    check.save()
    _attach(check, uploads, user)
    if first_action:
        _new_action(check, user, {**first_action, "visibility": visibility}, at)
    return check


@transaction.atomic
def update_check(
    user: User,
    check: MonitoringCheck,
    fields: Mapping[str, Any],
    uploads: Iterable[UploadedFile] = (),
    *,
    version: int | None,
    at: datetime.datetime | None = None,
) -> MonitoringCheck:
    """Corrects a recorded check; new evidence files are added to the ones it has."""
    if not can_update_check(user, check):
        raise PermissionDenied
    check = MonitoringCheck.objects.select_for_update().get(pk=check.pk)
    if version != check.version:
        raise StaleVersion(check)
    at = at or timezone.now()
    _raise_if(check_errors(fields, instance=check, today=timezone.localdate(at)))
    uploads = _checked_uploads(uploads)
    changed = []
    for name, value in _values(fields).items():
        if getattr(check, name) != value:
            setattr(check, name, value)
            changed.append(name)
    if changed:
        check.version += 1
        stamp(check, by=user, at=at)
        check.save(update_fields=[*changed, "version"])
    elif uploads:
        # New evidence alone changes no column: the version moves on, so a form opened
        # before it is refused, and the history records the new links (m2m_fields), once.
        MonitoringCheck.objects.filter(pk=check.pk).update(version=F("version") + 1)
        check.version += 1
    _attach(check, uploads, user)
    return check


@transaction.atomic
def add_corrective_action(
    user: User,
    check: MonitoringCheck,
    fields: Mapping[str, Any],
    *,
    at: datetime.datetime | None = None,
) -> CorrectiveAction:
    if not can_update_check(user, check):
        raise PermissionDenied
    return _new_action(check, user, fields, at or timezone.now())


@transaction.atomic
def close_corrective_action(
    user: User,
    action: CorrectiveAction,
    closing_note: str,
    *,
    version: int | None,
    at: datetime.datetime | None = None,
) -> CorrectiveAction:
    """Marks an action done; the note says what was done and how it was confirmed."""
    if not can_close_corrective_action(user, action):
        raise PermissionDenied
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if action.state == CorrectiveAction.State.DONE:
        raise ValidationError(
            _("This corrective action was already closed by %(user)s.")
            % {"user": action.closed_by},
            code="already_closed",
        )
    if version != action.version:
        raise StaleVersion(action)
    closing_note = closing_note.strip()
    if not closing_note:
        raise ValidationError(
            {"closing_note": _("Say what was done: closing an action needs a note.")}
        )
    action.state = CorrectiveAction.State.DONE
    action.closed_at = at or timezone.now()
    action.closed_by = user
    action.closing_note = closing_note
    action.version += 1
    stamp(action, by=user, at=action.closed_at, reason=closing_note)
    action.save(update_fields=["state", "closed_at", "closed_by", "closing_note", "version"])
    return action


@transaction.atomic
def change_check_visibility(
    user: User,
    check: MonitoringCheck,
    visibility: str,
    reason: str,
    *,
    at: datetime.datetime | None = None,
) -> bool:
    """A co-chair or a monitor makes a check (its finding and evidence files) public or
    task-force only, with the reason. Its corrective actions keep their own visibility, but
    are public only while the check is too."""
    if not can_change_visibility(user):
        raise PermissionDenied
    at = at or timezone.now()
    check, changed = core_services.change_visibility(
        MonitoringCheck, check.pk, visibility, reason, user=user, at=at
    )
    for evidence in check.evidence.all():
        core_services.change_visibility(Evidence, evidence.pk, visibility, reason, user=user, at=at)
    return changed


@transaction.atomic
def change_action_visibility(
    user: User,
    action: CorrectiveAction,
    visibility: str,
    reason: str,
    *,
    at: datetime.datetime | None = None,
) -> bool:
    if not can_change_visibility(user):
        raise PermissionDenied
    return core_services.change_visibility(
        CorrectiveAction, action.pk, visibility, reason, user=user, at=at
    )[1]
