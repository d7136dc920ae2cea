"""The compliance report: one builder whose output the HTML, CSV, XLSX and PDF all render.

The report covers one agreement, optionally narrowed by the provisions' responsible party and
category, as it stood at the end of the as-of day (today when no date is given).

What is read from where:
- With no as-of date (or today's), milestones, checks, corrective actions and disputes come
  from the live tables; with a past date, from their history (tracker/reports/history.py),
  so a milestone completed after the date shows as it was then and a check or dispute
  recorded after it does not appear. Progress notes come from the progress log up to the
  same moment.
- Agreements and provisions, and the names of organisations and people, are read as they
  are now: they are reference data that hardly ever change, and the report names them as the
  reader knows them today.
- The party filter selects provisions by their responsible party; every section then covers
  those provisions' milestones, checks and disputes, so the figures of the summary add up to
  the rows of the exports.
- "Overdue" is judged against the as-of day: open (not completed, not cancelled) and due
  before it.
- A milestone's slip is its due date less its baseline (the due date it was first planned
  with), in days, as of the as-of day: the history rows carry the baseline too. The
  "re-planned" section lists the milestones whose due date differs from their baseline.
- A provision's "latest check result" is its compliance state as the provision pages show
  it: the worst of the latest results of each criterion checked, so a later compliant check
  of one criterion does not hide an open non-compliance of another.
- Two editions (``ReportScope.edition``). The *restricted* edition holds everything and says
  so in the header of every format ("Restricted — task force only", on every PDF page). The
  *public* edition, the only one observers get, keeps the aggregate figures (per provision
  and in total: counts, implementation levels, compliance states, which count every record)
  and the milestones, but lists only public records: findings and their corrective actions,
  disputes, progress notes. The visibility read is the record's as of the report's moment
  (the history rows carry it), so a record made public later is not in an earlier report.

Every figure comes from SQL aggregates, in a fixed number of queries whatever the size of
the data. The exception sections keep their most serious `limit` rows with the total, which
is what the HTML preview and the PDF show: overdue milestones, the longest overdue first;
re-planned milestones, the largest slip first;
findings, non-compliant before partially compliant, major before minor before observation,
then the latest; disputes, open before closed, escalated first, then by response date. The
CSV and XLSX read every row through the iterators at the end of `ComplianceReport`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from django.db.models import (
    Avg,
    Case,
    Choices,
    Count,
    DateField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Round, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.core.display import labels
from tracker.core.filters import YES_NO
from tracker.core.models import (
    Agreement,
    Category,
    ImplementationLevel,
    Provision,
    ResponsibleParty,
    Visibility,
    localized_sql,
    translated_sql,
)
from tracker.disputes.models import CLOSED_DISPUTE_STATUSES, Dispute, DisputeStatus
from tracker.milestones.models import (
    CLOSED_STATUSES,
    ProgressUpdate,
    Schedule,
    Status,
    schedule_on,
)
from tracker.monitoring.models import (
    FINDING_RESULTS,
    CorrectiveAction,
    MonitoringCheck,
    Result,
    Severity,
)
from tracker.monitoring.queries import WORST_FIRST
from tracker.reports.history import Sources, end_of_day, live_sources, sources_at
from tracker.reports.models import Edition

# The preview and the PDF list at most this many rows per exception section.
SECTION_LIMIT = 200


def person(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


#: What the header of each format says of the edition; the restricted edition's words are
#: also its mark on every PDF page (static/css/report-pdf.css).
EDITION_MARKS = {
    Edition.RESTRICTED: gettext_lazy("Restricted — task force only"),
    Edition.PUBLIC: gettext_lazy("Public"),
}


@dataclass(frozen=True)
class ReportScope:
    """What the report covers: the filters a reader chose, and the edition."""

    agreement: Agreement | None
    party: str = ""
    category: str = ""
    as_of: datetime.date | None = None
    #: "restricted" (everything, for the task force) or "public" (public records only).
    edition: str = Edition.RESTRICTED

    @property
    def public(self) -> bool:
        return self.edition == Edition.PUBLIC

    @property
    def day(self) -> datetime.date:
        return self.as_of or timezone.localdate()

    @property
    def historical(self) -> bool:
        return self.as_of is not None and self.as_of < timezone.localdate()

    def sources(self) -> Sources:
        return sources_at(end_of_day(self.day)) if self.historical else live_sources()


@dataclass
class ProvisionSummary:
    id: int
    reference: str
    title: str
    category: str
    category_label: str
    responsible_party: str
    party_label: str
    level: int = 0
    level_label: str = ""
    percent: int = 0
    total: int = 0
    completed: int = 0
    verified: int = 0
    overdue: int = 0
    latest_result: str = ""
    latest_result_label: str = ""
    latest_checked_on: datetime.date | None = None
    open_actions: int = 0
    open_disputes: int = 0


@dataclass
class Totals:
    percent: int = 0
    total: int = 0
    completed: int = 0
    verified: int = 0
    overdue: int = 0
    open_actions: int = 0
    open_disputes: int = 0


@dataclass
class Section:
    """The first rows of an exception list and how many there are in all."""

    rows: list
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass
class OverdueMilestone:
    id: int
    provision_reference: str
    title: str
    party_label: str
    lead_organisation: str
    due_date: datetime.date
    days_overdue: int
    status: str
    status_label: str
    percent: int
    baseline_due: datetime.date
    slip_days: int


@dataclass
class ReplannedMilestone:
    id: int
    provision_reference: str
    title: str
    party_label: str
    baseline_due: datetime.date
    due_date: datetime.date
    slip_days: int
    status: str
    status_label: str


@dataclass
class ActionRow:
    description: str
    owner_label: str
    due_date: datetime.date | None
    state: str
    state_label: str
    overdue: bool


# The action columns of a check without any corrective action.
NO_ACTION = ActionRow(
    description="", owner_label="", due_date=None, state="", state_label="", overdue=False
)


@dataclass
class Finding:
    id: int
    provision_reference: str
    criterion: str
    checked_on: datetime.date
    result: str
    result_label: str
    severity: str
    severity_label: str
    finding: str
    open_actions: int
    actions: list[ActionRow] = field(default_factory=list)


@dataclass
class DisputeRow:
    id: int
    title: str
    raised_by_label: str
    responding_label: str
    raised_on: datetime.date
    response_due: datetime.date
    status: str
    status_label: str
    response_overdue: bool
    response_overdue_label: str
    resolved_on: datetime.date | None
    provisions: str
    resolution: str


class MilestoneRecord(NamedTuple):
    """One milestone of the CSV and the Milestones sheet, with its provision's figures."""

    provision: ProvisionSummary
    id: int
    title: str
    party_label: str
    organisation: str
    due_date: datetime.date
    baseline_due: datetime.date
    slip_days: int
    status_label: str
    percent: int
    completed_on: datetime.date | None
    schedule_label: str
    verified_label: str
    verified_on: datetime.date | None
    note: str


class CheckRecord(NamedTuple):
    """One corrective action of the Checks sheet (NO_ACTION for a check without one), with
    its check."""

    id: int
    checked_on: datetime.date
    provision_reference: str
    milestone: str
    criterion: str
    result_label: str
    severity_label: str
    finding: str
    monitor: str
    action: ActionRow


class ComplianceReport:
    """The report's content. Each part is computed when first read, so an export that needs
    only some parts (the CSV) runs only their queries."""

    def __init__(
        self,
        scope: ReportScope,
        generated_by: str,
        *,
        generated_at: datetime.datetime | None = None,
        limit: int | None = None,
        issue: str = "",
    ) -> None:
        self.scope = scope
        # An issued report's identity ("Issued report no. 3 ..."), written into its header.
        self.issue = issue
        self.generated_by = generated_by
        self.generated_at = generated_at or timezone.now()
        self.limit = limit or SECTION_LIMIT
        self.day = scope.day
        self.sources = scope.sources()
        self._labels: dict[type[Choices], dict[Any, str]] = {}

    def labels_of(self, choices: type[Choices]) -> dict[Any, str]:
        """The label of each code of a model's choices in the reader's language, looked up
        once per report (a lazy label costs microseconds each time it is read)."""
        found = self._labels.get(choices)
        if found is None:
            found = self._labels[choices] = labels(choices.choices)
        return found

    @cached_property
    def _yes_no(self) -> tuple[str, str]:
        words = labels(YES_NO)
        return words["yes"], words["no"]

    # --- Header -------------------------------------------------------------------------

    @property
    def agreement(self) -> Agreement | None:
        return self.scope.agreement

    @property
    def historical(self) -> bool:
        return self.scope.historical

    @property
    def public(self) -> bool:
        return self.scope.public

    @property
    def edition_label(self) -> str:
        return str(EDITION_MARKS[self.scope.edition])

    def _text(self, model: type, field: str):
        """A free text in the reader's language: its translation where one was added (by
        the report's moment, for a past date), the text as written otherwise."""
        before = end_of_day(self.day) if self.historical else None
        return translated_sql(model, field, before=before)

    def _actions_of(self, checks) -> QuerySet:
        return (
            self._listed(self.sources.actions)
            .filter(check_record_id__in=checks)
            .order_by("due_date", "id")
            .values(
                "check_record_id",
                "owner_party",
                "due_date",
                "state",
                shown_description=self._text(CorrectiveAction, "description"),
            )
        )

    def _listed(self, records: QuerySet) -> QuerySet:
        """The records an edition lists: public ones only in the public edition."""
        return records.filter(visibility=Visibility.PUBLIC) if self.public else records

    @property
    def filters(self) -> list[tuple[str, str]]:
        """The filters as a reader reads them, for the header of every format."""
        everything = _("All")
        agreement = self.agreement.display_title if self.agreement else everything
        return [
            (_("Agreement"), agreement),
            (
                _("Responsible party"),
                self.labels_of(ResponsibleParty).get(self.scope.party, everything),
            ),
            (_("Category"), self.labels_of(Category).get(self.scope.category, everything)),
        ]

    def header(self) -> list[tuple[str, str]]:
        """The header block as label/value pairs, for the CSV and the XLSX."""
        generated_at = timezone.localtime(self.generated_at)
        return [
            (_("Compliance report"), self.agreement.display_title if self.agreement else ""),
            (_("As of"), f"{self.day.isoformat()} ({_('end of day')})"),
            *self.filters,
            (_("Edition"), self.edition_label),
            (_("Generated at"), generated_at.strftime("%Y-%m-%d %H:%M %Z")),
            (_("Generated by"), self.generated_by),
            *([(_("Issue"), self.issue)] if self.issue else []),
        ]

    # --- The scope, as querysets --------------------------------------------------------

    @cached_property
    def _provisions(self) -> QuerySet[Provision]:
        if self.agreement is None:
            return Provision.objects.none()
        provisions = Provision.objects.filter(agreement=self.agreement)
        if self.scope.party:
            provisions = provisions.filter(responsible_party=self.scope.party)
        if self.scope.category:
            provisions = provisions.filter(category=self.scope.category)
        return provisions.order_by("reference")

    @property
    def _provision_ids(self) -> QuerySet:
        return self._provisions.values("id")

    @property
    def _milestones(self) -> QuerySet:
        return self.sources.milestones.filter(provision_id__in=self._provision_ids)

    @property
    def _checks(self) -> QuerySet:
        return self.sources.checks.filter(provision_id__in=self._provision_ids)

    @property
    def _disputes(self) -> QuerySet:
        if self.agreement is None:
            return self.sources.disputes.none()
        disputes = self.sources.disputes.filter(agreement_id=self.agreement.pk)
        if self.scope.party or self.scope.category:
            concerning = self.sources.dispute_links(disputes).filter(
                provision_id__in=self._provision_ids
            )
            disputes = disputes.filter(id__in=concerning.values("dispute_id"))
        return disputes

    # --- Per provision ------------------------------------------------------------------

    @cached_property
    def provisions(self) -> list[ProvisionSummary]:
        categories, parties = self.labels_of(Category), self.labels_of(ResponsibleParty)
        levels, results = self.labels_of(ImplementationLevel), self.labels_of(Result)
        rows = {
            provision.id: ProvisionSummary(
                id=provision.id,
                reference=provision.reference,
                title=provision.display_title,
                category=provision.category,
                category_label=categories.get(provision.category, provision.category),
                responsible_party=provision.responsible_party,
                party_label=parties.get(provision.responsible_party, ""),
                level_label=levels[ImplementationLevel.NOT_INITIATED],
            )
            for provision in self._provisions.only(
                "id", "reference", "title", "title_uk", "category", "responsible_party"
            )
        }
        for figures in self._milestone_figures:
            row = rows[figures["provision_id"]]
            row.total = figures["total"]
            row.completed = figures["completed"]
            row.verified = figures["verified"]
            row.overdue = figures["overdue"]
            row.percent = round(figures["progress"])
            row.level = figures["level"]
            row.level_label = levels[row.level]
        for provision_id, (result, checked_on) in self._compliance_states().items():
            row = rows[provision_id]
            row.latest_result = result
            row.latest_result_label = results.get(result, "")
            row.latest_checked_on = checked_on
        for provision_id, count in self._open_actions_per_provision().items():
            rows[provision_id].open_actions = count
        for figures in self._open_disputes_per_provision():
            rows[figures["provision_id"]].open_disputes = figures["n"]
        return list(rows.values())

    @cached_property
    def _milestone_figures(self) -> list[dict[str, Any]]:
        open_ = ~Q(status__in=CLOSED_STATUSES)
        return list(
            self._milestones.values("provision_id")
            .annotate(
                total=Count("id"),
                completed=Count("id", filter=Q(status=Status.COMPLETED)),
                verified=Count("id", filter=Q(status=Status.COMPLETED, verified_at__isnull=False)),
                overdue=Count("id", filter=open_ & Q(due_date__lt=self.day)),
                counted=Count("id", filter=~Q(status=Status.CANCELLED)),
                raw=Avg(
                    "percent_complete",
                    filter=~Q(status=Status.CANCELLED),
                    output_field=FloatField(),
                ),
            )
            # The level as provision pages show it (milestones.queries.with_progress):
            # from the rounded average progress of the milestones that are not cancelled.
            .annotate(progress=Coalesce(Round(F("raw"), output_field=FloatField()), Value(0.0)))
            .annotate(level=ImplementationLevel.expression("progress"))
            .order_by()
        )

    def _compliance_states(self) -> dict[int, tuple[str, datetime.date]]:
        """Per provision: the worst of the latest results of its criteria (the compliance
        state the provision pages show, monitoring.queries.WORST_FIRST) and the date of its
        latest check. One query returns the latest check of each criterion; picking the
        worst of a provision's few criteria is then a lookup."""
        latest_of_criterion = (
            self._checks.annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("provision_id"), F("criterion")],
                    order_by=[F("checked_on").desc(), F("id").desc()],
                )
            )
            .filter(position=1)
            .values_list("provision_id", "result", "checked_on")
        )
        rank = {result: index for index, result in enumerate(WORST_FIRST)}
        states: dict[int, tuple[str, datetime.date]] = {}
        for provision_id, result, checked_on in latest_of_criterion:
            worst, last = states.get(provision_id, (result, checked_on))
            if rank.get(result, len(rank)) < rank.get(worst, len(rank)):
                worst = result
            states[provision_id] = (worst, max(last, checked_on))
        return states

    def _open_actions_per_provision(self) -> dict[int, int]:
        """Open corrective actions per provision, through their checks.

        Two grouped queries (actions per check, the provision of each such check) merged
        here: a correlated subquery from one history table into the other would re-rank the
        whole history for every action.
        """
        open_actions = self.sources.actions.filter(state=CorrectiveAction.State.OPEN)
        per_check = dict(
            open_actions.filter(check_record_id__in=self._checks.values("id"))
            .values("check_record_id")
            .annotate(n=Count("id"))
            .values_list("check_record_id", "n")
        )
        per_provision: dict[int, int] = defaultdict(int)
        for check_id, provision_id in self._checks.filter(
            id__in=open_actions.values("check_record_id")
        ).values_list("id", "provision_id"):
            per_provision[provision_id] += per_check.get(check_id, 0)
        return per_provision

    def _open_disputes_per_provision(self) -> QuerySet:
        open_disputes = self._disputes.exclude(status__in=CLOSED_DISPUTE_STATUSES)
        return (
            self.sources.dispute_links(open_disputes)
            .filter(provision_id__in=self._provision_ids)
            .values("provision_id")
            .annotate(n=Count("dispute_id", distinct=True))
            .order_by()
        )

    @cached_property
    def totals(self) -> Totals:
        provisions = self.provisions
        # Weighted by milestone, as if every milestone of the scope were one provision's.
        figures = self._milestone_figures
        counted = sum(row["counted"] for row in figures)
        progress = sum(row["counted"] * (row["raw"] or 0.0) for row in figures)
        return Totals(
            percent=int(progress / counted + 0.5) if counted else 0,
            total=sum(row.total for row in provisions),
            completed=sum(row.completed for row in provisions),
            verified=sum(row.verified for row in provisions),
            overdue=sum(row.overdue for row in provisions),
            open_actions=sum(row.open_actions for row in provisions),
            # A dispute about two provisions counts once.
            open_disputes=self._disputes.exclude(status__in=CLOSED_DISPUTE_STATUSES).count(),
        )

    # --- Exception sections -------------------------------------------------------------

    @cached_property
    def overdue(self) -> Section:
        overdue = self._milestones.exclude(status__in=CLOSED_STATUSES).filter(due_date__lt=self.day)
        rows = overdue.order_by("due_date", "provision__reference", "id").values(
            "id",
            "responsible_party",
            "due_date",
            "baseline_due",
            "status",
            "percent_complete",
            "provision__reference",
            shown_title=localized_sql("title"),
            organisation=localized_sql("lead_organisation__name"),
        )[: self.limit]
        parties, statuses = self.labels_of(ResponsibleParty), self.labels_of(Status)
        return Section(
            rows=[
                OverdueMilestone(
                    id=row["id"],
                    provision_reference=row["provision__reference"],
                    title=row["shown_title"],
                    party_label=parties.get(row["responsible_party"], ""),
                    lead_organisation=row["organisation"],
                    due_date=row["due_date"],
                    days_overdue=(self.day - row["due_date"]).days,
                    status=row["status"],
                    status_label=statuses.get(row["status"], ""),
                    percent=row["percent_complete"],
                    baseline_due=row["baseline_due"],
                    slip_days=(row["due_date"] - row["baseline_due"]).days,
                )
                for row in rows
            ],
            # The summary already counted them per provision: no second pass over the table.
            total=sum(row.overdue for row in self.provisions),
        )

    @cached_property
    def replanned(self) -> Section:
        """Milestones whose due date was moved from their baseline, the largest slip first
        (a date brought forward counts as a negative slip, last)."""
        moved = self._milestones.exclude(due_date=F("baseline_due"))
        rows = moved.order_by(
            (F("due_date") - F("baseline_due")).desc(), "provision__reference", "id"
        ).values(
            "id",
            "responsible_party",
            "due_date",
            "baseline_due",
            "status",
            "provision__reference",
            shown_title=localized_sql("title"),
        )[: self.limit]
        parties, statuses = self.labels_of(ResponsibleParty), self.labels_of(Status)
        return Section(
            rows=[
                ReplannedMilestone(
                    id=row["id"],
                    provision_reference=row["provision__reference"],
                    title=row["shown_title"],
                    party_label=parties.get(row["responsible_party"], ""),
                    baseline_due=row["baseline_due"],
                    due_date=row["due_date"],
                    slip_days=(row["due_date"] - row["baseline_due"]).days,
                    status=row["status"],
                    status_label=statuses.get(row["status"], ""),
                )
                for row in rows
            ],
            total=moved.count(),
        )

    @cached_property
    def findings(self) -> Section:
        findings = self._listed(self._checks).filter(result__in=FINDING_RESULTS)
        ranked = findings.annotate(
            result_rank=Case(
                When(result=Result.NON_COMPLIANT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            severity_rank=Case(
                When(severity=Severity.MAJOR, then=Value(0)),
                When(severity=Severity.MINOR, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        ).order_by("result_rank", "severity_rank", "-checked_on", "-id")
        rows = list(
            ranked.values(
                "id",
                "provision__reference",
                "checked_on",
                "result",
                "severity",
                shown_finding=self._text(MonitoringCheck, "finding"),
                shown_criterion=localized_sql("criterion"),
            )[: self.limit]
        )
        results, severities = self.labels_of(Result), self.labels_of(Severity)
        actions: dict[int, list[ActionRow]] = defaultdict(list)
        if rows:
            for action in self._actions_of([row["id"] for row in rows]):
                actions[action["check_record_id"]].append(self._action_row(action))
        return Section(
            rows=[
                Finding(
                    id=row["id"],
                    provision_reference=row["provision__reference"],
                    criterion=row["shown_criterion"],
                    checked_on=row["checked_on"],
                    result=row["result"],
                    result_label=results.get(row["result"], ""),
                    severity=row["severity"],
                    severity_label=severities.get(row["severity"], ""),
                    finding=row["shown_finding"],
                    open_actions=sum(
                        action.state == CorrectiveAction.State.OPEN
                        for action in actions.get(row["id"], [])
                    ),
                    actions=actions.get(row["id"], []),
                )
                for row in rows
            ],
            total=findings.count(),
        )

    def _action_row(self, action: dict[str, Any]) -> ActionRow:
        open_ = action["state"] == CorrectiveAction.State.OPEN
        return ActionRow(
            description=action["shown_description"],
            owner_label=self.labels_of(ResponsibleParty).get(action["owner_party"], ""),
            due_date=action["due_date"],
            state=action["state"],
            state_label=self.labels_of(CorrectiveAction.State).get(action["state"], ""),
            overdue=open_ and action["due_date"] < self.day,
        )

    @cached_property
    def disputes(self) -> Section:
        disputes = self._listed(self._disputes)
        ranked = disputes.annotate(
            closed=Case(
                When(status__in=CLOSED_DISPUTE_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            escalated=Case(
                When(status=DisputeStatus.ESCALATED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        ).order_by("closed", "escalated", "response_due", "-raised_on", "-id")
        rows = list(
            ranked.values(*DISPUTE_FIELDS, shown_title=self._text(Dispute, "title"))[: self.limit]
        )
        references = self._dispute_references(disputes.filter(id__in=[row["id"] for row in rows]))
        return Section(
            rows=[self._dispute_row(row, references) for row in rows],
            total=disputes.count(),
        )

    def _dispute_references(self, disputes: QuerySet) -> dict[int, str]:
        references: dict[int, list[str]] = defaultdict(list)
        links = (
            self.sources.dispute_links(disputes)
            .order_by("provision__reference")
            .values_list("dispute_id", "provision__reference")
        )
        for dispute_id, reference in links:
            references[dispute_id].append(reference)
        return {dispute_id: ", ".join(refs) for dispute_id, refs in references.items()}

    def _dispute_row(self, row: dict[str, Any], references: dict[int, str]) -> DisputeRow:
        parties, statuses = self.labels_of(ResponsibleParty), self.labels_of(DisputeStatus)
        yes, no = self._yes_no
        # The response is owed until the responding party acknowledges.
        response_overdue = row["status"] == DisputeStatus.RAISED and row["response_due"] < self.day
        return DisputeRow(
            id=row["id"],
            title=row["shown_title"],
            raised_by_label=parties.get(row["raised_by_party"], ""),
            responding_label=parties.get(row["responding_party"], ""),
            raised_on=row["raised_on"],
            response_due=row["response_due"],
            status=row["status"],
            status_label=statuses.get(row["status"], ""),
            response_overdue=response_overdue,
            response_overdue_label=yes if response_overdue else no,
            resolved_on=row["resolved_on"],
            provisions=references.get(row["id"], ""),
            resolution=row["resolution"],
        )

    # --- Every row, for the spreadsheet exports (tracker/reports/tables.py) --------------

    def milestone_records(self, chunk_size: int = 2000) -> Iterator[MilestoneRecord]:
        """One record per milestone, in report order, with its provision's figures.

        At tens of thousands of rows the per-row work is what takes the time: the database
        picks the language of each text, and this loop does only lookups.
        """
        rows = (
            self._milestones.annotate(latest_note=Subquery(self._latest_note()))
            .order_by("provision__reference", "due_date", "id")
            .values_list(
                "provision_id",
                "id",
                localized_sql("title"),
                "responsible_party",
                localized_sql("lead_organisation__name"),
                "due_date",
                # Only where it differs from the due date: most milestones keep their
                # baseline, and a date read back costs more than the rest of its row.
                Case(
                    When(baseline_due=F("due_date"), then=Value(None)),
                    default=F("baseline_due"),
                    output_field=DateField(),
                ),
                "status",
                "percent_complete",
                "completed_on",
                "verified_at",
                "latest_note",
            )
        )
        provisions = {row.id: row for row in self.provisions}
        parties, statuses = self.labels_of(ResponsibleParty), self.labels_of(Status)
        schedules = self.labels_of(Schedule)
        yes, no = self._yes_no
        day, zone = self.day, timezone.get_current_timezone()
        for (
            provision_id,
            milestone_id,
            title,
            party,
            organisation,
            due_date,
            moved_from,
            status,
            percent,
            completed_on,
            verified_at,
            note,
        ) in rows.iterator(chunk_size=chunk_size):
            yield MilestoneRecord(
                provisions[provision_id],
                milestone_id,
                title,
                parties.get(party, party),
                organisation,
                due_date,
                moved_from or due_date,
                (due_date - moved_from).days if moved_from else 0,
                statuses.get(status, status),
                percent,
                completed_on,
                schedules[schedule_on(day, status, due_date, completed_on)],
                yes if verified_at else no,
                verified_at.astimezone(zone).date() if verified_at else None,
                note or "",
            )

    def _latest_note(self) -> QuerySet:
        """The note of a milestone's latest progress entry up to the report's moment.

        A correlated subquery of the milestone query: with the log's index on (milestone,
        -created_at, -id) it is one index probe per milestone (docs/performance.md has the
        alternatives measured). The id breaks ties between entries of the same instant.
        """
        notes = self._listed(ProgressUpdate.objects.filter(milestone_id=OuterRef("id")))
        if self.historical:
            notes = notes.filter(created_at__lt=end_of_day(self.day))
        return notes.order_by("-created_at", "-id").values(
            shown_note=self._text(ProgressUpdate, "note")
        )[:1]

    def check_records(self, chunk_size: int = 2000) -> Iterator[CheckRecord]:
        """One record per corrective action, the check's columns first; a check without any
        action has one record, its action NO_ACTION."""
        actions: dict[int, list[ActionRow]] = defaultdict(list)
        checks = self._listed(self._checks)
        for action in self._actions_of(checks.values("id")).iterator(chunk_size=chunk_size):
            actions[action["check_record_id"]].append(self._action_row(action))
        checks = (
            checks.order_by("provision__reference", "-checked_on", "-id")
            .values_list(
                "id",
                "checked_on",
                "provision__reference",
                localized_sql("milestone__title"),
                localized_sql("criterion"),
                "result",
                "severity",
                self._text(MonitoringCheck, "finding"),
                "monitor__first_name",
                "monitor__last_name",
                "monitor__username",
            )
            .iterator(chunk_size=chunk_size)
        )
        results, severities = self.labels_of(Result), self.labels_of(Severity)
        for (
            check_id,
            checked_on,
            reference,
            milestone,
            criterion,
            result,
            severity,
            finding,
            first,
            last,
            username,
        ) in checks:
            check = (
                check_id,
                checked_on,
                reference,
                milestone,
                criterion,
                results.get(result, result),
                severities.get(severity, ""),
                finding,
                person(first, last, username),
            )
            for action in actions.get(check_id) or [NO_ACTION]:
                yield CheckRecord(*check, action)

    def dispute_records(self) -> Iterator[DisputeRow]:
        disputes = self._listed(self._disputes)
        references = self._dispute_references(disputes)
        rows = disputes.order_by("-raised_on", "-id").values(
            *DISPUTE_FIELDS, shown_title=self._text(Dispute, "title")
        )
        for row in rows.iterator(chunk_size=2000):
            yield self._dispute_row(row, references)


DISPUTE_FIELDS = (
    "id",
    "raised_by_party",
    "responding_party",
    "raised_on",
    "response_due",
    "status",
    "resolved_on",
    "resolution",
)
