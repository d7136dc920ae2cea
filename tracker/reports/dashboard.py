"""The dashboard's figures: every count and average comes from SQL, in a fixed number of queries.

The milestone table is read once: one GROUP BY query returns the figures per provision,
responsible party and status (a few hundred rows at most), and the provision, party,
category, status and overall figures are sums of those rows. The overdue and due-soon
counts and the first rows of each list come from indexed queries: overdue, due soon,
awaiting verification, findings with open corrective actions (rows and both counts), open
disputes (rows and count), recent activity. Twelve queries in all, whatever the size of
the data.
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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.core.models import Category, ImplementationLevel, Provision, ResponsibleParty
from tracker.disputes.models import CLOSED_DISPUTE_STATUSES, Dispute
from tracker.milestones.models import (
    CLOSED_STATUSES,
    DUE_SOON_DAYS,
    Milestone,
    ProgressUpdate,
    Status,
)
from tracker.monitoring.models import (
    FINDING_RESULTS,
    CorrectiveAction,
)
from tracker.reports.charts import BarChart, bar_chart

# Rows per list; each list links to its full, filtered page.
LIST_LENGTH = 6

# Bar colours by status; every bar also carries its word and number.
STATUS_TONES = {
    Status.NOT_STARTED: "muted",
    Status.IN_PROGRESS: "accent",
    Status.ON_HOLD: "warn",
    Status.COMPLETED: "ok",
    Status.CANCELLED: "faint",
}

# Spelled as a list of the open statuses rather than "not closed": SQLite then reads the
# (status, due_date) index instead of every row with a due date in range.
OPEN_STATUSES = [code for code in Status.values if code not in CLOSED_STATUSES]


def level_of(percent: float) -> int:
    """milestones.queries.implementation_level for figures summed here: 0 nothing started,
    3 all done, 2 half way or more, 1 anything less. A test holds the two equal."""
    if percent <= 0:
        return 0
    if percent >= 100:
        return 3
    return 2 if percent >= 50 else 1


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
        return level_of(self.percent)


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
    overdue: list[Milestone]
    due_soon: list[Milestone]
    awaiting: list[Milestone]
    open_actions: list[CorrectiveAction]
    findings_count: int
    open_actions_count: int
    disputes: list[Dispute]
    disputes_count: int
    activity: list[ProgressUpdate]
    charts: dict[str, BarChart] = field(default_factory=dict)


def milestone_groups() -> list[dict[str, Any]]:
    """The milestone figures per provision, responsible party and status: at most
    provisions × 3 × 5 rows, from one pass over the table with plain aggregates."""
    return list(
        Milestone.objects.order_by()
        .values("provision_id", "responsible_party", "status")
        .annotate(
            total=Count("pk"),
            progress_sum=Sum("percent_complete"),
            verified=Count("verified_at"),
        )
    )


def open_actions_of_findings() -> QuerySet[CorrectiveAction]:
    """Open corrective actions of non-compliant and partially compliant checks, the one due
    soonest first: what the parties still owe. Read through the (state, due_date) index."""
    return CorrectiveAction.objects.filter(
        state=CorrectiveAction.State.OPEN, check_record__result__in=FINDING_RESULTS
    ).order_by("due_date", "id")


def dashboard_figures(today: datetime.date | None = None) -> DashboardFigures:
    today = today or timezone.localdate()
    level_labels = {level: str(label) for level, label in ImplementationLevel.choices}
    provisions = list(
        Provision.objects.order_by("agreement", "reference").only(
            "id", "agreement_id", "reference", "title", "title_uk", "category"
        )
    )
    everything = Group()
    per_provision: dict[int, Group] = {provision.id: Group() for provision in provisions}
    per_party = {code: Group(code, str(label)) for code, label in ResponsibleParty.choices}
    per_category = {code: Group(code, str(label)) for code, label in Category.choices}
    category_of = {provision.id: provision.category for provision in provisions}
    for row in milestone_groups():
        everything.add(row)
        per_provision[row["provision_id"]].add(row)
        per_party[row["responsible_party"]].add(row)
        per_category[category_of[row["provision_id"]]].add(row)

    open_actions = open_actions_of_findings()
    action_counts = open_actions.aggregate(
        findings=Count("check_record", distinct=True), actions=Count("pk")
    )
    open_disputes = Dispute.objects.exclude(status__in=CLOSED_DISPUTE_STATUSES)
    lists = Milestone.objects.select_related("provision")
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_milestones = Milestone.objects.filter(status__in=OPEN_STATUSES)
    figures = DashboardFigures(
        today=today,
        everything=everything,
        overdue_count=open_milestones.filter(due_date__lt=today).count(),
        due_soon_count=open_milestones.filter(due_date__gte=today, due_date__lte=soon).count(),
        provisions=[
            _provision_row(provision, per_provision[provision.id], level_labels)
            for provision in provisions
        ],
        status_counts=[
            (code, str(label), everything.by_status.get(code, 0)) for code, label in Status.choices
        ],
        by_party=list(per_party.values()),
        by_category=list(per_category.values()),
        overdue=list(lists.overdue(today).order_by("due_date", "id")[:LIST_LENGTH]),
        due_soon=list(lists.due_soon(today).order_by("due_date", "id")[:LIST_LENGTH]),
        # The longest waiting first would need a sort of every completed milestone; the
        # earliest due uses the (status, due_date) index and is nearly the same order.
        awaiting=list(lists.awaiting_verification().order_by("due_date", "id")[:LIST_LENGTH]),
        open_actions=list(
            open_actions.select_related("check_record", "check_record__provision")[:LIST_LENGTH]
        ),
        findings_count=action_counts["findings"],
        open_actions_count=action_counts["actions"],
        disputes=list(open_disputes.order_by("response_due", "id")[:LIST_LENGTH]),
        disputes_count=open_disputes.count(),
        activity=list(
            ProgressUpdate.objects.select_related("milestone", "author").order_by(
                "-created_at", "-id"
            )[:LIST_LENGTH]
        ),
    )
    figures.charts = charts(figures)
    return figures


def _provision_row(
    provision: Provision, figures: Group, level_labels: dict[int, str]
) -> ProvisionProgress:
    level = figures.level
    return ProvisionProgress(
        provision=provision,
        figures=figures,
        url=reverse("provision_detail", args=[provision.pk]),
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
