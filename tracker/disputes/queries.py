"""Read-side queries of disputes shared by provision pages, lists, the dashboard and reports.

``provision_disputes(provision, user) -> QuerySet[Dispute]``
    The disputes that concern a provision that ``user`` may see, newest first.
``with_open_disputes(provisions) -> QuerySet[Provision]``
    Annotates ``open_disputes``: disputes concerning the provision that are neither resolved
    nor withdrawn (a correlated subquery; no GROUP BY on the outer query).
``response_overdue_q() -> Q``
    Disputes still ``raised`` after their response date.
``dispute_history(dispute) -> list[HistoryEntry]``
    The dispute's recorded changes, newest first.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.core.history import HistoryEntry, changed_fields
from tracker.core.models import Provision
from tracker.disputes.models import CLOSED_DISPUTE_STATUSES, Dispute, DisputeStatus

HISTORY_FIELDS = (
    "title",
    "description",
    "raising_position",
    "responding_position",
    "status",
    "response_due",
    "resolution",
    "resolved_on",
)


def response_overdue_q() -> Q:
    return Q(status=DisputeStatus.RAISED, response_due__lt=timezone.localdate())


def provision_disputes(provision: Provision, user) -> QuerySet[Dispute]:
    return provision.disputes.visible_to(user).order_by("-raised_on", "-id")


def with_open_disputes(provisions: QuerySet[Provision]) -> QuerySet[Provision]:
    through = Dispute.provisions.through
    open_links = (
        through.objects.filter(provision=OuterRef("pk"))
        .exclude(dispute__status__in=CLOSED_DISPUTE_STATUSES)
        .order_by()
        .values("provision")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return provisions.annotate(
        open_disputes=Coalesce(
            Subquery(open_links, output_field=IntegerField()),
            Value(0),
            output_field=IntegerField(),
        )
    )


def dispute_history(dispute: Dispute) -> list[HistoryEntry]:
    entries = []
    previous = None
    for record in dispute.history.select_related("history_user").order_by("history_date", "pk"):
        if previous is None:
            summary = _("Dispute raised")
        else:
            # The provisions are the one tracked many-to-many field; a record that changes
            # no column records a change of them.
            changed = changed_fields(record, previous, HISTORY_FIELDS) or [_("provisions")]
            summary = _("Changed: %(fields)s") % {"fields": ", ".join(changed)}
        entries.append(
            HistoryEntry(
                record.history_date,
                record.history_user,
                summary,
                record.history_change_reason or "",
            )
        )
        previous = record
    return entries[::-1]
