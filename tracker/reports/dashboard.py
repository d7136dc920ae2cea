"""The dashboard's figures: every count and average comes from SQL, in a fixed number of queries.

The milestone table is read once: one GROUP BY query returns the figures per provision,
responsible party and status (a few hundred rows at most), and the provision, party,
category, status and overall figures are sums of those rows. The overdue and due-soon
counts and the first rows of each list come from indexed queries: overdue, due soon,
awaiting verification, findings with open corrective actions (rows and both counts), open
disputes (rows and count), recent activity, the milestones re-planned in the last 90 days.
Thirteen queries in all, whatever the size of the data. Every figure is of one agreement's
rows when `agreement` is given (the page's workspace with several agreements), through
tracker.core.workspace.within. The lists' values are prepared here, with labels and URLs
looked up once a page; the template (reports/dashboard.html) draws them, and the charts from
charts.py's figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    QuerySet,
    Sum,
)
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tracker.core.display import labels, url_for_pk
from tracker.core.models import (
    Agreement,
    Category,
    ImplementationLevel,
    Party,
    Provision,
    ResponsibleParty,
)
from tracker.core.workspace import within
from tracker.disputes.models import CLOSED_DISPUTE_STATUSES, Dispute, DisputeStatus
from tracker.milestones.models import (
    Milestone,
    ProgressUpdate,
    Status,
)
from tracker.monitoring.models import (
    FINDING_RESULTS,
    CorrectiveAction,
    Result,
    Severity,
)
from tracker.reports.charts import BarChart, bar_chart

# Rows per list; each list links to its full, filtered page.
LIST_LENGTH = 6
# The dashboard counts the milestones whose due date moved within this many days.
REPLANNED_DAYS = 90
# Log entries of planning, which the recent activity names by their kind.
PLANNING_KINDS = (
    ProgressUpdate.Kind.PLANNED,
    ProgressUpdate.Kind.REPLANNED,
    ProgressUpdate.Kind.EDITED,
)

# Bar colours by status; every bar also carries its word and number.
STATUS_TONES = {
    Status.NOT_STARTED: "muted",
    Status.IN_PROGRESS: "accent",
    Status.ON_HOLD: "warn",
    Status.COMPLETED: "ok",
    Status.CANCELLED: "faint",
}


@dataclass
class Group:
    """Milestone figures of one provision, party or category, or of everything."""

    code: str = ""
    label: str = ""
    total: int = 0
    verified: int = 0
    progress_sum: int = 0
    counted: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, row: dict[str, Any]) -> None:
        """Add one row of milestone_groups()."""
        self.total += row["total"]
        self.verified += row["verified"]
        self.by_status[row["status"]] = self.by_status.get(row["status"], 0) + row["total"]
        if row["status"] != Status.CANCELLED:
            self.progress_sum += row["progress_sum"] or 0
            self.counted += row["total"]

    @property
    def completed(self) -> int:
        return self.by_status.get(Status.COMPLETED, 0)

    @property
    def awaiting(self) -> int:
        # Only a completed milestone carries a verification (a database constraint).
        return self.completed - self.verified

    @property
    def percent(self) -> int:
        """Average percent complete of the milestones that are not cancelled, rounded half
        up like SQL's ROUND (Python's round() would take 2.5 to 2)."""
        return int(self.progress_sum / self.counted + 0.5) if self.counted else 0

    @property
    def level(self) -> int:
        return ImplementationLevel.of(self.percent)


@dataclass
class ProvisionProgress:
    """One row of the provisions table, its values ready to print (sixty rows add up)."""

    provision: Provision
    figures: Group
    url: str
    label: str
    level: int
    level_text: str


@dataclass
class DashboardFigures:
    today: datetime.date
    everything: Group
    overdue_count: int
    due_soon_count: int
    provisions: list[ProvisionProgress]
    status_counts: list[tuple[str, str, int]]
    by_party: list[Group]
    by_category: list[Group]
    overdue: list[MilestoneItem]
    due_soon: list[MilestoneItem]
    awaiting: list[MilestoneItem]
    open_actions: list[ActionItem]
    findings_count: int
    open_actions_count: int
    disputes: list[DisputeItem]
    disputes_count: int
    activity: list[ActivityItem]
    charts: dict[str, BarChart] = field(default_factory=dict)
    # Milestones re-planned (due date moved) since replanned_since.
    replanned_count: int = 0
    replanned_since: datetime.date | None = None


def milestone_groups(agreement: Agreement | None = None) -> list[dict[str, Any]]:
    """The milestone figures per provision, responsible party and status: at most
    provisions × 3 × 5 rows, from one pass over the table (its milestone_figures index).
    Overdue and due-soon counts are separate queries on the (status, due_date) index: as
    conditional counts here they would cost the scan twice as much."""
    return list(
        within(Milestone.objects.all(), agreement)
        .order_by()
        .values("provision_id", "responsible_party", "status")
        .annotate(
            total=Count("pk"),
            progress_sum=Sum("percent_complete"),
            verified=Count("verified_at"),
        )
    )


def open_actions_of_findings(agreement: Agreement | None = None) -> QuerySet[CorrectiveAction]:
    """Open corrective actions of non-compliant and partially compliant checks, the one due
    soonest first: what the parties still owe. Read through the (state, due_date) index."""
    return (
        within(CorrectiveAction.objects.all(), agreement)
        .filter(state=CorrectiveAction.State.OPEN, check_record__result__in=FINDING_RESULTS)
        .order_by("due_date", "id")
    )


# --- The lists' lines, their values ready to print -------------------------------------------


@dataclass(frozen=True)
class MilestoneItem:
    url: str
    title: str
    reference: str
    party: str
    due_date: datetime.date
    percent: int


@dataclass(frozen=True)
class ActionItem:
    description: str
    check_url: str
    check_label: str
    result: str
    result_label: str
    severity: str  # empty for a finding without a severity
    severity_label: str
    owner: str
    due_date: datetime.date
    overdue: bool


@dataclass(frozen=True)
class DisputeItem:
    url: str
    title: str
    raised_by: str
    status: str
    status_label: str
    response_due: datetime.date
    response_overdue: bool


@dataclass(frozen=True)
class ActivityItem:
    created_at: datetime.datetime
    author: str
    url: str
    title: str
    change: str  # "Old → New", or the status alone when it did not change
    percent: int
    note: str


def _milestone_items(
    milestones: QuerySet[Milestone], parties: dict[str, str]
) -> list[MilestoneItem]:
    return [
        MilestoneItem(
            url=url_for_pk("milestones:detail", milestone.pk),
            title=milestone.display_title,
            reference=milestone.provision.reference,
            party=parties[milestone.responsible_party],
            due_date=milestone.due_date,
            percent=milestone.percent_complete,
        )
        for milestone in milestones[:LIST_LENGTH]
    ]


def _action_items(
    actions: QuerySet[CorrectiveAction], today: datetime.date, parties: dict[str, str]
) -> list[ActionItem]:
    results, severities = labels(Result.choices), labels(Severity.choices)
    items = []
    for action in actions[:LIST_LENGTH]:
        check = action.check_record
        items.append(
            ActionItem(
                description=Truncator(action.description).chars(120),
                check_url=url_for_pk("monitoring:detail", check.pk),
                check_label=f"{check.provision.reference} · {check.display_criterion}",
                result=check.result,
                result_label=results[check.result],
                severity=check.severity,
                severity_label=severities.get(check.severity, ""),
                owner=parties[action.owner_party],
                due_date=action.due_date,
                overdue=action.due_date < today,
            )
        )
    return items


def _dispute_items(disputes: QuerySet[Dispute]) -> list[DisputeItem]:
    parties, statuses = labels(Party.choices), labels(DisputeStatus.choices)
    return [
        DisputeItem(
            url=url_for_pk("disputes:detail", dispute.pk),
            title=dispute.title,
            raised_by=parties[dispute.raised_by_party],
            status=dispute.status,
            status_label=statuses[dispute.status],
            response_due=dispute.response_due,
            response_overdue=dispute.response_overdue,
        )
        for dispute in disputes[:LIST_LENGTH]
    ]


def _activity_items(updates: QuerySet[ProgressUpdate]) -> list[ActivityItem]:
    statuses = labels(Status.choices)
    items = []
    kinds = labels(ProgressUpdate.Kind.choices)
    for update in updates[:LIST_LENGTH]:
        new = statuses.get(update.new_status, update.new_status)
        change = new
        if update.old_status != update.new_status:
            change = f"{statuses.get(update.old_status, update.old_status)} → {new}"
        elif update.kind in PLANNING_KINDS:
            change = kinds[update.kind]
        items.append(
            ActivityItem(
                created_at=update.created_at,
                author=str(update.author),
                url=url_for_pk("milestones:detail", update.milestone_id),
                title=update.milestone.display_title,
                change=change,
                percent=update.percent,
                note=Truncator(update.note).chars(140),
            )
        )
    return items


def dashboard_figures(
    today: datetime.date | None = None, *, agreement: Agreement | None = None, user=None
) -> DashboardFigures:
    """The figures of `agreement`'s rows, or of every row when it is None. The counts are
    aggregates every reader sees; the lists' rows are the ones `user` may read (task-force
    records are left out for an observer; without `user`, only public ones are listed)."""
    today = today or timezone.localdate()
    level_labels = labels(ImplementationLevel.choices)
    provisions = list(
        within(Provision.objects.all(), agreement)
        .order_by("agreement", "reference")
        .only("id", "agreement_id", "reference", "title", "title_uk", "category")
    )
    everything = Group()
    per_provision: dict[int, Group] = {provision.id: Group() for provision in provisions}
    per_party = {code: Group(code, str(label)) for code, label in ResponsibleParty.choices}
    per_category = {code: Group(code, str(label)) for code, label in Category.choices}
    category_of = {provision.id: provision.category for provision in provisions}
    for row in milestone_groups(agreement):
        everything.add(row)
        per_provision[row["provision_id"]].add(row)
        per_party[row["responsible_party"]].add(row)
        per_category[category_of[row["provision_id"]]].add(row)

    open_actions = open_actions_of_findings(agreement)
    action_counts = open_actions.aggregate(
        findings=Count("check_record", distinct=True), actions=Count("pk")
    )
    open_disputes = within(Dispute.objects.all(), agreement).exclude(
        status__in=CLOSED_DISPUTE_STATUSES
    )
    milestones = within(Milestone.objects.all(), agreement)
    lists = milestones.select_related("provision").order_by("due_date", "id")
    parties = labels(ResponsibleParty.choices)
    figures = DashboardFigures(
        today=today,
        everything=everything,
        overdue_count=milestones.overdue(today).count(),
        due_soon_count=milestones.due_soon(today).count(),
        provisions=[
            _provision_row(provision, per_provision[provision.id], level_labels)
            for provision in provisions
        ],
        status_counts=[
            (code, str(label), everything.by_status.get(code, 0)) for code, label in Status.choices
        ],
        by_party=list(per_party.values()),
        by_category=list(per_category.values()),
        overdue=_milestone_items(lists.overdue(today), parties),
        due_soon=_milestone_items(lists.due_soon(today), parties),
        # The longest waiting first would need a sort of every completed milestone; the
        # earliest due uses the (status, due_date) index and is nearly the same order.
        awaiting=_milestone_items(lists.awaiting_verification(), parties),
        open_actions=_action_items(
            open_actions.visible_to(user).select_related("check_record", "check_record__provision"),
            today,
            parties,
        ),
        findings_count=action_counts["findings"],
        open_actions_count=action_counts["actions"],
        disputes=_dispute_items(open_disputes.visible_to(user).order_by("response_due", "id")),
        disputes_count=open_disputes.count(),
        activity=_activity_items(
            # The newest entries, read down the log's time index: each tested, not all of
            # the agreement's entries read and sorted.
            within(ProgressUpdate.objects.visible_to(user), agreement, each_row=True)
            .select_related("milestone", "author")
            .order_by("-created_at", "-id")
        ),
    )
    figures.replanned_since = today - datetime.timedelta(days=REPLANNED_DAYS)
    figures.replanned_count = replanned_count(figures.replanned_since, agreement)
    figures.charts = charts(figures)
    return figures


def replanned_count(since: datetime.date, agreement: Agreement | None = None) -> int:
    """Milestones of `agreement` whose due date was moved on or after `since` (each counted
    once), from the re-planning entries of the progress log, through its index on the time."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    replans = ProgressUpdate.objects.filter(
        kind=ProgressUpdate.Kind.REPLANNED, created_at__gte=start
    )
    return within(replans, agreement).values("milestone_id").distinct().count()


def _provision_row(
    provision: Provision, figures: Group, level_labels: dict[int, str]
) -> ProvisionProgress:
    level = figures.level
    return ProvisionProgress(
        provision=provision,
        figures=figures,
        url=url_for_pk("provision_detail", provision.pk),
        label=f"{provision.reference} {provision.display_title}",
        level=level,
        level_text=f"{level} · {level_labels[level]} ({figures.percent} %)",
    )


def charts(figures: DashboardFigures) -> dict[str, BarChart]:
    levels = {level: str(label) for level, label in ImplementationLevel.choices}
    return {
        "provisions": bar_chart(
            "chart-provisions",
            _("Implementation by provision"),
            [
                (
                    row.provision.reference,
                    row.figures.percent,
                    f"{row.level} · {row.figures.percent} %",
                    f"level-{row.level}",
                )
                for row in figures.provisions
            ],
            maximum=100,
            describe=lambda label, text: (
                _("%(provision)s: level %(level)s") % {"provision": label, "level": text}
            ),
            note=_("Levels: %(levels)s.")
            % {"levels": "; ".join(f"{level} {levels[level]}" for level in sorted(levels))},
        ),
        "status": bar_chart(
            "chart-status",
            _("Milestones by status"),
            [
                (label, count, str(count), STATUS_TONES.get(code, "accent"))
                for code, label, count in figures.status_counts
            ],
            maximum=max((count for _code, _label, count in figures.status_counts), default=0),
        ),
        "category": bar_chart(
            "chart-category",
            _("Progress by category"),
            [
                (group.label, group.percent, f"{group.percent} %", "accent")
                for group in figures.by_category
            ],
            maximum=100,
        ),
        "party": bar_chart(
            "chart-party",
            _("Progress by responsible party"),
            [
                (group.label, group.percent, f"{group.percent} %", "accent")
                for group in figures.by_party
            ],
            maximum=100,
        ),
    }
