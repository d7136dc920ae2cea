"""The tables of the spreadsheet exports, each one list of columns.

A column holds its heading and the attribute of a row record that fills it, side by side, so
a heading cannot drift away from its values. The CSV and the XLSX Milestones sheet share the
milestone's own columns; the CSV puts its provision's figures before them, the sheet only the
provision's reference (the Summary sheet holds the figures once per provision).

Row records come from tracker.reports.builder: ProvisionSummary (Summary, the CSV's
provision figures), MilestoneRecord (CSV, Milestones), CheckRecord (Checks) and DisputeRow
(Disputes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    heading: str | Promise
    # The attribute of a row record that fills the column; dotted for a related record.
    value: str
    # Width in characters in the XLSX; None leaves the spreadsheet's default.
    width: int | None = None


class Table:
    def __init__(self, *columns: Column) -> None:
        self.columns = columns
        # One call reads a whole row: attrgetter of several names returns a tuple (of one
        # name, the bare value).
        read = attrgetter(*(column.value for column in columns))
        self._values = read if len(columns) > 1 else lambda record: (read(record),)

    def headings(self) -> list[str]:
        """The headings in the active language."""
        return [str(column.heading) for column in self.columns]

    def values(self, record: Any) -> tuple:
        return self._values(record)

    def rows(self, records: Iterable[Any]) -> Iterator[tuple]:
        return map(self._values, records)


# A milestone's own columns (MilestoneRecord), in the CSV and on the Milestones sheet.
MILESTONE_COLUMNS = (
    Column(_("Milestone ID"), "id"),
    Column(_("Milestone"), "title", width=48),
    Column(_("Responsible party"), "party_label"),
    Column(_("Lead organisation"), "organisation", width=32),
    Column(_("Due date"), "due_date"),
    Column(_("Status"), "status_label"),
    Column(_("Percent complete"), "percent"),
    Column(_("Completed on"), "completed_on"),
    Column(_("Schedule"), "schedule_label"),
    Column(_("Verified"), "verified_label"),
    Column(_("Verified on"), "verified_on"),
    # The re-planning: the first planned due date and how far the due date has moved since.
    Column(_("Baseline due"), "baseline_due"),
    Column(_("Days of slip"), "slip_days"),
    Column(_("Latest progress note"), "note", width=60),
)

# The CSV's row of a milestone: its provision's figures (ProvisionSummary), so that one file
# stands alone, then the milestone's own columns.
CSV_PROVISION_FIGURES = Table(
    Column(_("Provision"), "reference"),
    Column(_("Provision title"), "title"),
    Column(_("Category"), "category_label"),
    Column(_("Provision responsible party"), "party_label"),
    Column(_("Implementation level (0–3)"), "level"),
    Column(_("Implementation %"), "percent"),
    Column(_("Provision milestones"), "total"),
    Column(_("Provision milestones completed"), "completed"),
    Column(_("Provision milestones verified"), "verified"),
    Column(_("Provision milestones overdue"), "overdue"),
    Column(_("Latest check result"), "latest_result_label"),
    Column(_("Open corrective actions"), "open_actions"),
    Column(_("Open disputes"), "open_disputes"),
)
CSV_MILESTONE = Table(*MILESTONE_COLUMNS)

MILESTONES_SHEET = Table(Column(_("Provision"), "provision.reference"), *MILESTONE_COLUMNS)

SUMMARY_SHEET = Table(
    Column(_("Provision"), "reference", width=12),
    Column(_("Title"), "title", width=48),
    Column(_("Category"), "category_label", width=28),
    Column(_("Responsible party"), "party_label", width=18),
    Column(_("Implementation level (0–3)"), "level"),
    Column(_("Implementation level"), "level_label"),
    Column(_("Implementation %"), "percent"),
    Column(_("Milestones"), "total"),
    Column(_("Completed"), "completed"),
    Column(_("Verified"), "verified"),
    Column(_("Overdue"), "overdue"),
    Column(_("Latest check result"), "latest_result_label"),
    Column(_("Latest check on"), "latest_checked_on"),
    Column(_("Open corrective actions"), "open_actions"),
    Column(_("Open disputes"), "open_disputes"),
)

# One row per corrective action, the check's columns first (CheckRecord).
CHECKS_SHEET = Table(
    Column(_("Check ID"), "id"),
    Column(_("Checked on"), "checked_on"),
    Column(_("Provision"), "provision_reference"),
    Column(_("Milestone"), "milestone"),
    Column(_("Criterion"), "criterion", width=40),
    Column(_("Result"), "result_label"),
    Column(_("Severity"), "severity_label"),
    Column(_("Finding"), "finding", width=48),
    Column(_("Monitor"), "monitor"),
    Column(_("Corrective action"), "action.description", width=48),
    Column(_("Action owner"), "action.owner_label"),
    Column(_("Action due"), "action.due_date"),
    Column(_("Action state"), "action.state_label"),
)

DISPUTES_SHEET = Table(
    Column(_("Dispute ID"), "id"),
    Column(_("Title"), "title", width=48),
    Column(_("Provisions"), "provisions"),
    Column(_("Raised by"), "raised_by_label"),
    Column(_("Responding party"), "responding_label"),
    Column(_("Raised on"), "raised_on"),
    Column(_("Response due"), "response_due"),
    Column(_("Response overdue"), "response_overdue_label"),
    Column(_("Status"), "status_label"),
    Column(_("Resolved on"), "resolved_on"),
    Column(_("Resolution"), "resolution", width=48),
)
