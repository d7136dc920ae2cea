"""SQL aggregates over milestones, shared by provision pages, the dashboard and the report."""

from __future__ import annotations

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round

from tracker.core.models import Provision
from tracker.milestones.models import Milestone, Status


def _per_provision(aggregate, *conditions: Q, output_field=None, **filters) -> Subquery:
    # A correlated subquery per figure keeps the outer query free of GROUP BY, so pagination
    # and counting never group the whole milestone table.
    return Coalesce(
        Subquery(
            Milestone.objects.filter(*conditions, provision=OuterRef("pk"), **filters)
            .order_by()
            .values("provision")
            .annotate(value=aggregate)
            .values("value"),
            output_field=output_field or IntegerField(),
        ),
        Value(0),
        output_field=output_field or IntegerField(),
    )


def implementation_level(percent_field: str = "progress_percent") -> Case:
    """0 not initiated · 1 minimal · 2 intermediate · 3 full, from the average progress.

    The Peace Accords Matrix scale read off milestones: nothing started is 0, everything
    (not cancelled) completed is 3, half way or more is 2, anything less is 1.
    """
    return Case(
        When(**{f"{percent_field}__lte": 0}, then=Value(0)),
        When(**{f"{percent_field}__gte": 100}, then=Value(3)),
        When(**{f"{percent_field}__gte": 50}, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def with_progress(provisions: QuerySet[Provision]) -> QuerySet[Provision]:
    return provisions.annotate(
        milestone_total=_per_provision(Count("pk")),
        milestone_completed=_per_provision(Count("pk"), status=Status.COMPLETED),
        milestone_verified=_per_provision(
            Count("pk"), status=Status.COMPLETED, verified_at__isnull=False
        ),
        progress_percent=Round(
            _per_provision(
                Avg(F("percent_complete"), output_field=FloatField()),
                ~Q(status=Status.CANCELLED),
                output_field=FloatField(),
            ),
            output_field=FloatField(),
        ),
    ).annotate(implementation_level=implementation_level())
