"""The shared milestone row: what it shows, computed in Python, placed by the template.

The row lives in ``milestones/milestone_list.html#row``; the milestone list and the provision
page render it with the same inline update form, and the update views re-render it alone.

A page shows fifty rows, and the template engine's cost per variable, tag and translation,
multiplied by fifty, was most of the list's time (docs/performance.md). So the row's cells
and form are built here from two HTML format strings, with its words translated once per
page, and the partial places them; _html() escapes every value as the template would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from urllib.parse import urlsplit

from django.http import HttpRequest, QueryDict
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from tracker.accounts.permissions import can_update_milestone
from tracker.core.display import labels
from tracker.core.models import ResponsibleParty
from tracker.core.templatetags.tracker import badge, display_date
from tracker.milestones.filters import MilestoneFilter
from tracker.milestones.models import Milestone, Schedule, Status
from tracker.milestones.queries import StatusCounts, status_counts
from tracker.milestones.templatetags.milestones import milestone_url

# The row's cells and its inline form. The row partial (milestone_list.html#row) places them
# and holds what is rare (the alert of a refused update); the rest is built here because a
# page has fifty rows and each template variable costs about as much as a whole line below.
_CELLS = """<td class="cell-title">
            <a href="{detail_url}">{title}</a>
            <span class="row-meta">{reference}</span>
          </td>
          <td>{party}</td>
          <td>{organisation}</td>
          <td class="cell-due">{due} {schedule}</td>
          <td class="cell-status">{status}</td>
          <td class="num cell-percent">{percent} %</td>"""

_FORM = """<form class="row-form" method="post" action="{url}" hx-post="{url}" \
hx-target="closest tr" hx-swap="outerHTML">
              <input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token}">
              <input type="hidden" name="version" value="{version}">
              <input type="hidden" name="next" value="{next_url}">
              <label class="visually-hidden" for="ms-{pk}-status">{status_label}</label>
              <select id="ms-{pk}-status" name="status"{status_invalid}>{options}</select>
              <label class="visually-hidden" for="ms-{pk}-percent">{percent_label}</label>
              <input id="ms-{pk}-percent" type="number" name="percent_complete" min="0" \
max="100" step="1" inputmode="numeric" value="{percent}"{percent_invalid}>
              <label class="visually-hidden" for="ms-{pk}-note">{note_label}</label>
              <input id="ms-{pk}-note" type="text" name="note" maxlength="2000" value="{note}" \
placeholder="{note_placeholder}"{note_invalid}>
              <button type="submit">{save}<span class="visually-hidden"> {title}</span></button>
            </form>"""

_VIEW_ONLY = '<span class="muted">{label}</span>'
_INVALID = mark_safe(' aria-invalid="true"')


@dataclass(frozen=True)
class RowState:
    """What an inline update left on its row: saved, or refused with the person's input."""

    saved: bool = False
    input: Mapping[str, str] | None = None
    errors: tuple[str, ...] = ()
    error_fields: tuple[str, ...] = ()
    conflict: dict | None = None


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    pk: str  # a string once: a number printed by a template goes through localisation
    css: str
    cells: SafeString
    update: SafeString  # the inline form, "view only", or nothing beside an alert
    percent: str
    errors: tuple[str, ...] = ()
    conflict: dict | None = None


class _Page:
    """Everything the rows of one page share, looked up and translated once."""

    def __init__(self, request: HttpRequest, next_url: str) -> None:
        self.user = request.user
        self.today = timezone.localdate()
        self.csrf_token = get_token(request)
        self.next_url = next_url
        self.language = get_language() or ""
        self.parties = labels(ResponsibleParty.choices)
        # Badges depend only on the code and the language: each built once a page.
        self.schedule_badges = _badges(Schedule.choices)
        self.status_badges = _badges(Status.choices)
        self.verified = badge("verified", gettext("Verified"))
        self.awaiting = badge("awaiting", gettext("Awaiting verification"))
        self.form_labels = {
            "status_label": gettext("Status"),
            "percent_label": gettext("Percent complete"),
            "note_label": gettext("Note"),
            "note_placeholder": gettext("Short note"),
            "save": gettext("Save"),
        }
        self.view_only = _html(_VIEW_ONLY, label=gettext("View only"))


def _html(template: str, **values: object) -> SafeString:
    """format_html's escaping (safe strings as they are, the rest through html.escape) at a
    third of its cost: format_html checks each argument for lazy strings first."""
    return mark_safe(
        template.format(
            **{
                name: value.__html__() if hasattr(value, "__html__") else escape(str(value))
                for name, value in values.items()
            }
        )
    )


# The <option>s of the row's status select depend only on the language and the selected
# status. Bounded: the selected value can come from a submitted form.
@lru_cache(maxsize=64)
def _status_options(language: str, selected: str) -> SafeString:
    return mark_safe(
        "".join(
            f'<option value="{code}"{" selected" if code == selected else ""}>'
            f"{escape(str(label))}</option>"
            for code, label in Status.choices
        )
    )


def _badges(choices: list[tuple[str, str]]) -> dict[str, SafeString]:
    return {code: badge(code, label) for code, label in choices}


def _status_badges(page: _Page, milestone: Milestone) -> SafeString:
    html = page.status_badges[milestone.status]
    if milestone.status != Status.COMPLETED:
        return html
    return mark_safe(f"{html} {page.verified if milestone.verified_at else page.awaiting}")


def _row(page: _Page, milestone: Milestone, state: RowState) -> MilestoneRow:
    pk = str(milestone.pk)
    percent = str(milestone.percent_complete)
    title = milestone.display_title
    cells = _html(
        _CELLS,
        detail_url=milestone_url(pk, "detail"),
        title=title,
        reference=milestone.provision.reference,
        party=page.parties[milestone.responsible_party],
        organisation=str(milestone.lead_organisation or "—"),
        due=display_date(milestone.due_date),
        schedule=page.schedule_badges[milestone.schedule(page.today)],
        status=_status_badges(page, milestone),
        percent=percent,
    )
    if can_update_milestone(page.user, milestone):
        entered = state.input if state.input is not None else {"percent_complete": percent}
        invalid = state.error_fields
        update = _html(
            _FORM,
            url=milestone_url(pk, "update"),
            csrf_token=page.csrf_token,
            version=str(milestone.version),
            next_url=page.next_url,
            pk=pk,
            options=_status_options(page.language, entered.get("status") or milestone.status),
            status_invalid=_INVALID if "status" in invalid else "",
            percent=entered.get("percent_complete", ""),
            percent_invalid=_INVALID if "percent_complete" in invalid else "",
            note=entered.get("note", ""),
            note_invalid=_INVALID if "note" in invalid else "",
            title=title,
            **page.form_labels,
        )
    elif state.errors or state.conflict:
        update = mark_safe("")  # the alert says it all
    else:
        update = page.view_only
    css = (" row-saved" if state.saved else "") + (" row-has-error" if state.errors else "")
    return MilestoneRow(
        milestone=milestone,
        pk=pk,
        css=css,
        cells=cells,
        update=update,
        percent=percent,
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
    page = _Page(request, next_url)
    state = state or RowState()
    return [_row(page, milestone, state) for milestone in milestones]


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
        milestone_filter = MilestoneFilter(
            QueryDict(parts.query), queryset=Milestone.objects.all(), request=request
        )
        return status_counts(milestone_filter.qs), True
    if match.view_name == "provision_detail":
        return status_counts(Milestone.objects.filter(provision_id=match.kwargs["pk"])), False
    return None, False
