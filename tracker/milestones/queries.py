"""SQL aggregates over milestones, shared by provision pages, the dashboard and the report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Lag, Round
from django.utils import timezone

from tracker.core.models import Evidence, ImplementationLevel, Provision
from tracker.milestones.models import CLOSED_STATUSES, Milestone, ProgressUpdate, Status


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
    ).annotate(implementation_level=ImplementationLevel.expression("progress_percent"))


@dataclass(frozen=True)
class StatusCounts:
    """How many milestones of a set are in each status, and how many need attention."""

    by_status: dict[str, int]
    awaiting_verification: int
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def items(self) -> list[tuple[str, str, int]]:
        """(code, label, count) in workflow order."""
        return [(code, label, self.by_status.get(code, 0)) for code, label in Status.choices]


def status_counts(milestones: QuerySet[Milestone]) -> StatusCounts:
    """One query: counts by status, awaiting verification and overdue of a filtered set."""
    # Grouped by status, with two conditional counts in each group, rather than nine
    # filtered aggregates: the ORM compiles it faster, and the page pays that on each request.
    groups = (
        milestones.order_by()
        .values_list("status")
        .annotate(
            total=Count("pk"),
            unverified=Count("pk", filter=Q(verified_at__isnull=True)),
            past_due=Count("pk", filter=Q(due_date__lt=timezone.localdate())),
        )
    )
    by_status = dict.fromkeys(Status.values, 0)
    awaiting = overdue = 0
    for status, total, unverified, past_due in groups:
        by_status[status] = total
        if status == Status.COMPLETED:
            awaiting = unverified
        if status not in CLOSED_STATUSES:
            overdue += past_due
    return StatusCounts(by_status=by_status, awaiting_verification=awaiting, overdue=overdue)


def count_statuses(milestones: Iterable[Milestone]) -> StatusCounts:
    """The same figures from milestones already loaded, without a query."""
    today = timezone.localdate()
    by_status = dict.fromkeys(Status.values, 0)
    awaiting = overdue = 0
    for milestone in milestones:
        by_status[milestone.status] += 1
        awaiting += milestone.awaiting_verification
        overdue += milestone.status not in CLOSED_STATUSES and milestone.due_date < today
    return StatusCounts(by_status=by_status, awaiting_verification=awaiting, overdue=overdue)


# The columns a table row reads (tracker.milestones.rows). Loading only these, not every
# column of three tables, keeps building a page's fifty model instances cheap.
ROW_FIELDS = (
    "provision_id",
    "provision__reference",
    "title",
    "title_uk",
    "responsible_party",
    "lead_organisation_id",
    "lead_organisation__name",
    "lead_organisation__name_uk",
    "due_date",
    "status",
    "percent_complete",
    "completed_on",
    "verified_at",
    "version",
)


def milestone_rows(milestones: QuerySet[Milestone]) -> QuerySet[Milestone]:
    """What one table row shows, in a single query."""
    return milestones.select_related("provision", "lead_organisation").only(*ROW_FIELDS)


# Bookkeeping columns that change on every save and say nothing to a reader.
_HISTORY_HIDDEN_FIELDS = ("version", "updated_at")
HISTORY_LIMIT = 100


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    record: object
    changes: list[FieldChange]


def _display(field, value, related: dict) -> object:
    if value is None or value == "":
        return None
    if field.is_relation:
        return related.get((field.related_model, value), value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def provision_milestones(provision: Provision) -> QuerySet[Milestone]:
    """The rows of a provision page's milestone table, in due-date order."""
    return milestone_rows(provision.milestones.all()).order_by("due_date", "id")


def visible_evidence(user) -> Prefetch:
    """The evidence files of progress updates, as far as ``user`` may see them."""
    return Prefetch(
        "evidence",
        queryset=Evidence.objects.visible_to(user).select_related("uploaded_by", "withdrawn_by"),
    )


def activity_rows(
    updates: QuerySet[ProgressUpdate], user, *, with_agreement: bool = False
) -> QuerySet[ProgressUpdate]:
    """What one line of the activity log shows to ``user`` (the entries and files they may
    see), in one query plus one for the evidence; `with_agreement` adds the agreement of each
    line, for the feed of every agreement."""
    related = "milestone__provision__agreement" if with_agreement else "milestone__provision"
    return (
        updates.visible_to(user)
        .select_related(related, "author")
        .prefetch_related(visible_evidence(user))
    )


@dataclass(frozen=True)
class Replan:
    """One move of a milestone's due date, read from its history."""

    when: object
    who: object
    old: object
    new: object
    slip_days: int
    reason: str


@dataclass(frozen=True)
class MilestoneHistory:
    """What a milestone's page shows of its history: the newest entries with what each
    changed, and every move of its due date."""

    entries: list[HistoryEntry]
    replans: list[Replan]


def milestone_history(milestone: Milestone, limit: int = HISTORY_LIMIT) -> MilestoneHistory:
    """The milestone's history rows, read once (one query, with the people and organisations
    its changes name; a change of provision adds one): the newest `limit` as entries, and from
    all of them every change of the due date, newest first, with who, when, old → new, the slip
    from the baseline after it and the reason. From the history table, so a change made
    anywhere (the planning pages, the import, the admin) is listed. Every row is read, since a
    move may lie anywhere in it; a milestone's history grows with its own edits only."""
    records = list(
        milestone.history.annotate(
            previous_due=Window(
                Lag("due_date"), order_by=[F("history_date").asc(), F("history_id").asc()]
            )
        )
        # The people and organisations a change may name come with the rows (nullable keys:
        # an outer join keeps every row), so the usual history needs no lookup after it.
        .select_related("history_user", *_JOINED_KEYS)
        .order_by("-history_date", "-history_id")
    )
    replans = [
        Replan(
            when=record.history_date,
            who=record.history_user,
            old=record.previous_due,
            new=record.due_date,
            slip_days=(record.due_date - record.baseline_due).days,
            reason=record.history_change_reason or "",
        )
        for record in records
        if record.previous_due is not None and record.previous_due != record.due_date
    ]
    return MilestoneHistory(entries=_history_entries(records[: limit + 1], limit), replans=replans)


_JOINED_KEYS = ("verified_by", "lead_organisation")


def _history_entries(records: list, limit: int) -> list[HistoryEntry]:
    """The newest `limit` of `records` (newest first, one more to compare the last with) with
    what each changed."""
    deltas = [
        newer.diff_against(older, excluded_fields=_HISTORY_HIDDEN_FIELDS)
        for newer, older in pairwise(records)
    ]
    # Foreign keys come back as raw ids: look up each model's objects once for all rows.
    wanted: dict[type, set] = {}
    for delta in deltas:
        for change in delta.changes:
            field = Milestone._meta.get_field(change.field)
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(
                    value for value in (change.old, change.new) if value is not None
                )
    related = {}
    for record in records:
        for name in _JOINED_KEYS:
            obj = getattr(record, name)
            if obj is not None:
                related[(type(obj), obj.pk)] = obj
    for model, pks in wanted.items():
        missing = {pk for pk in pks if (model, pk) not in related}
        if missing:
            related.update(
                ((model, pk), obj) for pk, obj in model._default_manager.in_bulk(missing).items()
            )
    entries = []
    for index, record in enumerate(records[:limit]):
        changes = []
        if index < len(deltas):
            for change in deltas[index].changes:
                field = Milestone._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        label=str(field.verbose_name),
                        old=_display(field, change.old, related),
                        new=_display(field, change.new, related),
                    )
                )
        entries.append(HistoryEntry(record=record, changes=changes))
    return entries
