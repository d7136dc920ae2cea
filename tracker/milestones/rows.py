"""The shared milestone row: the values it shows, ready for the row partial to draw.

The row lives in ``milestones/milestone_list.html#row``; the milestone list and the provision
page render it with the same inline update form, and the update views re-render it alone.
What every row of a page shares (translated words, a badge per status and schedule, the CSRF
token, the page to return to) is prepared once a page in `RowPage`; each `MilestoneRow` adds
its milestone, the badges and URLs picked for it, whether the person may update it, and what
a refused update left. A page has fifty rows, so the template's work per row is kept to
printing these values (docs/performance.md has the measurements).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import urlsplit

from django.http import HttpRequest, QueryDict
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from tracker.accounts.permissions import can_update_milestone
from tracker.core.display import labels
from tracker.core.models import ResponsibleParty
from tracker.core.templatetags.tracker import badge, display_date
from tracker.core.workspace import PARAM
from tracker.milestones.filters import MilestoneFilter
from tracker.milestones.models import Milestone, Schedule, Status
from tracker.milestones.queries import StatusCounts, status_counts
from tracker.milestones.templatetags.milestones import milestone_url


@dataclass(frozen=True)
class RowState:
    """What an inline update left on its row: saved, or refused with the person's input."""

    saved: bool = False
    input: Mapping[str, str] | None = None
    errors: tuple[str, ...] = ()
    error_fields: tuple[str, ...] = ()
    conflict: dict | None = None


STATUS_OPTIONS = "milestones/milestone_list.html#status_options"


class RowPage:
    """Everything the rows of one page share, looked up and translated once."""

    def __init__(self, request: HttpRequest, next_url: str) -> None:
        self.user = request.user
        self.today = timezone.localdate()
        self.csrf_token = get_token(request)
        self.next_url = next_url
        self.parties = labels(ResponsibleParty.choices)
        self.status_choices = list(labels(Status.choices).items())
        self._status_options: dict[str, str] = {}
        # A badge depends only on its code and the language: each is drawn once a page.
        self.schedule_badges = _badges(Schedule.choices)
        self.status_badges = _badges(Status.choices)
        self.verified = badge("verified", gettext("Verified"))
        self.awaiting = badge("awaiting", gettext("Awaiting verification"))
        self.status_label = gettext("Status")
        self.percent_label = gettext("Percent complete")
        self.note_label = gettext("Note")
        self.note_placeholder = gettext("Short note")
        self.save_label = gettext("Save")
        self.view_only = gettext("View only")
        self.shared = {
            # On a phone each row is a card: every value is named by its column's heading
            # (the same words as the sort headers of tracker.milestones.filters).
            "party_heading": gettext("Party"),
            "lead_heading": gettext("Lead organisation"),
            "due_heading": gettext("Due"),
            "status_heading": gettext("Status"),
            "percent_heading": gettext("Progress"),
            "update_heading": gettext("Record progress"),
            # Whether the page shows the "Record progress" column: set by build_rows.
            "update_column": True,
            "csrf_token": self.csrf_token,
            "next_url": self.next_url,
            "status_label": self.status_label,
            "percent_label": self.percent_label,
            "note_label": self.note_label,
            "note_placeholder": self.note_placeholder,
            "save_label": self.save_label,
            "view_only": self.view_only,
        }

    def status_options(self, selected: str) -> str:
        """The <option>s of a row's status select, drawn once a page for each selected value
        rather than once a row."""
        if selected not in self._status_options:
            self._status_options[selected] = get_template(STATUS_OPTIONS).render(
                {"choices": self.status_choices, "selected": selected}
            )
        return self._status_options[selected]


def _badges(choices: list[tuple[str, str]]) -> dict[str, str]:
    return {code: badge(code, label) for code, label in choices}


class MilestoneRow(TypedDict):
    """One row's values; numbers are strings, printed as they are in every language.

    A dict rather than an object: the template engine looks a variable up as a key first, so
    each of a row's forty-odd lookups succeeds at once (docs/performance.md).
    """

    milestone: Milestone
    page: dict[str, str]  # the words and values every row of the page shares
    pk: str
    css: str
    detail_url: str
    # The cells' text, read here once so each cell is one lookup, not a chain through the
    # milestone's relations.
    title: str
    reference: str
    organisation: str
    due: str  # the due date's <time> element
    party: str
    schedule: str  # the schedule's badge
    status: str  # the status's badge
    verification: str  # a completed milestone's verified/awaiting badge, else empty
    percent: str
    # The inline form: its URL when the person may update the milestone, else empty.
    update_url: str
    version: str
    # What the form shows: the person's refused input, else the milestone's own values.
    status_options: str
    entered_percent: str
    entered_note: str
    status_invalid: bool
    percent_invalid: bool
    note_invalid: bool
    errors: tuple[str, ...]
    conflict: dict | None


def _row(page: RowPage, milestone: Milestone, state: RowState) -> MilestoneRow:
    pk = str(milestone.pk)
    percent = str(milestone.percent_complete)
    verification = ""
    if milestone.status == Status.COMPLETED:
        verification = page.verified if milestone.verified_at else page.awaiting
    may_update = can_update_milestone(page.user, milestone)
    entered = state.input if state.input is not None else {"percent_complete": percent}
    css = (" row-saved" if state.saved else "") + (" row-has-error" if state.errors else "")
    return MilestoneRow(
        milestone=milestone,
        page=page.shared,
        pk=pk,
        css=css,
        detail_url=milestone_url(pk, "detail"),
        title=milestone.display_title,
        reference=milestone.provision.reference,
        organisation=str(milestone.lead_organisation or "—"),
        due=display_date(milestone.due_date),
        party=page.parties[milestone.responsible_party],
        schedule=page.schedule_badges[milestone.schedule(page.today)],
        status=page.status_badges[milestone.status],
        verification=verification,
        percent=percent,
        update_url=milestone_url(pk, "update") if may_update else "",
        version=str(milestone.version),
        status_options=page.status_options(entered.get("status") or milestone.status),
        entered_percent=entered.get("percent_complete", ""),
        entered_note=entered.get("note", ""),
        status_invalid="status" in state.error_fields,
        percent_invalid="percent_complete" in state.error_fields,
        note_invalid="note" in state.error_fields,
        errors=state.errors,
        conflict=state.conflict,
    )


def build_rows(
    request: HttpRequest,
    milestones: Iterable[Milestone],
    next_url: str,
    state: RowState | None = None,
) -> list[MilestoneRow]:
    """The rows of `milestones` for the person asking, in their language.

    `next_url` is the page the rows are on: a plain (no-JavaScript) inline update returns
    there, and an htmx one refreshes that page's counters.
    """
    page = RowPage(request, next_url)
    state = state or RowState()
    rows = [_row(page, milestone, state) for milestone in milestones]
    page.shared["update_column"] = has_update_column(rows)
    return rows


def has_update_column(rows: Iterable[MilestoneRow]) -> bool:
    """Whether a page of rows shows the "Record progress" column: only when its reader may
    update at least one of them (or a refused update has something to say). An observer's
    page would otherwise be a column of "View only". Decided from what `_row` already asked
    the permission predicate, so it costs no query."""
    return any(row["update_url"] or row["errors"] or row["conflict"] for row in rows)


def safe_next(request: HttpRequest) -> str:
    """The posted `next` if it is a path on this site, else an empty string."""
    candidate = request.POST.get("next", "")
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def counters_for(request: HttpRequest, page_url: str) -> tuple[StatusCounts | None, bool]:
    """The counters of the page a row was updated on, and whether they count filter matches.

    The row form carries its page's URL, so an inline update refreshes the counters for exactly
    what that page shows: the filtered list, or one provision's milestones.
    """
    if not page_url:
        return None, False
    parts = urlsplit(page_url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None, False
    if match.view_name == "milestones:list":
        query = QueryDict(parts.query)
        # The list names its agreement in its URL whenever the tracker holds several.
        milestone_filter = MilestoneFilter(
            query,
            queryset=Milestone.objects.all(),
            request=request,
            agreement=query.get(PARAM) or None,
        )
        return status_counts(milestone_filter.qs), True
    if match.view_name == "provision_detail":
        return status_counts(Milestone.objects.filter(provision_id=match.kwargs["pk"])), False
    return None, False
