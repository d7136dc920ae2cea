"""The one place where agreements and provisions are created and changed.

Each function checks the model's own rules (field validation, the unique reference of a
provision within its agreement, the value-chain codes), refuses an edit based on a stale
version, and writes the row and its history entry (the acting user, the moment ``at``, the
reason) in one transaction. A refused or failed call changes nothing.

Who may call them is not decided here: core sits below tracker.accounts, which holds the
permission predicates, so it cannot ask them. tracker/planning/services.py is the path every
page and the import take: it asks ``can_plan_agreements`` and then calls these.

An edit that changes nothing writes nothing and returns an empty list; otherwise it returns
the names of the fields it changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.core.history import stamp
from tracker.core.models import Agreement, Mineral, Provision, ValueChainStage, Visibility

AGREEMENT_FIELDS = (
    "title",
    "title_uk",
    "short_name",
    "signed_on",
    "place",
    "place_uk",
    "summary",
    "summary_uk",
    "source",
)
PROVISION_FIELDS = (
    "reference",
    "title",
    "title_uk",
    "text",
    "text_uk",
    "category",
    "responsible_party",
    "value_chain_stages",
)
TEXT_FIELDS = (models.CharField, models.TextField)


class StaleVersion(Exception):
    """The agreement or provision was saved by someone else after the form was rendered."""

    def __init__(self, current: models.Model) -> None:
        label = current._meta.model_name
        super().__init__(f"{label} {current.pk} is now at version {current.version}")
        self.current = current


def _assign(obj: models.Model, fields: Iterable[str], data: Mapping[str, Any]) -> list[str]:
    """Sets the given fields from `data` (text stripped; missing text is ""), and answers
    the names of those whose value changed."""
    changed = []
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        elif value is None and isinstance(obj._meta.get_field(name), TEXT_FIELDS):
            value = ""
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _validate(obj: models.Model) -> None:
    """The model's field rules and constraints, as messages by field; the unique names first,
    in words that say which."""
    if isinstance(obj, Agreement):
        taken = Agreement.objects.filter(short_name=obj.short_name).exclude(pk=obj.pk)
        if obj.short_name and taken.exists():
            raise ValidationError(
                {"short_name": _("Another agreement has this short name. Choose another one.")}
            )
    if isinstance(obj, Provision):
        taken = Provision.objects.filter(
            agreement_id=obj.agreement_id, reference=obj.reference
        ).exclude(pk=obj.pk)
        if obj.reference and taken.exists():
            raise ValidationError(
                {
                    "reference": _(
                        "Another provision of this agreement has the reference %(reference)s."
                    )
                    % {"reference": obj.reference}
                }
            )
    obj.full_clean()


def _stage_errors(stages: Any) -> None:
    if not isinstance(stages, list) or any(code not in ValueChainStage.values for code in stages):
        raise ValidationError({"value_chain_stages": _("Choose value-chain stages from the list.")})


def _ordered_stages(stages: list[str]) -> list[str]:
    # Stored in the vocabulary's order, so the same choice always reads the same.
    return [code for code in ValueChainStage.values if code in stages]


@transaction.atomic
def create_agreement(
    user, data: Mapping[str, Any], *, reason: str = "", at: datetime.datetime | None = None
) -> Agreement:
    at = at or timezone.now()
    agreement = Agreement()
    _assign(agreement, AGREEMENT_FIELDS, data)
    _validate(agreement)
    stamp(agreement, by=user, at=at, reason=reason or _("Agreement created"))
    agreement.save()
    return agreement


@transaction.atomic
def update_agreement(
    agreement: Agreement,
    user,
    data: Mapping[str, Any],
    *,
    version: int | None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> list[str]:
    at = at or timezone.now()
    current = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if version != current.version:
        raise StaleVersion(current)
    changed = _assign(current, AGREEMENT_FIELDS, data)
    if not changed:
        return []
    _validate(current)
    current.version += 1
    stamp(current, by=user, at=at, reason=reason or _("Agreement edited"))
    current.save(update_fields=[*changed, "version"])
    return changed


def _minerals_changed(provision: Provision, minerals: Iterable[Mineral] | None) -> bool:
    if minerals is None:
        return False
    return {mineral.pk for mineral in minerals} != set(
        provision.minerals.values_list("pk", flat=True)
    )


@transaction.atomic
def create_provision(
    agreement: Agreement,
    user,
    data: Mapping[str, Any],
    *,
    minerals: Iterable[Mineral] = (),
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Provision:
    at = at or timezone.now()
    provision = Provision(agreement=agreement)
    _assign(provision, PROVISION_FIELDS, data)
    _stage_errors(provision.value_chain_stages)
    provision.value_chain_stages = _ordered_stages(provision.value_chain_stages)
    _validate(provision)
    stamp(provision, by=user, at=at, reason=reason or _("Provision added"))
    provision.save()
    # The history keeps the minerals as a second entry with the same reason and moment.
    provision.minerals.set(list(minerals))
    return provision


@transaction.atomic
def update_provision(
    provision: Provision,
    user,
    data: Mapping[str, Any],
    *,
    version: int | None,
    minerals: Iterable[Mineral] | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> list[str]:
    """Changes a provision's fields and, when `minerals` is given, its minerals."""
    at = at or timezone.now()
    current = Provision.objects.select_for_update().get(pk=provision.pk)
    if version != current.version:
        raise StaleVersion(current)
    if "value_chain_stages" in data:
        _stage_errors(data["value_chain_stages"])
        data = {**data, "value_chain_stages": _ordered_stages(data["value_chain_stages"])}
    minerals = list(minerals) if minerals is not None else None
    changed = _assign(current, PROVISION_FIELDS, data)
    minerals_changed = _minerals_changed(current, minerals)
    if not changed and not minerals_changed:
        return []
    _validate(current)
    if minerals_changed:
        # Without an entry of its own: the save below records the new minerals with the rest.
        current.skip_history_when_saving = True
        try:
            current.minerals.set(minerals)
        finally:
            del current.skip_history_when_saving
        changed.append("minerals")
    current.version += 1
    stamp(current, by=user, at=at, reason=reason or _("Provision edited"))
    current.save(update_fields=[name for name in changed if name != "minerals"] + ["version"])
    return changed


def change_visibility(
    model: type[models.Model],
    pk: int,
    visibility: str,
    reason: str,
    *,
    user: Any,
    at: datetime.datetime | None = None,
) -> tuple[models.Model, bool]:
    """Make one record public or task-force only, with the reason, in its history.

    Shared by the services of each record type, which first ask
    ``tracker.accounts.permissions.can_change_visibility`` (core cannot). The row is read
    again under a lock; a value it already has changes nothing and answers False.
    """
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read it.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for changing who may read it.")})
    record = model._default_manager.select_for_update().get(pk=pk)
    if record.visibility == visibility:
        return record, False
    record.visibility = visibility
    fields = ["visibility"]
    if hasattr(record, "version"):
        # A record with a version (checks, actions): an edit form opened before is stale.
        record.version += 1
        fields.append("version")
    stamp(record, by=user, at=at or timezone.now(), reason=reason)
    record.save(update_fields=fields)
    return record, True
