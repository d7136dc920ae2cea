"""The one write path of the organisations directory: add an organisation, edit one.

Organisations are core's model, but the rules of who may change them are this app's
(tracker.accounts.permissions), and core may import no app above it: so the writes live here,
beside the permissions, where every page above (the directory, the planning import) can call
them.

Each write re-checks the permission, checks the rules (tracker.core.organisations, shared
with the admin), and saves the row with its history entry: who, when (the keyword ``at``,
default now) and the reason. An edit locks the row and is refused when the form was rendered
from an older version, so two people editing the same organisation never overwrite each
other silently.

Decisions taken here:
- An edit needs a reason, kept in the history; adding an organisation may give one.
- An edit that changes nothing is refused, so the history holds changes only.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.accounts.models import User
from tracker.accounts.permissions import can_create_organisation, can_edit_organisation
from tracker.core.history import stamp
from tracker.core.models import Organisation
from tracker.core.organisations import clean_name, organisation_errors

FIELDS = ("name", "name_uk", "kind", "affiliation")
# The history's reason column holds 100 characters.
REASON_MAX_CHARS = 100


class OrganisationChanged(Exception):
    """Someone saved the organisation after the form was rendered."""

    def __init__(self, current: Organisation) -> None:
        super().__init__(f"organisation {current.pk} is now at version {current.version}")
        self.current = current


def _values(fields: Mapping[str, Any]) -> dict[str, str]:
    return {
        "name": clean_name(fields.get("name")),
        "name_uk": clean_name(fields.get("name_uk")),
        "kind": fields.get("kind") or "",
        "affiliation": fields.get("affiliation") or "",
    }


def _reason(reason: str | None) -> str:
    return (reason or "").strip()[:REASON_MAX_CHARS]


def _save(organisation: Organisation, user: User, reason: str, at: datetime.datetime, **kwargs):
    stamp(organisation, by=user, at=at, reason=reason)
    try:
        # A savepoint, so that a name taken in a race is reported and the caller's
        # transaction can go on.
        with transaction.atomic():
            organisation.save(**kwargs)
    except IntegrityError as error:
        raise ValidationError(
            {"name": _("Another organisation already has this name. Make the name distinct.")}
        ) from error


@transaction.atomic
def create_organisation(
    user: User,
    fields: Mapping[str, Any],
    *,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Organisation:
    """Adds an organisation to the directory."""
    if not can_create_organisation(user, fields.get("affiliation")):
        raise PermissionDenied(_("You may not add an organisation of this party."))
    errors = organisation_errors(fields)
    if errors:
        raise ValidationError(errors)
    organisation = Organisation(**_values(fields))
    _save(organisation, user, _reason(reason), at or timezone.now())
    return organisation


@transaction.atomic
def update_organisation(
    user: User,
    organisation: Organisation,
    fields: Mapping[str, Any],
    *,
    version: int | None,
    reason: str,
    at: datetime.datetime | None = None,
) -> Organisation:
    """Edits an organisation's names, kind or party, with the reason for the change."""
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    values = _values(fields)
    if not can_edit_organisation(user, current) or not can_create_organisation(
        user, values["affiliation"] or None
    ):
        raise PermissionDenied(_("You may not edit this organisation."))
    if version != current.version:
        raise OrganisationChanged(current)
    errors: dict[str, Any] = dict(organisation_errors(fields, instance=current))
    reason = _reason(reason)
    if not reason:
        errors["reason"] = _("Say why the organisation changes: the history keeps the reason.")
    changed = [name for name in FIELDS if getattr(current, name) != values[name]]
    if not changed and not errors:
        errors[NON_FIELD_ERRORS] = _("Nothing to save: no field was changed.")
    if errors:
        raise ValidationError(errors)
    for name in changed:
        setattr(current, name, values[name])
    current.version += 1
    _save(current, user, reason, at or timezone.now(), update_fields=[*changed, "version"])
    return current
