"""Read-side queries of the organisations directory. Each runs a fixed number of queries,
whatever the number of organisations, people or milestones.

``with_counts(organisations)``
    Annotates ``milestone_count`` (milestones it leads, in every agreement) and
    ``people_count`` (its active people with a role), one correlated subquery each, so the
    list can sort by them and the paginator's count stays a plain COUNT.

``led_milestones(organisation)``
    The milestones it leads, with their provision and agreement, soonest due first.

``members(organisation)``
    The people who belong to it and can act in the tracker: active accounts with a role.
    Disabled accounts (people who left, the sample data's signers) and accounts still
    waiting for a role are left out.

``organisation_history(organisation)``
    Its latest recorded changes, newest first, as readable entries.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tracker.accounts.models import User
from tracker.core.history import HistoryEntry, changed_fields
from tracker.core.models import Organisation
from tracker.milestones.models import Milestone

FIELDS = ("name", "name_uk", "kind", "affiliation")
#: How many changes the organisation's page lists, newest first.
HISTORY_SHOWN = 20


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
        output_field=IntegerField(),
    )


def members(organisation: Organisation | OuterRef) -> QuerySet:
    return (
        User.objects.filter(organisation=organisation, is_active=True)
        .exclude(role="")
        .order_by("first_name", "last_name", "username")
    )


def with_counts(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return organisations.annotate(
        milestone_count=_count(
            Milestone.objects.filter(lead_organisation=OuterRef("pk")), "lead_organisation"
        ),
        people_count=_count(members(OuterRef("pk")), "organisation"),
    )


def led_milestones(organisation: Organisation) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(lead_organisation=organisation)
        .select_related("provision__agreement")
        .order_by("due_date", "provision__reference", "id")
    )


def organisation_history(
    organisation: Organisation, limit: int = HISTORY_SHOWN
) -> list[HistoryEntry]:
    """The latest `limit` changes, newest first; each edit says which fields it changed."""
    # One record more than shown: the oldest change shown is told from the one before it.
    records = list(
        organisation.history.select_related("history_user").order_by("-history_date", "-pk")[
            : limit + 1
        ]
    )
    records.reverse()
    entries = []
    for index, record in enumerate(records):
        previous = records[index - 1] if index else None
        if record.history_type == "+":
            summary = _("Added to the directory")
        elif previous is None:
            continue  # the change before it is older than what is shown
        else:
            changed = changed_fields(record, previous, FIELDS)
            summary = _("Changed: %(fields)s") % {"fields": ", ".join(changed) or "—"}
        entries.append(
            HistoryEntry(
                record.history_date,
                record.history_user,
                summary,
                record.history_change_reason or "",
            )
        )
    entries.reverse()
    return entries[:limit]
