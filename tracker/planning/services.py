"""Agreement and provision writes, with the permission check core cannot make itself.

tracker/core/services.py writes agreements and provisions (rules, stale versions, history);
core sits below tracker.accounts, so it cannot ask who may. Every page and the import call
these instead, which refuse anyone `can_plan_agreements` refuses before anything is written.
Milestones need no such wrapper: tracker/milestones/services.py asks its predicate itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tracker.accounts import organisations
from tracker.accounts.models import User
from tracker.accounts.permissions import can_import_plan, can_plan_agreements
from tracker.core import services as core
from tracker.core.models import Agreement, Mineral, Organisation, Provision


def _require_planner(user: User) -> None:
    if not can_plan_agreements(user):
        raise PermissionDenied(_("Only a staff admin may set up agreements and provisions."))


def create_agreement(
    user: User, data: Mapping[str, Any], *, at: datetime.datetime | None = None
) -> Agreement:
    _require_planner(user)
    return core.create_agreement(user, data, at=at)


def update_agreement(
    agreement: Agreement,
    user: User,
    data: Mapping[str, Any],
    *,
    version: int | None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> list[str]:
    _require_planner(user)
    return core.update_agreement(agreement, user, data, version=version, reason=reason, at=at)


def create_provision(
    agreement: Agreement,
    user: User,
    data: Mapping[str, Any],
    *,
    minerals: Iterable[Mineral] = (),
    reason: str = "",
    at: datetime.datetime | None = None,
) -> Provision:
    _require_planner(user)
    return core.create_provision(agreement, user, data, minerals=minerals, reason=reason, at=at)


def update_provision(
    provision: Provision,
    user: User,
    data: Mapping[str, Any],
    *,
    version: int | None,
    minerals: Iterable[Mineral] | None = None,
    reason: str = "",
    at: datetime.datetime | None = None,
) -> list[str]:
    _require_planner(user)
    return core.update_provision(
        provision, user, data, version=version, minerals=minerals, reason=reason, at=at
    )


def create_organisation(
    user: User, data: Mapping[str, Any], *, reason: str, at: datetime.datetime | None = None
) -> Organisation:
    """A lead organisation named in an imported plan that the directory does not hold yet:
    added through the directory's own service, so its rules (names unique in either language
    and case; a co-chair adds their party's and independent ones) hold for an import too."""
    if not can_import_plan(user):
        raise PermissionDenied(_("Only a staff admin or a co-chair may import a plan."))
    return organisations.create_organisation(user, data, reason=reason, at=at)
