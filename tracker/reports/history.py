"""The state of the tracker at the end of a past day, read from django-simple-history's tables.

A record's state at a moment is its latest historical row written before that moment, unless
that row says it was deleted. One SQL query per model picks those rows for every record at
once (a window function ranks each record's rows, newest first), so the cost grows with the
history table, never with a query per object. The result is a queryset of historical rows:
their field names are those of the live model, so the report builder filters, groups and
orders them exactly as it does the live tables.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import F, Model, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from tracker.disputes.models import Dispute
from tracker.milestones.models import Milestone
from tracker.monitoring.models import CorrectiveAction, MonitoringCheck


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the project's time zone (settings.TIME_ZONE)."""
    next_day = day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def state_at(model: type[Model], moment: datetime.datetime) -> QuerySet:
    """The historical rows that were current just before `moment`, one per surviving record."""
    history = model.history.model
    ranked = (
        history.objects.filter(history_date__lt=moment)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("id")],
                # history_id breaks ties between rows written in the same instant.
                order_by=[F("history_date").desc(), F("history_id").desc()],
            )
        )
        .filter(position=1)
        .values("history_id")
    )
    return history.objects.filter(history_id__in=ranked).exclude(history_type="-").order_by()


@dataclass(frozen=True)
class Sources:
    """Where the report reads milestones, checks, corrective actions and disputes from.

    Either the live tables or their state at a past moment; both offer the same field names.
    """

    milestones: QuerySet
    checks: QuerySet
    actions: QuerySet
    disputes: QuerySet
    historical: bool

    def dispute_links(self, disputes: QuerySet) -> QuerySet:
        """Rows with `dispute_id` and `provision_id`: which provisions these disputes concern."""
        if self.historical:
            # simple-history keeps a copy of the links with every historical dispute row.
            links = apps.get_model("disputes", "HistoricalDispute_provisions")
            return links.objects.filter(history_id__in=disputes.values("history_id"))
        return Dispute.provisions.through.objects.filter(dispute_id__in=disputes.values("id"))


def live_sources() -> Sources:
    return Sources(
        milestones=Milestone.objects.order_by(),
        checks=MonitoringCheck.objects.order_by(),
        actions=CorrectiveAction.objects.order_by(),
        disputes=Dispute.objects.order_by(),
        historical=False,
    )


def sources_at(moment: datetime.datetime) -> Sources:
    return Sources(
        milestones=state_at(Milestone, moment),
        checks=state_at(MonitoringCheck, moment),
        actions=state_at(CorrectiveAction, moment),
        disputes=state_at(Dispute, moment),
        historical=True,
    )
