"""Selectors of the people pages: who a person may see, with what each row shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.accounts.models import Invitation, Role, User
from tracker.core.models import Affiliation, Organisation


class Status:
    """Where an account stands (derived, never stored)."""

    ACTIVE = "active"
    INVITED = "invited"
    DEACTIVATED = "deactivated"


def people_visible_to(user: User) -> QuerySet[User]:
    """Everyone for a staff admin; a co-chair's own party for a co-chair; nobody else."""
    people = User.objects.all()
    if user.role == Role.STAFF_ADMIN:
        return people
    if user.role == Role.CO_CHAIR:
        return people.filter(party=user.party)
    return people.none()


def invited() -> Q:
    """Active, and no password chosen yet (an invitation not yet accepted)."""
    return Q(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)


def with_row_details(people: QuerySet[User]) -> QuerySet[User]:
    """What a row of the list shows: the organisation, whether the person signs in with two
    factors, and where the account stands."""
    return people.select_related("organisation").annotate(
        has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        status=Case(
            When(is_active=False, then=Value(Status.DEACTIVATED)),
            When(invited(), then=Value(Status.INVITED)),
            default=Value(Status.ACTIVE),
        ),
    )


# What the history of a person shows: changes of these, with who and why.
TRACKED = ("role", "party", "organisation_id", "is_active", "first_name", "last_name", "email")


@dataclass(frozen=True)
class Change:
    field: str  # the field's name, as the model calls it
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class PersonChange:
    when: datetime.datetime
    who: User | None
    reason: str
    changes: list[Change]
    created: bool = False


def person_history(person: User, limit: int = 50) -> list[PersonChange]:
    """The changes to a person that matter, newest first, in two queries.

    Every save of a user writes a history row, log-ins included (they save the last log-in,
    which the history leaves out); only rows that created the account, carry a reason or
    changed a tracked field are shown. Each row's earlier values come from a subquery per
    field, so the page never loads the rows of every log-in.
    """
    History = User.history.model
    earlier = History.objects.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    annotations = {f"before_{name}": Subquery(earlier.values(name)[:1]) for name in TRACKED}
    # NULL = NULL is not true in SQL: the organisation, the one nullable field, compares
    # through a value no row has.
    annotations["organisation_now"] = Coalesce(
        "organisation_id", Value(0), output_field=BigIntegerField()
    )
    annotations["organisation_before"] = Coalesce(
        Subquery(earlier.values("organisation_id")[:1]), Value(0), output_field=BigIntegerField()
    )
    changed = ~Q(organisation_now=F("organisation_before"))
    for name in TRACKED:
        if name != "organisation_id":
            changed |= ~Q(**{name: F(f"before_{name}")})
    has_reason = Q(history_change_reason__isnull=False) & ~Q(history_change_reason="")
    rows = list(
        History.objects.filter(id=person.pk)
        .annotate(**annotations)
        .filter(Q(history_type="+") | has_reason | changed)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    organisation_ids = {
        value
        for row in rows
        for value in (row.organisation_id, row.before_organisation_id)
        if value is not None
    }
    organisations = Organisation.objects.in_bulk(organisation_ids)
    return [_entry(row, organisations) for row in rows]


def _shown(name: str, value, organisations: dict) -> str:
    if value is None or value == "":
        return "—"
    if name == "role":
        return str(dict(Role.choices).get(value, value))
    if name == "party":
        return str(dict(Affiliation.choices).get(value, value))
    if name == "organisation_id":
        organisation = organisations.get(value)
        return str(organisation) if organisation else "—"
    if name == "is_active":
        return str(_("Active") if value else _("Deactivated"))
    return str(value)


def _entry(row, organisations: dict) -> PersonChange:
    changes = []
    if row.history_type != "+":
        for name in TRACKED:
            before, after = getattr(row, f"before_{name}"), getattr(row, name)
            if before != after:
                field = User._meta.get_field(name.removesuffix("_id"))
                changes.append(
                    Change(
                        name.removesuffix("_id"),
                        str(field.verbose_name),
                        _shown(name, before, organisations),
                        _shown(name, after, organisations),
                    )
                )
    return PersonChange(
        when=row.history_date,
        who=row.history_user,
        reason=row.history_change_reason or "",
        changes=changes,
        created=row.history_type == "+",
    )


def invitations_of(person: User) -> QuerySet[Invitation]:
    return person.invitations.select_related("sent_by").order_by("-sent_at", "-id")
